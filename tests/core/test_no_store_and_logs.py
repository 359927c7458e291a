"""Personal pages and downloads are never cached; a request cannot forge a log line."""

from __future__ import annotations

import logging

from leans.core.logs import FORMAT, UTCFormatter
from leans.core.models import Role


def test_personal_pages_and_downloads_are_not_stored(app, make_user, logged_in):
    anonymous = app.test_client()
    assert "no-store" not in anonymous.get("/login").headers.get("Cache-Control", "")
    make_user({Role.ADMIN}, username="admin")
    client = logged_in("admin")
    for url in ("/dashboard", "/admin/users", "/admin/reports/summary.csv",
                "/admin/reports/summary.xlsx"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
        assert "Cookie" in response.headers.get("Vary", ""), url
    static = client.get("/static/leans.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")


def test_a_path_with_a_line_break_stays_one_log_line(app, make_user, logged_in, caplog):
    make_user(username="p")
    client = logged_in("p")
    forged = "/learn/tidak-ada%0a2026-11-28T03:14:07Z INFO leans.auth: login ok user id=1/"
    with caplog.at_level(logging.INFO, logger="leans"):
        assert client.get(forged).status_code == 404
    refusals = [r for r in caplog.records if r.name == "leans.security"]
    assert refusals
    line = UTCFormatter(FORMAT).format(refusals[-1])
    assert "\n" not in line and "\\x0a2026-11-28T03:14:07Z INFO" in line
