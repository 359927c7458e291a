"""No 5xx for any input: every URL rule of the app, as an anonymous visitor, a participant, a
facilitator and an admin, with hostile values in every query parameter the app reads and in
every path variable; and an anonymous OPTIONS on every route.

Which query parameters a page reads is found out, not listed: each page is first opened once
with a request class that notes every name looked up in ``request.args``. Every page then
gets all of those (and the names in ``PARAMETERS``) set to each hostile value at once, and each
parameter it read on its own, since a page may stop reading at the first odd one.

Exceptions propagate in tests (Flask's TESTING), so an uncaught one is recorded as the 5xx it
would be in production."""

from __future__ import annotations

import re

import pytest
from werkzeug.datastructures import ImmutableMultiDict

from tests.fixtures.routes import World, fill_rule

ROLES = ("anonymous", "participant_a", "facilitator", "admin")
#: Query parameters the app reads (``grep -rn "request.args" leans/``) and common ones it
#: might; the pages' own reads are added to these as they are found.
PARAMETERS = ("page", "days", "id", "type", "cohort", "state", "sort", "desc", "unit",
              "village", "q", "next")
HOSTILE = {
    "huge": "1e20",
    "huge integer": "99999999999999999999",
    "negative": "-5",
    "not a number": "abc",
    "empty": "",
    "very long": "x" * 10_000,
    "NUL": "a\x00b",
    "not Latin": "Désa Ŋ 😀 \u202e",
}
#: For path variables (an empty one would match no rule).
HOSTILE_PATH = {name: HOSTILE[name] for name in ("very long", "NUL", "not Latin", "huge")}
BIG_INT = str(2**40)


@pytest.fixture
def world(route_world) -> World:
    return route_world


def fill(rule, world: World, hostile: str | None = None) -> str:
    return fill_rule(rule, world, hostile, BIG_INT)


def has_variables(rule, converters: set[str]) -> bool:
    return any(c in converters for c in re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>", rule.rule))


#: Names looked up in ``request.args`` since it was last cleared.
READ: set[str] = set()


class NotedArgs(ImmutableMultiDict):
    """Query parameters that note every name a page looks up."""

    def get(self, key, default=None, type=None):  # noqa: A002 - werkzeug's signature
        READ.add(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        READ.add(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        READ.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        READ.add(key)
        return super().__contains__(key)


@pytest.fixture
def noting(app, monkeypatch):
    """The app's requests note the query parameters read (in READ)."""

    class NotingRequest(app.request_class):
        parameter_storage_class = NotedArgs

    monkeypatch.setattr(app, "request_class", NotingRequest)
    READ.clear()
    yield READ
    READ.clear()


@pytest.fixture
def clients(app, world, auth_for):
    """A client per role, logged in (the anonymous one is not)."""
    made = {}
    for role in ROLES:
        client = app.test_client()
        if role != "anonymous":
            assert auth_for(client).login(role).status_code == 302
        made[role] = client
    return made


class Failures(list):
    def check(self, client, method: str, url: str, role: str, **kwargs) -> None:
        """Send the request; note it when the answer is a 5xx or an exception escapes."""
        try:
            response = client.open(url, method=method, **kwargs)
        except Exception as error:  # what production would answer with a 500
            self.append(f"{role} {method} {self._shown(url, kwargs)}: {error!r}"[:300])
            return
        if response.status_code >= 500:
            self.append(f"{role} {method} {self._shown(url, kwargs)}: {response.status_code}")

    @staticmethod
    def _shown(url: str, kwargs: dict) -> str:
        query = {k: v if len(v) < 20 else f"{v[:10]}...({len(v)})"
                 for k, v in kwargs.get("query_string", {}).items()}
        return f"{url if len(url) < 100 else url[:60] + '...'!r} {query or ''}"

    def __str__(self) -> str:
        return "\n".join(self)


def get_rules(app):
    return sorted((r for r in app.url_map.iter_rules() if "GET" in r.methods
                   and r.endpoint != "auth.logout"), key=lambda r: r.rule)


@pytest.mark.parametrize("role", ROLES)
def test_no_query_parameter_value_gives_a_server_error(app, world, clients, noting, role):
    client, failures = clients[role], Failures()
    for rule in get_rules(app):
        url = fill(rule, world)
        noting.clear()
        failures.check(client, "GET", url, role)
        read = sorted(noting - {""})
        everything = sorted(set(PARAMETERS) | set(read))
        for value in HOSTILE.values():
            failures.check(client, "GET", url, role,
                           query_string={name: value for name in everything})
            for name in read:  # each on its own: a page may stop at the first odd one
                failures.check(client, "GET", url, role, query_string={name: value})
    assert not failures, f"{len(failures)} server errors:\n{failures}"


@pytest.mark.parametrize("role", ROLES)
def test_no_path_value_gives_a_server_error(app, world, clients, role):
    client, failures = clients[role], Failures()
    for rule in get_rules(app):
        if has_variables(rule, {"int"}):
            failures.check(client, "GET", fill(rule, world, BIG_INT), role)
        if has_variables(rule, {"", "default", "string", "path"}):
            for value in HOSTILE_PATH.values():
                failures.check(client, "GET", fill(rule, world, value), role)
    assert not failures, f"{len(failures)} server errors:\n{failures}"


def test_an_anonymous_options_request_to_any_route_is_no_server_error(app, world, client):
    failures = Failures()
    for rule in app.url_map.iter_rules():
        failures.check(client, "OPTIONS", fill(rule, world), "anonymous")
    assert not failures, f"{len(failures)} server errors:\n{failures}"


def test_the_parameters_the_app_reads_are_found(app, world, clients, noting):
    """The finding works: the pages known to read parameters are seen reading them."""
    admin = clients["admin"]
    for url, names in [("/admin/users", {"q", "page"}), ("/audit", {"type", "id"}),
                       (f"/cohorts/{world.cohort_slug}/progress",
                        {"unit", "state", "days", "sort", "desc"}),
                       ("/grading/tracker", {"cohort", "village"})]:
        noting.clear()
        assert admin.get(url).status_code == 200
        assert names <= noting, url


def test_a_nul_character_in_a_form_field_is_refused_not_a_server_error(app, world, clients,
                                                                       csrf_token):
    """PostgreSQL refuses NUL in text: a form field holding one once reached the database
    (an anonymous login was enough). Every POST route, as an admin and anonymously."""
    failures = Failures()
    for role in ("anonymous", "admin"):
        client = clients[role]
        token = csrf_token(client, "/login" if role == "anonymous" else "/account/password")
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "POST" not in rule.methods or rule.endpoint == "auth.logout":
                continue
            form = {"csrf_token": token, "login": "admin\x00", "password": "x",
                    "name": "Angkatan\x00", "q": "\x00"}
            failures.check(client, "POST", fill(rule, world), role, data=form)
    assert not failures, f"{len(failures)} server errors:\n{failures}"
    response = clients["anonymous"].post("/login", data={
        "csrf_token": csrf_token(clients["anonymous"], "/login"), "login": "admin\x00",
        "password": "x"})
    assert response.status_code == 400
