"""Shared fixtures in the flaskr/Indico manner: app, client, runner, auth, factories.

The database is SQLite in a temporary folder unless ``LEANS_TEST_DATABASE_URL`` names another
(CI runs the suite a second time against PostgreSQL). The schema is built once per session by
the real migrations; every test starts from empty tables.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
import shutil
import socket
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, text

from leans import create_app
from leans.auth.services import create_user
from leans.core.config import PROJECT_ROOT
from leans.core.extensions import db
from leans.core.models import Cohort, CohortFacilitator, Enrolment, Role, User

PASSWORD = "kopi-sawah-jati-7"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def test_database_url(tmp_path_factory) -> str:
    url = os.environ.get("LEANS_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


class BrowserLikeClient(FlaskClient):
    """Runs every request in its own app context (own ``g``, own database session), as a
    real server does, even though the test itself holds an app context."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """One app per test session, its schema built by the migrations."""
    from flask_migrate import upgrade

    app = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": test_database_url(tmp_path_factory),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast; production uses scrypt
        "SERVER_NAME": None,
    })
    app.test_client_class = BrowserLikeClient
    with app.app_context():
        upgrade()
    return app


@pytest.fixture
def other_app(app):
    """Factory: another app with some settings changed, on the same test database."""

    def factory(**settings) -> object:
        other = create_app({"TESTING": True,
                            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                            "PASSWORD_HASH_METHOD": app.config["PASSWORD_HASH_METHOD"],
                            **settings})
        other.test_client_class = app.test_client_class
        return other

    return factory


@pytest.fixture
def content_app(other_app):
    """Factory: an app on another content folder (reloaded at once), same test database."""

    def factory(root) -> object:
        rubrics = Path(root) / "rubrics"
        if not rubrics.exists():  # every install needs the action-plan rubric
            shutil.copytree(PROJECT_ROOT / "content" / "rubrics", rubrics)
        return other_app(LEANS_CONTENT_DIR=str(root), LEANS_CONTENT_RELOAD_SECONDS=0)

    return factory


@pytest.fixture(autouse=True)
def _clean_database(app):
    """Each test starts with empty tables, fresh rate limits and its own app context."""
    from leans.core.extensions import limiter

    with app.app_context():
        limiter.reset()
        yield
        empty_tables()


def empty_tables() -> None:
    """Delete every row of every table (the schema stays)."""
    db.session.rollback()
    db.session.remove()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(text(f"DELETE FROM {table}"))
    db.session.commit()


def fresh(obj):
    """Reload an object from the database after requests changed it."""
    db.session.refresh(obj)
    return obj


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token of the client's session, read from a page's form."""
    response = client.get(path)
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {path} (status {response.status_code})"
    return match.group(1)


def post_form(client, url: str, data: dict, token_page: str = "/dashboard", **kwargs):
    """POST a form the way a browser does, with the session's CSRF token."""
    return client.post(url, data={**data, "csrf_token": csrf_token(client, token_page)},
                       **kwargs)


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, login: str, password: str = PASSWORD, **kwargs):
        token = csrf_token(self._client, "/login")
        return self._client.post(
            "/login", data={"login": login, "password": password, "csrf_token": token}, **kwargs
        )

    def logout(self):
        return post_form(self._client, "/logout", {})


@pytest.fixture
def auth(client):
    return AuthActions(client)


_counter = itertools.count(1)


@pytest.fixture
def make_user():
    """Factory: ``make_user(roles={Role.ADMIN}, full_name=..., ...)``."""

    def factory(roles: set[Role] | None = None, *, username: str | None = None,
                password: str = PASSWORD, **fields) -> User:
        n = next(_counter)
        fields.setdefault("full_name", f"Peserta Uji {n}")
        user = create_user(username=username or f"user{n}", password=password,
                           roles=roles or {Role.PARTICIPANT}, **fields)
        db.session.commit()
        return user

    return factory


@pytest.fixture
def make_cohort():
    """Factory: ``make_cohort(participants=[...], facilitators=[...], modules=[...])``."""

    def factory(slug: str | None = None, *, participants=(), facilitators=(), modules=(),
                **fields) -> Cohort:
        n = next(_counter)
        cohort = Cohort(
            slug=slug or f"angkatan-uji-{n}", name=fields.pop("name", f"Angkatan Uji {n}"),
            starts_on=fields.pop("starts_on", dt.date(2026, 10, 5)),
            ends_on=fields.pop("ends_on", dt.date(2026, 12, 18)),
            place=fields.pop("place", "BKPP Bojonegoro"), **fields,
        )
        cohort.set_modules(list(modules))
        cohort.enrolments = [Enrolment(user=user) for user in participants]
        cohort.facilitator_rows = [CohortFacilitator(user=user) for user in facilitators]
        db.session.add(cohort)
        db.session.commit()
        return cohort

    return factory


@contextmanager
def count_queries():
    """Count the SQL statements run inside the block: ``with count_queries() as n: ...; n()``."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield lambda: len(statements)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on, for servers the tests start."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
