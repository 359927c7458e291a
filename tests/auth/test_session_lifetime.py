"""However active, a login lasts at most LEANS_SESSION_MAX_HOURS (a shared hall computer)."""

from __future__ import annotations

import time


def test_a_login_ends_after_its_maximum_age_even_when_active(app, make_user, logged_in):
    make_user(username="p")
    client = logged_in("p")
    assert client.get("/dashboard").status_code == 200
    max_age = app.config["LEANS_SESSION_MAX_HOURS"] * 3600
    with client.session_transaction() as session:
        started = session["started_at"]
        assert abs(started - time.time()) < 60
        session["started_at"] = int(time.time()) - max_age + 120  # two minutes left
    assert client.get("/dashboard").status_code == 200
    with client.session_transaction() as session:
        session["started_at"] = int(time.time()) - max_age - 1
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_session_without_a_start_time_is_not_trusted(app, make_user, logged_in):
    make_user(username="p")
    client = logged_in("p")
    with client.session_transaction() as session:
        del session["started_at"]
    assert client.get("/dashboard").status_code == 302
