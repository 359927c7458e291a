"""Accounts: sessions, login, passwords, roles."""

from __future__ import annotations

import time

from flask import Flask, Response, current_app, g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, user_unauthorized
from sqlalchemy.orm import joinedload

from leans.core.extensions import db, login_manager
from leans.core.models import User

#: Endpoints a user who must change their password may still reach.
_ALLOWED_BEFORE_PASSWORD_CHANGE = {
    "auth.change_password", "auth.logout", "auth.setup", "static", "core.healthz",
    "core.set_language",
}


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Load the user of a session; a cookie of an older session version, or of a login older
    than LEANS_SESSION_MAX_HOURS (however active), is refused."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    started = session.get("started_at")
    max_age = current_app.config["LEANS_SESSION_MAX_HOURS"] * 3600
    if not isinstance(started, int) or not 0 <= time.time() - started <= max_age:
        return None
    # Roles joined in: this runs on every request, and one query beats two.
    user = db.session.get(User, int(user_id), options=[joinedload(User.role_rows)])
    if user is None or user.session_version != int(version) or not user.active:
        return None
    return user


def require_password_change():
    """Accounts created by an admin must choose their own password first."""
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in _ALLOWED_BEFORE_PASSWORD_CHANGE
    ):
        return redirect(url_for("auth.change_password"))
    return None


def _note_unauthorized(sender: Flask, **_extra) -> None:
    g.leans_unauthorized = True


#: After a session expired the phone drops the stored pages, but not the queue of lessons
#: marked done and drafts typed offline: they belong to that user (the page script sends only
#: the logged-in user's), and a participant who read offline longer than the idle limit gets
#: them sent after logging in again. Logging out clears everything (CLEAR_SITE_DATA).
CLEAR_AFTER_EXPIRY = '"cache"'


def clear_site_data_after_expiry(response: Response) -> Response:
    """A page asked for without a valid session (expired, or ended elsewhere) is answered
    with the way to log in, and the phone drops the pages it stored for the last user."""
    if g.get("leans_unauthorized"):
        response.headers["Clear-Site-Data"] = CLEAR_AFTER_EXPIRY
    return response


#: The password throttle's settings (leans.auth.throttle): whole numbers greater than 0.
THROTTLE_SETTINGS = ("LEANS_LOCKOUT_FAILURES", "LEANS_LOCKOUT_MINUTES",
                     "LEANS_ADDRESS_FAILURES", "LEANS_ADDRESS_WINDOW_MINUTES")


def check_throttle_settings(config) -> None:
    """Refuse a throttle setting that is not a whole number greater than 0."""
    from leans.core.config import ConfigError

    for name in THROTTLE_SETTINGS:
        value = config.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"{name} must be a whole number greater than 0, got {value!r}.")


def init_app(app: Flask) -> None:
    from leans.auth import cli, models  # noqa: F401 - models registers the table
    from leans.auth.services import SETUP_DAYS
    from leans.auth.views import bp

    check_throttle_settings(app.config)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    app.register_blueprint(bp)
    app.before_request(require_password_change)
    user_unauthorized.connect(_note_unauthorized, app)
    app.after_request(clear_site_data_after_expiry)
    app.jinja_env.globals.update(setup_days=SETUP_DAYS)
    cli.init_app(app)
