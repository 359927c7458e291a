"""The database schema: brought to the newest migration by a command, never on import."""

from __future__ import annotations

from pathlib import Path

from flask import current_app


def upgrade_database() -> None:
    """Create the SQLite folder if needed and bring the schema to the newest migration."""
    from flask_migrate import upgrade

    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    upgrade()
