"""Security basics in place so far: headers, login rate limit, refused-access logging."""

from __future__ import annotations

import logging

import pytest

from tests.fixtures.constants import PASSWORD


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split(
        "style-src-attr")[0]
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script(client, auth, make_user):
    make_user(username="p")
    auth.login("p")
    for url in ("/dashboard", "/login"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html and "onclick" not in html


def test_login_attempts_are_rate_limited(app, make_user, csrf_token):
    make_user(username="target")
    client = app.test_client()
    statuses = []
    for _ in range(12):
        token = csrf_token(client, "/login")
        statuses.append(client.post("/login", data={"login": "target", "password": "salah",
                                                    "csrf_token": token}).status_code)
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429, 429]
    token = csrf_token(client, "/login")
    assert client.post("/login", data={"login": "target", "password": PASSWORD,
                                       "csrf_token": token}).status_code == 429


def test_refused_access_and_failed_logins_are_logged_with_masked_nip(client, auth, make_user,
                                                                    caplog):
    make_user(username="p")
    with caplog.at_level(logging.INFO):
        auth.login("198609262015052001", "salah-sekali")
        auth.login("p")
        client.get("/admin/")
        client.get("/certificates/999.pdf")  # someone else's (or nobody's): refused as 404
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "refused 404 GET /certificates/999.pdf for user" in messages
    assert "1986**********2001" in messages and "198609262015052001" not in messages
    assert "login ok user id=" in messages
    assert "refused 403 GET /admin/" in messages


@pytest.fixture
def failed_logins(csrf_token):
    """``failed_logins(app, addresses)``: a wrong password for "target" from each address in
    turn (as X-Forwarded-For); the statuses."""

    def attempt(app, addresses: list[str]) -> list[int]:
        client = app.test_client()
        statuses = []
        for address in addresses:
            token = csrf_token(client, "/login")
            statuses.append(client.post(
                "/login", data={"login": "target", "password": "salah", "csrf_token": token},
                headers={"X-Forwarded-For": address}).status_code)
        return statuses

    return attempt


def test_behind_a_trusted_proxy_each_client_has_its_own_login_limit(other_app, make_user,
                                                                     failed_logins):
    make_user(username="target")
    proxied = other_app(LEANS_PROXY_COUNT=1)
    assert failed_logins(proxied, ["203.0.113.7"] * 11) == [401] * 10 + [429]
    assert failed_logins(proxied, ["198.51.100.9"]) == [401]  # another citizen, not blocked


def test_without_a_trusted_proxy_a_forged_address_changes_nothing(app, make_user,
                                                                   failed_logins):
    make_user(username="target")
    forged = [f"203.0.113.{n}" for n in range(11)]  # a new "address" on every try
    assert failed_logins(app, forged) == [401] * 10 + [429]


def test_https_at_the_proxy_turns_on_hsts(other_app):
    client = other_app(LEANS_PROXY_COUNT=1).test_client()
    secure = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_security_log_lines_carry_time_account_and_address(other_app, make_user, caplog,
                                                            csrf_token):
    import re

    from leans.core.logs import FORMAT, UTCFormatter

    make_user(username="p")
    client = other_app(LEANS_PROXY_COUNT=1).test_client()
    with caplog.at_level(logging.INFO):
        token = csrf_token(client, "/login")
        client.post("/login", data={"login": "p", "password": PASSWORD, "csrf_token": token},
                    headers={"X-Forwarded-For": "203.0.113.7"})
    lines = [UTCFormatter(FORMAT).format(r) for r in caplog.records if r.name == "leans.auth"]
    assert any(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ INFO leans.auth: "
                            r"login ok user id=\d+ from 203\.0\.113\.7", line) for line in lines)
    handlers = logging.getLogger("leans").handlers
    assert [h for h in handlers if getattr(h, "is_leans", False)]  # lines reach stderr
