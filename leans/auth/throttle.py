"""The password throttle: every password check (logging in, changing one's password,
re-authenticating before revoking a certificate or changing a NIP) goes through
:func:`check_password`.

Only failed checks are counted (``FailedPasswordCheck`` rows, in the database, so every app
server sees them); a success is never counted, so a classroom of participants logging in
from one hall address is never slowed down. Two limits:

- per account: after ``LEANS_LOCKOUT_FAILURES`` failures within ``LEANS_LOCKOUT_MINUTES``,
  from any addresses, the account is locked until the oldest of them leaves the window;
  while locked even the right password is refused (an admin can lift the lock);
- per address: after ``LEANS_ADDRESS_FAILURES`` failures within
  ``LEANS_ADDRESS_WINDOW_MINUTES`` from one address, a further wrong password from it is
  refused (429) rather than answered, while a right one still gets in: a hall shares one
  address, and a few mistyped passwords must not lock everyone out.

Every failure costs the same password-hash work (unknown login, account without a password,
locked account, wrong password), so timing does not tell which one it was. Services flush;
the caller commits after a failed check, whatever else it does (the failure must stay).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, delete, select
from werkzeug.exceptions import TooManyRequests

from leans.auth.models import FailedPasswordCheck
from leans.auth.passwords import verify_password
from leans.core.audit import record
from leans.core.extensions import db
from leans.core.logs import client_address
from leans.core.models import User, utcnow

log = logging.getLogger("leans.auth")

#: Why password checks are refused, as the refusal page says it.
REASONS = {
    "account": _l("Too many wrong passwords were entered for this account, so it is locked "
                  "for a while. An administrator can unlock it sooner."),
    "address": _l("Too many wrong passwords have come from your network, so a wrong "
                  "password is refused for a while. The right password still works."),
}


@dataclass(frozen=True)
class PasswordCheck:
    """The answer of :func:`check_password`; true when the password was right."""

    ok: bool
    #: When refused: the moment a password may be tried again.
    refused_until: dt.datetime | None = None
    #: When refused: ``account`` (the account is locked) or ``address`` (too many failures
    #: from the client's address).
    reason: str | None = None

    def __bool__(self) -> bool:
        return self.ok

    @property
    def refused(self) -> bool:
        return self.refused_until is not None

    def raise_if_refused(self) -> None:
        """Raise :class:`TooManyFailures` when the check was refused."""
        if self.refused_until is not None:
            raise TooManyFailures(self)


class TooManyFailures(TooManyRequests):
    """429 for a refused password check; the app's 429 page shows ``reason`` and the time in
    ``retry_after`` (a datetime), and sends it as the Retry-After header."""

    def __init__(self, check: PasswordCheck) -> None:
        super().__init__(retry_after=check.refused_until)
        self.reason = REASONS.get(check.reason or "")


def retry_seconds(until: dt.datetime, now: dt.datetime | None = None) -> int:
    """Whole seconds from ``now`` until ``until``, at least 1 (a Retry-After value)."""
    return max(1, math.ceil((until - (now or utcnow())).total_seconds()))


def login_digest(login: str) -> str:
    """What is stored of a login name that no account has: its SHA-256."""
    return hashlib.sha256(login.strip().lower().encode()).hexdigest()


def _windows() -> tuple[int, dt.timedelta, int, dt.timedelta]:
    config = current_app.config
    return (config["LEANS_LOCKOUT_FAILURES"],
            dt.timedelta(minutes=config["LEANS_LOCKOUT_MINUTES"]),
            config["LEANS_ADDRESS_FAILURES"],
            dt.timedelta(minutes=config["LEANS_ADDRESS_WINDOW_MINUTES"]))


def _blocked_until(which: ColumnElement[bool], limit: int, window: dt.timedelta,
                   now: dt.datetime) -> dt.datetime | None:
    """While at least ``limit`` failures matching ``which`` lie within ``window`` before
    ``now``: the moment the limit-th newest leaves it. Otherwise None."""
    nth_newest = db.session.scalar(
        select(FailedPasswordCheck.at)
        .where(which, FailedPasswordCheck.at > now - window)
        .order_by(FailedPasswordCheck.at.desc())
        .offset(limit - 1).limit(1))
    return nth_newest + window if nth_newest is not None else None


def _account(user: User | None, login: str) -> ColumnElement[bool]:
    if user is not None:
        return FailedPasswordCheck.user_id == user.id
    return FailedPasswordCheck.login_digest == login_digest(login)


def locked_until(user: User, now: dt.datetime | None = None) -> dt.datetime | None:
    """Until when the account is locked, or None when it is not."""
    limit, window, _, _ = _windows()
    return _blocked_until(_account(user, ""), limit, window, now or utcnow())


def check_password(user: User | None, password: str, *, login: str = "",
                   now: dt.datetime | None = None) -> PasswordCheck:
    """Check ``password`` for ``user`` (None: no account has the name ``login``), counting a
    failure against the account (or the login name) and the client's address. Refused while
    the account is locked, and a wrong password refused while the address is over its
    budget. The caller commits after a failure."""
    now = now or utcnow()
    limit, window, address_limit, address_window = _windows()
    address = client_address()[:64]
    account = _account(user, login)
    if user is not None:
        # Concurrent checks of one account wait for each other (PostgreSQL; SQLite writes
        # one at a time anyway), so parallel guesses cannot all pass the count below.
        db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    until = _blocked_until(account, limit, window, now)
    if until is not None:
        verify_password(None, password or "")  # the same work as a real check
        log.warning("password check refused for %s from %s: locked until %s",
                    _who(user), address, until.isoformat(timespec="seconds"))
        return PasswordCheck(False, until, "account")
    if verify_password(user.password_hash if user else None, password or ""):
        return PasswordCheck(True)
    busy = _blocked_until(FailedPasswordCheck.address == address, address_limit,
                          address_window, now)
    _record_failure(user, login, address, now)
    if _blocked_until(account, limit, window, now) is not None:
        log.warning("%s locked after %s failed password checks within %s minutes",
                    _who(user), limit, current_app.config["LEANS_LOCKOUT_MINUTES"])
    if busy is not None:
        log.warning("wrong password from %s refused: %s failures from it within %s minutes",
                    address, address_limit, current_app.config["LEANS_ADDRESS_WINDOW_MINUTES"])
        return PasswordCheck(False, busy, "address")
    return PasswordCheck(False)


def _who(user: User | None) -> str:
    return f"user id={user.id}" if user is not None else "an unknown login name"


def _record_failure(user: User | None, login: str, address: str, now: dt.datetime) -> None:
    db.session.add(FailedPasswordCheck(
        at=now, address=address, user_id=user.id if user is not None else None,
        login_digest=None if user is not None else login_digest(login)))
    _, window, _, address_window = _windows()
    # Forget what no limit looks at any more; rows another transaction holds are left for
    # the next purge rather than waited for.
    stale = (select(FailedPasswordCheck.id)
             .where(FailedPasswordCheck.at <= now - max(window, address_window))
             .limit(500).with_for_update(skip_locked=True))
    db.session.execute(delete(FailedPasswordCheck).where(
        FailedPasswordCheck.id.in_(stale.scalar_subquery())))
    db.session.flush()


def unlock(admin: User, user: User) -> bool:
    """Lift the account's lock (its failed checks are forgotten), recorded in the audit
    trail; False when the account was not locked."""
    until = locked_until(user)
    if until is None:
        return False
    db.session.execute(delete(FailedPasswordCheck).where(FailedPasswordCheck.user_id == user.id))
    record(admin, "user.unlocked", "user", user.id,
           locked_until=until.isoformat(timespec="seconds"))
    db.session.flush()
    log.info("user id=%s unlocked by user id=%s", user.id, admin.id)
    return True
