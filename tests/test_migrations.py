"""Migrations build the current schema from an empty database, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

from leans import create_app
from leans.core.extensions import db
from tests.fixtures.app import empty_database


@pytest.fixture
def empty_database_url(app, tmp_path):
    """A brand-new empty database of the same kind as the test database."""
    with empty_database(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, "leans_mig") as url:
        yield url


def _schema_differences(app) -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_upgrade_from_empty_matches_the_models(empty_database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "user_roles", "cohorts", "enrolments", "alembic_version"} <= tables
        assert _schema_differences(app) == []
        db.engine.dispose()


def test_downgrade_to_empty_and_upgrade_again(empty_database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert _schema_differences(app) == []
        db.engine.dispose()


def test_cli_db_upgrade_on_an_empty_database(empty_database_url, monkeypatch):
    from click.testing import CliRunner

    from leans.cli import main

    monkeypatch.setenv("LEANS_DATABASE_URL", empty_database_url)
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    engine = create_engine(empty_database_url)
    assert "users" in inspect(engine).get_table_names()
    engine.dispose()
