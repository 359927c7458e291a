"""Assessments: pre/post-test quizzes, action plans and rubric grading (the rules and records;
the pages that use them live with the learning flow in ``leans.modules``)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from leans import audit  # noqa: F401 - registers the table
    from leans.assessments import models, plan_models  # noqa: F401 - registers the tables
    from leans.assessments.grading import parse_thresholds
    from leans.assessments.grading_views import bp as grading_bp
    from leans.assessments.plan_views import bp as plan_bp
    from leans.assessments.tracker_views import bp as tracker_bp
    from leans.config import ConfigError
    from leans.content import ContentError, get_catalogue

    try:
        parse_thresholds(app.config["LEANS_PREDICATE_THRESHOLDS"])
    except ValueError as error:
        raise ConfigError(f"LEANS_PREDICATE_THRESHOLDS: {error}") from error
    with app.app_context():
        if app.config["LEANS_PLAN_RUBRIC"] not in get_catalogue().rubrics:
            raise ContentError(
                f"The action-plan rubric '{app.config['LEANS_PLAN_RUBRIC']}' is missing: add "
                f"content/rubrics/{app.config['LEANS_PLAN_RUBRIC']}.md or set "
                "LEANS_PLAN_RUBRIC.")
    app.register_blueprint(plan_bp)
    app.register_blueprint(grading_bp)
    app.register_blueprint(tracker_bp)
