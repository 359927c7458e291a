"""The password throttle (leans.auth.throttle): a classroom on one address gets in, password
guessing does not. Failed checks only are counted, per account (from any address) and per
address; login, password change and re-authentication share the counter; refusals are 429
pages with Retry-After; every kind of failure costs the same time."""

from __future__ import annotations

import datetime as dt
import statistics
import time

import pytest
from flask_babel import gettext
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from leans import create_app
from leans.auth.models import FailedPasswordCheck
from leans.auth.passwords import NO_PASSWORD
from leans.auth.throttle import REASONS, check_password, locked_until
from leans.certificates.issuing import candidate_for, issue_batch
from leans.certificates.models import Certificate, CertificateStatus
from leans.core.audit import AuditEvent
from leans.core.config import ConfigError
from leans.core.extensions import db
from leans.core.models import Role, User, utcnow
from tests.fixtures.certificates import MODULE
from tests.fixtures.constants import PASSWORD

WRONG = "bukan-kata-sandinya"
#: The defaults (leans.core.config): 5 failures in 15 minutes lock an account; 100 failures
#: in 10 minutes from one address make it refuse wrong passwords.
LOCKOUT, LOCKOUT_MINUTES, ADDRESS_BUDGET, ADDRESS_MINUTES = 5, 15, 100, 10


@pytest.fixture
def attempt(csrf_token):
    """``attempt(client, login, password, address="127.0.0.1")``: one login through the
    form, from ADDRESS (the client's session's CSRF token is read once)."""
    tokens: dict[int, tuple[object, str]] = {}  # the client is kept, so its id stays its own

    def post(client, login: str, password: str, address: str = "127.0.0.1"):
        if id(client) not in tokens:
            tokens[id(client)] = client, csrf_token(client, "/login")
        return client.post("/login", data={"login": login, "password": password,
                                           "csrf_token": tokens[id(client)][1]},
                           environ_base={"REMOTE_ADDR": address})

    return post


def failures() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(FailedPasswordCheck))


def retry_after(response) -> int:
    return int(response.headers["Retry-After"])


def translated(app, text) -> str:
    """TEXT as the pages say it in Bahasa Indonesia (the default language)."""
    with app.test_request_context():
        return str(text)


def test_the_defaults_are_documented_values(app):
    config = app.config
    assert (config["LEANS_LOCKOUT_FAILURES"], config["LEANS_LOCKOUT_MINUTES"],
            config["LEANS_ADDRESS_FAILURES"], config["LEANS_ADDRESS_WINDOW_MINUTES"]) == (
        LOCKOUT, LOCKOUT_MINUTES, ADDRESS_BUDGET, ADDRESS_MINUTES)
    assert "LEANS_LOGIN_RATE_LIMIT" not in config  # successes are never counted


@pytest.mark.parametrize("value", ["0", "-3", "lima"])
@pytest.mark.parametrize("name", ["LEANS_LOCKOUT_FAILURES", "LEANS_LOCKOUT_MINUTES",
                                  "LEANS_ADDRESS_FAILURES", "LEANS_ADDRESS_WINDOW_MINUTES"])
