"""Template globals and filters shared by every page."""

from __future__ import annotations

import datetime as dt

from flask import Flask, request
from flask_babel import format_date, get_locale
from flask_login import current_user

from leans.auth.forms import EmptyForm
from leans.models import Role


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(Role=Role, empty_form=EmptyForm)
    app.jinja_env.filters["date_id"] = _format_date
    app.context_processor(_page_context)


def _format_date(value: dt.date | dt.datetime | None, style: str = "long") -> str:
    return format_date(value, style) if value else ""


def _page_context() -> dict:
    roles = current_user.roles if current_user.is_authenticated else set()
    return {
        "current_locale": str(get_locale() or "id"),
        "user_roles": roles,
        "current_path": request.full_path.rstrip("?") if request else "/",
    }
