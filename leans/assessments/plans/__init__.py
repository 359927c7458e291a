"""The action plan (change project): what it contains (``content``), its states
(``states``), the workflow (``workflow``: drafts, submission, revision rounds, grading,
progress updates), rubric scoring and predicates (``scoring``), who may see and grade a
plan (``access``), and the participant's (``views``) and the facilitators' pages
(``grading_views``)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from leans.assessments.plans import models  # noqa: F401 - registers the tables
    from leans.assessments.plans.content import LABELS, PILOT_VILLAGES, ROW_FIELDS
    from leans.assessments.plans.grading_views import bp as grading_bp
    from leans.assessments.plans.scoring import parse_thresholds
    from leans.assessments.plans.views import bp as plan_bp
    from leans.content import ContentError, get_catalogue
    from leans.content.rubric import band_mismatches
    from leans.core.config import ConfigError

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
        found = band_mismatches(get_catalogue().rubrics[app.config["LEANS_PLAN_RUBRIC"]],
                                parse_thresholds(app.config["LEANS_PREDICATE_THRESHOLDS"]))
        if found:
            raise ConfigError("LEANS_PREDICATE_THRESHOLDS differs from the rubric's bands:\n"
                              + "\n".join(found))
    app.jinja_env.globals.update(plan_labels=LABELS, plan_rows=ROW_FIELDS,
                                 pilot_villages=PILOT_VILLAGES)
    app.register_blueprint(plan_bp)
    app.register_blueprint(grading_bp)
