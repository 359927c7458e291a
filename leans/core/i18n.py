"""Interface language: Bahasa Indonesia by default, English on request."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_date
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


def date_text_id(value: dt.date | dt.datetime | None) -> str:
    """A date written out in Bahasa Indonesia, for the human columns of exports:
    ``1 Desember 2026``; a moment is first taken to the day it was where LEANS runs (Asia/
    Jakarta); ``None`` -> empty. Machine columns keep the date itself (ISO ``2026-12-01``)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = local_date(value)
    return format_date(value, "long", locale="id")


def local_date(moment: dt.datetime) -> dt.date:
    """The day a moment (stored in UTC) was where LEANS runs (Asia/Jakarta by default)."""
    if moment.tzinfo is None:  # stored without a zone: UTC
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()
