"""Security basics: headers, refused-access logging, trusted proxies. (The password throttle is
in tests/auth/test_throttle.py.)"""

from __future__ import annotations

import logging

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