def test_throttle_settings_must_be_positive_whole_numbers(monkeypatch, tmp_path, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


def test_a_class_of_60_logs_in_from_one_address(app, make_user, attempt):
    """A hall: one Wi-Fi, one address. Ten people mistype first; everyone gets in."""
    people = [make_user(username=f"peserta{n:02d}") for n in range(60)]
    started = time.monotonic()
    got_in = 0
    for n, person in enumerate(people):
        client = app.test_client()
        if n % 6 == 0:
            assert attempt(client, person.username, WRONG).status_code == 401
        got_in += attempt(client, person.username, PASSWORD).status_code == 302
    elapsed = time.monotonic() - started
    assert got_in == 60 and elapsed < 60
    assert failures() == 10  # the mistakes only: a success is never counted


@pytest.mark.parametrize("login", ["target", "tidak-ada"])
@pytest.mark.parametrize("spread", [False, True], ids=["one-address", "30-addresses"])
def test_guessing_one_account_stops_after_the_configured_number(app, make_user, attempt,
                                                                login, spread):
    """The same answers whether the account exists or not (no enumeration by the lock)."""
    make_user(username="target")
    client = app.test_client()
    responses = [attempt(client, login, WRONG, f"10.0.{n}.1" if spread else "10.0.0.1")
                 for n in range(30)]
    statuses = [r.status_code for r in responses]
    assert statuses == [401] * LOCKOUT + [429] * (30 - LOCKOUT)
    assert all(LOCKOUT_MINUTES * 60 - 30 <= retry_after(r) <= LOCKOUT_MINUTES * 60
               for r in responses[LOCKOUT:])
    assert failures() == LOCKOUT  # refused attempts check nothing, so count nothing
    right = attempt(app.test_client(), login, PASSWORD, "192.0.2.50")
    assert right.status_code == 429 and retry_after(right) > 0  # even the right password
    assert app.test_client().get("/dashboard").status_code == 302


def test_the_locked_login_page_says_when_to_try_again(app, make_user, attempt):
    make_user(username="target")
    client = app.test_client()
    for _ in range(LOCKOUT):
        attempt(client, "target", WRONG)
    response = attempt(client, "target", PASSWORD)
    page = response.get_data(as_text=True)
    assert response.status_code == 429 and response.mimetype == "text/html"
    assert 0 < retry_after(response) <= LOCKOUT_MINUTES * 60
    assert '<html lang="id">' in page and "leans.css" in page and "Masuk ke LEANS" in page
    assert 'name="password"' in page  # the login page itself, ready for later
    assert translated(app, REASONS["account"]) in page
    with app.test_request_context():
        until = locked_until(db.session.scalar(select(User).where(User.username == "target")))
        assert gettext("You can try again at %(time)s (in about %(minutes)s).",
                       time="X", minutes="Y").split("X")[0] in page
    assert until is not None


def test_the_lock_lifts_when_the_window_has_passed(app, make_user):
    """The clock is a parameter: the fifth failure at t0 locks until t0 + 15 minutes."""
    user = make_user(username="target")
    t0 = dt.datetime(2026, 11, 30, 1, 0, tzinfo=dt.UTC)
    second = dt.timedelta(seconds=1)
    with app.test_request_context(environ_base={"REMOTE_ADDR": "10.9.9.9"}):
        for n in range(LOCKOUT):
            assert not check_password(user, WRONG, now=t0 + n * second)
        window = dt.timedelta(minutes=LOCKOUT_MINUTES)
        refused = check_password(user, PASSWORD, now=t0 + window - second)
        assert not refused and refused.refused_until == t0 + window
        assert refused.reason == "account"
        assert check_password(user, PASSWORD, now=t0 + window)


def test_old_failures_do_not_lock(app, make_user, attempt):
    """Failures stored with old timestamps: the clock moved on."""
    user = make_user(username="target")
    now = utcnow()
    db.session.add_all([FailedPasswordCheck(at=now - dt.timedelta(minutes=LOCKOUT_MINUTES + 1),
                                            user_id=user.id, address="10.0.0.1")
                        for _ in range(LOCKOUT)])
    db.session.commit()
    assert attempt(app.test_client(), "target", PASSWORD).status_code == 302
    db.session.add_all([FailedPasswordCheck(at=now - dt.timedelta(minutes=LOCKOUT_MINUTES - 1),
                                            user_id=user.id, address="10.0.0.1")
                        for _ in range(LOCKOUT)])
    db.session.commit()
    locked = attempt(app.test_client(), "target", PASSWORD)
    assert locked.status_code == 429 and 0 < retry_after(locked) <= 61


def test_a_locked_account_opens_when_its_failures_age(app, make_user, attempt):
    make_user(username="target")
    client = app.test_client()
    for _ in range(LOCKOUT):
        attempt(client, "target", WRONG)
    assert attempt(client, "target", PASSWORD).status_code == 429
    for row in db.session.scalars(select(FailedPasswordCheck)):
        row.at -= dt.timedelta(minutes=LOCKOUT_MINUTES)  # fifteen minutes later
    db.session.commit()
    assert attempt(client, "target", PASSWORD).status_code == 302


def test_an_admin_lifts_the_lock_and_the_audit_trail_records_it(app, make_user, attempt,
                                                                logged_in, post_form):
    admin = make_user({Role.ADMIN}, username="admin")
    target = make_user(username="target")
    for _ in range(LOCKOUT):
        attempt(app.test_client(), "target", WRONG, "203.0.113.9")
    client = logged_in("admin")
    page = client.get(f"/admin/users/{target.id}").get_data(as_text=True)
    unlock_url = f"/admin/users/{target.id}/unlock"
    assert unlock_url in page and "flash-warning" in page
    response = post_form(client, unlock_url, {}, token_page=f"/admin/users/{target.id}")
    assert response.status_code == 302
    assert attempt(app.test_client(), "target", PASSWORD).status_code == 302
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.unlocked"))
    assert (event.actor_id, event.object_type, event.object_id) == (admin.id, "user", target.id)
    assert "locked_until" in event.details
    assert unlock_url not in client.get(f"/admin/users/{target.id}").get_data(as_text=True)
    # Unlocking what is not locked changes nothing and records nothing.
    post_form(client, unlock_url, {}, token_page=f"/admin/users/{target.id}")
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "user.unlocked")) == 1


