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
