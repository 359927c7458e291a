"""Login, logout, sessions, password policy and first-login password change."""

from __future__ import annotations

import pytest

from leans.core.extensions import db
from leans.core.models import Role, User
from tests.fixtures.constants import PASSWORD


def test_login_with_username_or_email_reaches_the_dashboard(client, auth, make_user):
    make_user(username="siti", email="Siti@Example.go.id", full_name="Siti Nurhayati, S.E., M.M.")
    response = auth.login("siti")
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Siti Nurhayati, S.E., M.M." in page
    auth.logout()
    assert auth.login("siti@example.go.id").status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_answer(client, auth, make_user):
    make_user(username="budi")
    wrong = auth.login("budi", "not-the-password-at-all")
    unknown = auth.login("nobody", "not-the-password-at-all")
    assert wrong.status_code == unknown.status_code == 401

    def message(response):
        return response.get_data(as_text=True).split('class="flash flash-error"')[1][:200]

    assert message(wrong) == message(unknown)
    assert client.get("/dashboard").status_code == 302  # still anonymous


def test_inactive_user_cannot_log_in(client, auth, make_user):
    make_user(username="pasif", active=False)
    response = auth.login("pasif")
    assert response.status_code == 401
    assert client.get("/dashboard").status_code == 302


def test_deactivating_ends_an_open_session(client, auth, make_user):
    user = make_user(username="aktif")
    auth.login("aktif")
    user.active = False
    db.session.commit()
    assert client.get("/dashboard").status_code == 302


def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_login_follows_only_local_next(client, make_user, csrf_token):
    make_user(username="tono")
    token = csrf_token(client)
    response = client.post("/login?next=https://evil.example/x",
                           data={"login": "tono", "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/dashboard"


def test_logout_makes_a_replayed_session_cookie_useless(app, client, auth, make_user):
    make_user(username="rina")
    auth.login("rina")
    cookie = client.get_cookie("session").value
    auth.logout()
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/dashboard").status_code == 302


def test_logout_needs_post_with_csrf(client, auth, make_user):
    make_user(username="dwi")
    auth.login("dwi")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token
    assert client.get("/dashboard").status_code == 200


def test_post_without_csrf_token_is_refused(client, make_user):
    make_user(username="agus")
    response = client.post("/login", data={"login": "agus", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/dashboard").status_code == 302


def test_change_password_checks_current_and_policy(client, auth, make_user, post_form, fresh):
    user = make_user(username="lilik")
    auth.login("lilik")
    weak = post_form(client, "/account/password", {
        "current_password": PASSWORD, "new_password": "password1234", "confirm": "password1234"})
    assert weak.status_code == 200 and 'class="error"' in weak.get_data(as_text=True)
    wrong = post_form(client, "/account/password", {
        "current_password": "salah-sekali-ini", "new_password": "domba-ikan-lele-99",
        "confirm": "domba-ikan-lele-99"})
    assert 'class="error"' in wrong.get_data(as_text=True)
    ok = post_form(client, "/account/password", {
        "current_password": PASSWORD, "new_password": "domba-ikan-lele-99",
        "confirm": "domba-ikan-lele-99"})
    assert ok.status_code == 302
    assert client.get("/dashboard").status_code == 200  # the new session works
    auth.logout()
    assert auth.login("lilik", PASSWORD).status_code == 401
    assert auth.login("lilik", "domba-ikan-lele-99").status_code == 302
    assert fresh(user).password_hash.startswith("pbkdf2:")


def test_password_change_ends_other_sessions(app, client, auth, make_user, post_form,
                                              auth_for):
    make_user(username="yusuf")
    other = app.test_client()
    auth.login("yusuf")
    auth_for(other).login("yusuf")
    post_form(client, "/account/password", {
        "current_password": PASSWORD, "new_password": "jembatan-bengawan-solo-3",
        "confirm": "jembatan-bengawan-solo-3"})
    assert client.get("/dashboard").status_code == 200
    assert other.get("/dashboard").status_code == 302


def test_first_login_forces_a_password_change(client, auth, make_user, post_form):
    make_user(username="baru", must_change_password=True)
    auth.login("baru")
    response = client.get("/dashboard")
    assert response.status_code == 302 and response.headers["Location"] == "/account/password"
    assert client.get("/healthz").status_code == 200  # still reachable
    post_form(client, "/account/password", {
        "current_password": PASSWORD, "new_password": "ayam-petelur-gayatri-5",
        "confirm": "ayam-petelur-gayatri-5"}, token_page="/account/password")
    assert client.get("/dashboard").status_code == 200


@pytest.mark.parametrize("password", ["pendek-1", "password1234", "aaaaaaaaaaaaaa",
                                      "123456789012"])
def test_password_policy_rejects_short_and_common(app, password):
    from leans.auth.passwords import password_problems
    assert password_problems(password)


def test_password_policy_rejects_the_users_own_nip(app):
    from leans.auth.passwords import password_problems
    assert password_problems("198609262015051001", ["198609262015051001"])
    assert not password_problems("tiga-ekor-domba-di-kolong")


def test_production_hashing_is_scrypt(app):
    from leans.core.config import load_config
    assert load_config({})["PASSWORD_HASH_METHOD"] == "scrypt"


def test_user_may_hold_several_roles(make_user):
    user = make_user({Role.FACILITATOR, Role.ADMIN})
    assert user.roles == {Role.FACILITATOR, Role.ADMIN}
    user.set_roles({Role.PARTICIPANT})
    db.session.commit()
    assert db.session.get(User, user.id).roles == {Role.PARTICIPANT}


def test_login_starts_a_new_session_without_what_was_planted_before(client, auth, make_user):
    """Session fixation: nothing an attacker put in the pre-login session survives login."""
    make_user(username="lina")
    with client.session_transaction() as session:
        session["_user_id"] = "999:1"
        session["planted"] = "by someone else"
        session["locale"] = "en"  # the visitor's language choice is kept
    auth.login("lina")
    with client.session_transaction() as session:
        assert "planted" not in session and session["locale"] == "en"
        assert session["_user_id"] != "999:1"


@pytest.mark.parametrize(("idle_minutes", "still_in"), [(59, True), (61, False)])
def test_an_idle_session_ends_even_when_the_cookie_is_replayed(app, client, auth, make_user,
                                                               monkeypatch, idle_minutes,
                                                               still_in):
    """The idle limit is enforced by the server (the signed timestamp), not only by the
    browser forgetting an expired cookie."""
    import time
    from types import SimpleNamespace

    import itsdangerous.timed

    make_user(username="yanto")
    auth.login("yanto")
    cookie = client.get_cookie("session").value
    assert app.permanent_session_lifetime.total_seconds() == 60 * 60  # the documented default
    later = time.time() + 60 * idle_minutes
    monkeypatch.setattr(itsdangerous.timed, "time", SimpleNamespace(time=lambda: later))
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert (replay.get("/dashboard").status_code == 200) is still_in
