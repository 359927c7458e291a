"""The dashboard: each role's starting page, drawing on every feature."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from leans.dashboard.views import bp

    app.register_blueprint(bp)
