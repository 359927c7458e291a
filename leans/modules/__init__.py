"""Course modules: reading the content and tracking progress."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from leans.modules import models  # noqa: F401 - registers the tables
    from leans.modules.cohort_views import bp as cohort_bp
    from leans.modules.quiz_report_views import bp as quiz_report_bp
    from leans.modules.quiz_views import bp as quiz_bp
    from leans.modules.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(cohort_bp)
    app.register_blueprint(quiz_bp)
    app.register_blueprint(quiz_report_bp)