def test_an_admin_cannot_unlock_their_own_account(app, make_user, logged_in, post_form):
    """Whoever holds an admin's session must not get endless guesses at its password."""
    admin = make_user({Role.ADMIN}, username="admin")
    client = logged_in("admin")
    db.session.add_all([FailedPasswordCheck(at=utcnow(), user_id=admin.id, address="10.0.0.1")
                        for _ in range(LOCKOUT)])
    db.session.commit()
    post_form(client, f"/admin/users/{admin.id}/unlock", {}, token_page="/admin/users")
    with app.test_request_context():
        assert locked_until(admin) is not None


def test_the_address_budget_refuses_the_101st_failure_but_not_a_success(app, make_user,
                                                                        attempt):
    """A hall's budget: a hundred mistakes from one address in ten minutes."""
    make_user(username="peserta")
    client = app.test_client()
    statuses = [attempt(client, f"tamu{n}", WRONG).status_code for n in range(ADDRESS_BUDGET)]
    assert statuses == [401] * ADDRESS_BUDGET
    refused = attempt(client, "tamu-lagi", WRONG)
    assert refused.status_code == 429
    assert ADDRESS_MINUTES * 60 - 30 <= retry_after(refused) <= ADDRESS_MINUTES * 60
    assert translated(app, REASONS["address"]) in refused.get_data(as_text=True)
    assert attempt(client, "peserta", PASSWORD).status_code == 302  # a success still works
    assert attempt(app.test_client(), "tamu-lain", WRONG, "10.20.30.40").status_code == 401
    assert failures() == ADDRESS_BUDGET + 2  # the refused wrong password counted too


def test_behind_a_trusted_proxy_each_client_has_its_own_address_budget(other_app, csrf_token):
    client = other_app(LEANS_PROXY_COUNT=1, LEANS_ADDRESS_FAILURES=3).test_client()
    token = csrf_token(client, "/login")

    def wrong(n: int, forwarded: str) -> int:
        return client.post("/login", data={"login": f"tamu{n}", "password": WRONG,
                                           "csrf_token": token},
                           headers={"X-Forwarded-For": forwarded}).status_code

    assert [wrong(n, "203.0.113.7") for n in range(4)] == [401, 401, 401, 429]
    assert wrong(9, "198.51.100.9") == 401  # another citizen behind the same proxy


