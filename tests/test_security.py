"""Security basics in place so far: headers, login rate limit, refused-access logging."""

from __future__ import annotations

import logging

from conftest import PASSWORD, csrf_token


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


def test_login_attempts_are_rate_limited(app, make_user):
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
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "1986**********2001" in messages and "198609262015052001" not in messages
    assert "login ok user id=" in messages
    assert "refused 403 GET /admin/" in messages
