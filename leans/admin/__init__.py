"""BKPP administration: cohorts, participant import, accounts, reports."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from leans.admin import reports_views, users_views  # noqa: F401 - routes on admin.bp
    from leans.admin.views import bp

    app.register_blueprint(bp)