def test_without_a_trusted_proxy_a_forged_address_changes_nothing(other_app, csrf_token):
    client = other_app(LEANS_ADDRESS_FAILURES=3).test_client()
    token = csrf_token(client, "/login")
    statuses = [client.post("/login", data={"login": f"tamu{n}", "password": WRONG,
                                            "csrf_token": token},
                            headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
                for n in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_a_wrong_current_password_counts_with_failed_logins(app, make_user, attempt,
                                                            logged_in, post_form, fresh):
    user = make_user(username="lilis")
    client = logged_in("lilis")
    elsewhere = app.test_client()
    change = {"new_password": "domba-ikan-lele-99", "confirm": "domba-ikan-lele-99"}
    for _ in range(3):
        assert attempt(elsewhere, "lilis", WRONG, "10.1.1.1").status_code == 401
    wrong = post_form(client, "/account/password", {"current_password": WRONG, **change},
                      token_page="/account/password")
    assert wrong.status_code == 200 and "Kata sandi saat ini tidak benar." in wrong.get_data(
        as_text=True)
    assert attempt(elsewhere, "lilis", WRONG, "10.1.1.1").status_code == 401  # the fifth
    refused = post_form(client, "/account/password", {"current_password": PASSWORD, **change},
                        token_page="/account/password")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429 and retry_after(refused) > 0
    assert 'name="current_password"' in page and translated(app, REASONS["account"]) in page
    assert fresh(user).password_hash == user.password_hash
    assert attempt(elsewhere, "lilis", PASSWORD, "10.1.1.1").status_code == 429
    assert failures() == LOCKOUT


@pytest.fixture
def certificate(make_user, make_cohort, make_eligible) -> Certificate:
    admin = make_user({Role.ADMIN}, username="admin")
    participant = make_user(username="peserta", full_name="Peserta A")
    cohort = make_cohort("angkatan-a", modules=[MODULE], participants=[participant])
    make_eligible(cohort.enrolments[0])
    issued = issue_batch([candidate_for(cohort.enrolments[0])], admin)[0]
    db.session.commit()
    return issued


def test_reauthentication_for_revoking_and_a_nip_change_shares_the_counter(
        app, certificate, attempt, logged_in, post_form, fresh):
    client = logged_in("admin")
    person = db.session.scalar(select(User).where(User.username == "peserta"))
    nip_form = {"username": "peserta", "full_name": "Peserta A", "roles": ["participant"],
                "nip": "19860926 201505 2 001"}
    edit, revoke = f"/admin/users/{person.id}", f"/admin/certificates/item/{certificate.id}/revoke"
    reason = {"reason": "Data kehadiran tidak sah"}
    for _ in range(2):
        assert post_form(client, edit, {**nip_form, "confirm_password": WRONG},
                         token_page=edit).status_code == 403
        assert post_form(client, revoke, {**reason, "password": WRONG}).status_code == 302
    assert attempt(app.test_client(), "admin", WRONG, "10.2.2.2").status_code == 401
    assert failures() == LOCKOUT
    for response in (post_form(client, edit, {**nip_form, "confirm_password": PASSWORD},
                               token_page=edit),
                     post_form(client, revoke, {**reason, "password": PASSWORD})):
        page = response.get_data(as_text=True)
        assert response.status_code == 429 and retry_after(response) > 0
        assert '<html lang="id">' in page and translated(app, REASONS["account"]) in page
    assert fresh(person).nip is None
    assert fresh(certificate).status == CertificateStatus.VALID


def test_the_verification_limit_answers_with_the_styled_page(app, monkeypatch):
    monkeypatch.setitem(app.config, "LEANS_VERIFY_RATE_LIMIT", "2 per minute")
    client = app.test_client()
    statuses = [client.get(f"/verify/tebak{n}").status_code for n in range(2)]
    response = client.get("/verify/tebak-lagi")
    page = response.get_data(as_text=True)
    assert statuses == [404, 404] and response.status_code == 429
    assert response.mimetype == "text/html" and 0 < retry_after(response) <= 60
    assert '<html lang="id">' in page and "leans.css" in page
    assert "Kembali ke halaman awal" in page  # the site's own page, in Bahasa Indonesia
    with app.test_request_context():
        assert gettext("Too many attempts") in page
    assert "Too Many Requests" not in page  # not werkzeug's bare page


def test_every_failure_costs_the_same_time(app, other_app, make_user, attempt):
    """Unknown login, account awaiting its setup link, locked account and wrong password all
    run the production hash (scrypt) once: timing does not tell them apart."""
    production = other_app(PASSWORD_HASH_METHOD="scrypt")
    scrypt_hash = generate_password_hash(PASSWORD, method="scrypt")
    rounds = 6  # the first warms up (the dummy hash is made once per app)
    for n in range(rounds):
        make_user(username=f"nyata{n}").password_hash = scrypt_hash
        make_user(username=f"menunggu{n}").password_hash = NO_PASSWORD
    locked = make_user(username="terkunci")
    locked.password_hash = scrypt_hash
    db.session.add_all([FailedPasswordCheck(at=utcnow(), user_id=locked.id, address="10.0.0.1")
                        for _ in range(LOCKOUT)])
    db.session.commit()
    client = production.test_client()
    kinds = {"wrong password": "nyata{}", "awaiting setup": "menunggu{}",
             "unknown login": "tidak-ada{}", "locked": "terkunci"}
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    for n in range(rounds):
        for kind, login in kinds.items():
            started = time.perf_counter()
            status = attempt(client, login.format(n), WRONG).status_code
            times[kind].append(time.perf_counter() - started)
            assert status == (429 if kind == "locked" else 401)
    medians = {kind: statistics.median(spent[1:]) for kind, spent in times.items()}
    real = medians["wrong password"]
    assert max(medians.values()) < 3 * min(medians.values()), medians
    assert all(spent >= real / 2 for spent in medians.values()), medians


def test_failures_older_than_every_window_are_forgotten(app, make_user, attempt):
    user = make_user(username="target")
    db.session.add(FailedPasswordCheck(at=utcnow() - dt.timedelta(days=1), user_id=user.id,
                                       address="10.0.0.1"))
    db.session.commit()
    attempt(app.test_client(), "target", WRONG)
    db.session.expire_all()
    assert [row.at > utcnow() - dt.timedelta(minutes=1)
            for row in db.session.scalars(select(FailedPasswordCheck))] == [True]


def test_parallel_guesses_cannot_pass_the_count_together(app, make_user, attempt):
    """Checks of one account wait for each other (a row lock on PostgreSQL), so a burst of
    parallel guesses gets no more than the configured number."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the row lock is PostgreSQL's; SQLite takes one writer at a time")
    import threading

    make_user(username="target")
    clients = [app.test_client() for _ in range(12)]
    for client in clients:
        attempt(client, "nobody", "warm-up", "10.3.3.3")  # the CSRF token, read beforehand
    db.session.execute(FailedPasswordCheck.__table__.delete())
    db.session.commit()
    statuses: list[int] = []
    start = threading.Barrier(len(clients))

    def guess(client) -> None:
        start.wait()
        statuses.append(attempt(client, "target", WRONG, "10.4.4.4").status_code)

    threads = [threading.Thread(target=guess, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [401] * LOCKOUT + [429] * (len(clients) - LOCKOUT)
    assert failures() == LOCKOUT
