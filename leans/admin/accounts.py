"""Account administration: create with a setup link, deactivate, reset, change roles."""

from __future__ import annotations

from leans.auth.passwords import NO_PASSWORD
from leans.auth.services import mint_setup_token
from leans.core.audit import record
from leans.core.extensions import db
from leans.core.models import Role, User, utcnow


def new_setup_link(user: User) -> str:
    """A fresh one-time setup token for the user (the old password stops working)."""
    minted = mint_setup_token(utcnow())
    user.setup_token_hash, user.setup_token_expires_at = minted.digest, minted.expires_at
    return minted.token


def create_account(admin: User, *, roles: set[Role], **fields: object) -> tuple[User, str]:
    user = User(password_hash=NO_PASSWORD, active=True, must_change_password=False,
                session_version=1, **fields)
    user.set_roles(roles)
    token = new_setup_link(user)
    db.session.add(user)
    db.session.flush()
    record(admin, "user.created", "user", user.id, roles=sorted(r.value for r in roles))
    return user, token


def reset_password(admin: User, user: User) -> str:
    """Replace the password by a setup link; every session of the user ends."""
    user.password_hash = NO_PASSWORD
    user.session_version += 1
    token = new_setup_link(user)
    record(admin, "user.password_reset", "user", user.id)
    return token


def set_active(admin: User, user: User, active: bool) -> None:
    user.active = active
    user.session_version += 1
    record(admin, "user.reactivated" if active else "user.deactivated", "user", user.id)


def change_roles(admin: User, user: User, roles: set[Role]) -> None:
    old = sorted(r.value for r in user.roles)
    user.set_roles(roles)
    record(admin, "user.roles_changed", "user", user.id, old=old,
           new=sorted(r.value for r in roles))
