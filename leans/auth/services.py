"""Account services: creating users, authenticating, changing passwords."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import time
from dataclasses import dataclass

from flask import session
from flask_login import login_user, logout_user
from sqlalchemy import select

from leans.auth.passwords import hash_password
from leans.auth.throttle import PasswordCheck, check_password
from leans.core.extensions import db
from leans.core.identity import mask_nip
from leans.core.logs import client_address
from leans.core.models import Role, User, find_user_by_login, utcnow
from leans.core.urls import absolute_url

log = logging.getLogger("leans.auth")


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    #: ``ok``, ``bad_credentials``, ``inactive`` or ``refused`` (throttled: see ``check``).
    outcome: str
    #: The password check, with the time a refused login may be tried again.
    check: PasswordCheck


def authenticate(login: str, password: str) -> LoginResult:
    """Check credentials through the password throttle. Unknown user and wrong password give
    the same outcome; the caller commits after a failure (it is counted)."""
    user = find_user_by_login(login)
    check = check_password(user, password, login=login)
    if not check or user is None:
        shown = mask_nip(login) if login.strip().isdigit() else login[:64]
        log.info("login failed for %r from %s", shown, client_address())
        return LoginResult(None, "refused" if check.refused else "bad_credentials", check)
    if not user.active:
        log.info("login refused for inactive user id=%s from %s", user.id, client_address())
        return LoginResult(user, "inactive", check)
    return LoginResult(user, "ok", check)


def start_session(user: User) -> None:
    """Log the user in on a fresh session (no fixation) that expires when idle."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    session.permanent = True
    session["started_at"] = int(time.time())  # the absolute limit counts from here
    user.last_login_at = utcnow()
    login_user(user)
    db.session.flush()
    log.info("login ok user id=%s from %s", user.id, client_address())


def end_session(user: User) -> None:
    """Log out and invalidate every copy of the session cookie."""
    user.session_version += 1
    db.session.flush()
    logout_user()
    session.clear()
    log.info("logout user id=%s from %s", user.id, client_address())


def set_password(user: User, password: str) -> None:
    """Store a new password; other sessions of this user end."""
    user.password_hash = hash_password(password)
    user.must_change_password = False
    user.session_version += 1


def create_user(
    *,
    username: str,
    full_name: str,
    password: str,
    roles: set[Role],
    must_change_password: bool = False,
    **fields: object,
) -> User:
    """Create (not commit) a user; ``fields`` are other ``User`` columns."""
    user = User(
        username=username.strip().lower(),
        full_name=full_name.strip(),
        password_hash=hash_password(password),
        must_change_password=must_change_password,
        **fields,
    )
    if user.email:
        user.email = user.email.strip().lower()
    user.set_roles(roles)
    db.session.add(user)
    return user


def setup_token_digest(token: str) -> str:
    """What is stored of a one-time setup token: its SHA-256, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


#: How long a one-time account setup link works.
SETUP_DAYS = 14


@dataclass(frozen=True)
class SetupToken:
    """A new one-time setup token: the token goes to the person, the digest and expiry to
    the database."""

    token: str
    digest: str
    expires_at: dt.datetime


def mint_setup_token(now: dt.datetime) -> SetupToken:
    """A fresh random setup token, valid for SETUP_DAYS from ``now``."""
    token = secrets.token_urlsafe(24)
    return SetupToken(token, setup_token_digest(token), now + dt.timedelta(days=SETUP_DAYS))


def setup_url(token: str) -> str:
    """The address of the setup page for ``token`` on this site."""
    return absolute_url(f"/account/setup/{token}")


def user_for_setup_token(token: str) -> User | None:
    """The active account a one-time setup link belongs to, if it has not expired."""
    user = db.session.scalar(select(User).where(
        User.setup_token_hash == setup_token_digest(token)))
    if user is None or not user.active or user.setup_token_expires_at is None \
            or user.setup_token_expires_at < utcnow():
        return None
    return user


def reauthenticated(user: User, password: str) -> PasswordCheck:
    """Re-authentication for sensitive actions (revoking a certificate, changing a NIP),
    through the password throttle; true when the password is right. After a failure the
    caller commits (the failure is counted), then ``check.raise_if_refused()``."""
    check = check_password(user, password or "")
    if not check:
        log.warning("re-authentication failed for user id=%s from %s", user.id,
                    client_address())
    return check
