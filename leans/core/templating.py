"""Template globals and filters shared by every page."""

from __future__ import annotations

import datetime as dt

from flask import Flask, has_request_context, request
from flask_babel import format_date, format_datetime, format_decimal, get_locale, gettext


def init_app(app: Flask) -> None:
    app.jinja_env.filters["date_id"] = _format_date
    app.jinja_env.filters["datetime_id"] = _format_datetime
    app.jinja_env.filters["jp"] = format_jp
    app.jinja_env.filters["duration"] = format_duration
    app.context_processor(_page_context)


def _format_date(value: dt.date | dt.datetime | None, style: str = "long") -> str:
    return format_date(value, style) if value else ""


def _format_datetime(value: dt.datetime | None, style: str = "medium") -> str:
    return format_datetime(value, style) if value else ""


def format_jp(value: float) -> str:
    """``3`` -> ``3 JP``; ``2.5`` -> ``2,5 JP`` in Indonesian."""
    return f"{format_decimal(value, format='#,##0.#')} JP"


def format_duration(minutes: int) -> str:
    """Minutes as hours and minutes: ``135`` -> ``2 h 15 min`` (``2 jam 15 menit``)."""
    hours, rest = divmod(int(minutes), 60)
    if hours and rest:
        return gettext("%(h)d h %(m)d min", h=hours, m=rest)
    if hours:
        return gettext("%(h)d h", h=hours)
    return gettext("%(m)d min", m=rest)


def _page_context() -> dict:
    if not has_request_context():  # documents rendered by the CLI or a background job
        return {"current_locale": "id", "current_path": "/"}
    return {
        "current_locale": str(get_locale() or "id"),
        "current_path": request.full_path.rstrip("?") if request else "/",
    }
