"""Course modules ("module" here always means a module of the course, never a Python
module): reading lessons, progress and completion rules, the JP ledger, and the pages where
a module's tests are taken (they need progress)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from leans.modules import models  # noqa: F401 - registers the tables
    from leans.modules.quiz_views import bp as quiz_bp
    from leans.modules.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(quiz_bp)
    from leans.modules.offline_views import bp as offline_bp
    app.register_blueprint(offline_bp)
    #: Features below this one (tasks) ask whether a module is locked for a reader without
    #: importing progress: the question is handed to them as a value.
    app.extensions["leans.module_locked"] = module_locked


def module_locked(cohort_slug: str, user: object, module_slug: str) -> bool:
    """Whether the module is locked for USER in the cohort (its prerequisites not complete)."""
    from leans.modules.place import cohort_place
    from leans.modules.progress import ProgressStatus

    place = cohort_place(cohort_slug, user)
    module, _lesson = place.find(module_slug)
    return place.progress_of(module).status is ProgressStatus.LOCKED
