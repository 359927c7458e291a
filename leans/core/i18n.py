"""Interface language: Bahasa Indonesia by default, English on request."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, session
from flask_login import current_user


def select_locale() -> str:
    """The user's chosen language, else the default (Bahasa Indonesia)."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and background work
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def local_today() -> dt.date:
    """Today's date where LEANS runs (LEANS_TIMEZONE, Asia/Jakarta by default)."""
    return dt.datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()
