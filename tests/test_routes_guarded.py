"""Every route of the app, generated from the URL map: nothing is public by accident, and no
state-changing request is accepted without a CSRF token."""

from __future__ import annotations

import re

import pytest

from leans.core.models import Role

#: Endpoints anyone may open without logging in.
PUBLIC = {"static", "core.index", "core.healthz", "core.set_language", "auth.login",
          "auth.setup", "certificates.verify"}
SAMPLE = {"int": "1", "default": "contoh", "path": "gambar/x.png", "any": None}


def sample_url(rule) -> str:
    """The rule's path with a plausible value for every variable."""
    def value(match):
        converter, _, name = match.group(1).rpartition(":")
        if converter.startswith("any("):
            return converter[4:-1].split(",")[0].strip()
        return SAMPLE.get(converter or "default", "contoh")
    return re.sub(r"<([^>]+)>", value, rule.rule)


def rules(app, method: str):
    return [r for r in app.url_map.iter_rules() if method in r.methods]


def test_the_url_map_has_the_expected_size(app):
    assert len(list(app.url_map.iter_rules())) > 60  # the generator sees every feature


def test_no_route_is_public_by_accident(app):
    client = app.test_client()
    for rule in rules(app, "GET"):
        if rule.endpoint in PUBLIC:
            continue
        response = client.get(sample_url(rule))
        assert response.status_code == 302 and "/login" in response.headers["Location"], \
            f"{rule.rule} ({rule.endpoint}) answered {response.status_code} to anonymous"


@pytest.mark.parametrize("role", [Role.PARTICIPANT, Role.FACILITATOR, Role.ADMIN])
def test_every_post_needs_a_csrf_token(app, make_user, role):
    make_user({role}, username="u")
    client = app.test_client()
    from conftest import AuthActions
    AuthActions(client).login("u")
    from conftest import csrf_token
    foreign = csrf_token(app.test_client(), "/login")  # valid, but another session's
    for rule in rules(app, "POST"):
        if rule.endpoint == "auth.login":
            continue  # answered before login by design
        for data in ({"x": "1"}, {"x": "1", "csrf_token": foreign},
                     {"x": "1", "csrf_token": "bukan-token"}):
            response = client.post(sample_url(rule), data=data)
            assert response.status_code == 400, \
                f"{rule.rule} ({rule.endpoint}) answered {response.status_code} to {data}"


def test_admin_routes_refuse_participants_and_facilitators(app, make_user):
    from conftest import AuthActions
    for role in (Role.PARTICIPANT, Role.FACILITATOR):
        make_user({role}, username=role.value)
        client = app.test_client()
        AuthActions(client).login(role.value)
        for rule in rules(app, "GET"):
            if rule.rule.startswith("/admin") or rule.endpoint == "audit.trail":
                status = client.get(sample_url(rule)).status_code
                assert status in (403, 404), f"{rule.rule} gave {status} to a {role.value}"
