"""BKPP administration: cohorts, participant import, accounts, the audit trail, and
``leans users import``."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Importing them adds routes to admin.bp and `leans users import` to `leans users`.
    from leans.admin import cli, users_views, views  # noqa: F401
    from leans.admin.audit_views import bp as audit_bp
    from leans.admin.blueprint import bp

    app.register_blueprint(bp)
    app.register_blueprint(audit_bp)
