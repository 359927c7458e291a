"""The action plan (change project): what it contains (``content``), its states
(``states``), the workflow (``workflow``: drafts, submission, revision rounds, grading,
progress updates), rubric scoring and predicates (``scoring``), who may see and grade a
plan (``access``), and the participant's (``views``) and the facilitators' pages
(``grading_views``). The full path (LAN's shape): the mentor's endorsement and the seminars
(``project``, ``project_views``), milestones with evidence (``milestones``, ``evidence``,
``milestone_views``) and follow-ups (``followups``, ``followup_views``)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from leans.assessments.plans import models  # noqa: F401 - registers the tables
    from leans.assessments.plans.content import LABELS, PILOT_VILLAGES, ROW_FIELDS
    from leans.assessments.plans.followup_views import bp as followups_bp
    from leans.assessments.plans.grading_views import bp as grading_bp
    from leans.assessments.plans.milestone_views import bp as milestones_bp
    from leans.assessments.plans.project_views import bp as project_bp
    from leans.assessments.plans.scoring import parse_thresholds
    from leans.assessments.plans.views import bp as plan_bp
    from leans.content import ContentError, get_catalogue
    from leans.content.rubric import band_mismatches
    from leans.core.config import ConfigError
    from leans.core.models import Role

    try:
        parse_thresholds(app.config["LEANS_PREDICATE_THRESHOLDS"])
    except ValueError as error:
        raise ConfigError(f"LEANS_PREDICATE_THRESHOLDS: {error}") from error
    with app.app_context():
        found = []
        for setting in ("LEANS_PLAN_RUBRIC", "LEANS_REPORT_RUBRIC"):
            slug = app.config[setting]
            if slug not in get_catalogue().rubrics:
                raise ContentError(f"The rubric '{slug}' is missing: add "
                                   f"content/rubrics/{slug}.md or set {setting}.")
            found += band_mismatches(get_catalogue().rubrics[slug],
                                     parse_thresholds(app.config["LEANS_PREDICATE_THRESHOLDS"]))
        if found:
            raise ConfigError("LEANS_PREDICATE_THRESHOLDS differs from the rubric's bands:\n"
                              + "\n".join(found))
    app.jinja_env.globals.update(plan_labels=LABELS, plan_rows=ROW_FIELDS,
                                 pilot_villages=PILOT_VILLAGES,
                                 project_roles={Role.EXAMINER, Role.FACILITATOR, Role.ADMIN})
    app.register_blueprint(plan_bp)
    app.register_blueprint(grading_bp)
    app.register_blueprint(project_bp)
    app.register_blueprint(followups_bp)
    app.register_blueprint(milestones_bp)
