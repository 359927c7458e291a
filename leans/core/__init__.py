"""The core every feature builds on: configuration, extensions, the core models (users,
roles, cohorts, enrolments), permissions, audit, identity (NIP), i18n, logs, mail,
spreadsheets, templating, and the site pages (home, cohort page, language switch, health
check, error pages)."""

from __future__ import annotations

import datetime as dt
import math

from flask import Flask, current_app, make_response, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.routing import IntegerConverter


class DatabaseInt(IntegerConverter):
    """``<int:...>`` in URLs, limited to what the database's integer columns hold: a larger
    number is a 404, not a database error."""

    def __init__(self, url_map, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseInt  # before any feature adds its routes
    from leans.core import (  # noqa: F401
        audit,
        backup,
        labels,
        notifications,
        permissions,
        queue,
        security,
        templating,
    )
    from leans.core.notification_views import bp as notifications_bp
    from leans.core.views import bp

    queue.init_app(app)
    notifications.init_app(app)
    templating.init_app(app)
    labels.init_app(app)
    permissions.init_app(app)
    app.register_blueprint(bp)
    app.register_blueprint(notifications_bp)
    security.init_app(app)
    backup.init_app(app)

    for code in (403, 404, 405, 413, 500):
        app.register_error_handler(code, _error_page(code))
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(429, _too_many_requests)


def _error_page(code: int):
    def handler(error):
        if code == 500:
            from leans.core.extensions import db

            # The failed request's work is discarded; the page (the user, the header's
            # notifications) needs a session that can still query.
            db.session.rollback()
        if code == 403 or (code == 404 and current_user.is_authenticated):
            from leans.core.security import log_refusal

            log_refusal(code)  # a 404 is how someone else's plan or certificate is refused
        limit = _upload_limit() if code == 413 else None
        return render_template("errors/error.html", code=code, limit=limit), code

    return handler


def _upload_limit() -> str:
    """The largest request the site accepts here, as the 413 page states it."""
    largest = request.max_content_length or current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return f"{largest / 2**20:g} MB"


def _csrf_error(error: CSRFError):
    return render_template("errors/error.html", code=400, csrf=True), 400


def _too_many_requests(error):
    """Every 429 (the password throttle, Flask-Limiter's limits): the styled page saying why
    (the error's ``reason``, when it has one) and when to try again, also sent as
    Retry-After."""
    from leans.core.extensions import limiter
    from leans.core.models import utcnow

    now = utcnow()
    retry_at = getattr(error, "retry_after", None)
    if isinstance(retry_at, int):
        retry_at = now + dt.timedelta(seconds=retry_at)
    if not isinstance(retry_at, dt.datetime):
        breached = limiter.current_limit
        retry_at = (dt.datetime.fromtimestamp(breached.reset_at, dt.UTC) if breached
                    else now + dt.timedelta(minutes=1))
    seconds = max(1, math.ceil((retry_at - now).total_seconds()))
    response = make_response(render_template(
        "errors/error.html", code=429, reason=getattr(error, "reason", None),
        retry_at=retry_at, retry_minutes=max(1, round(seconds / 60))), 429)
    response.headers["Retry-After"] = str(seconds)
    return response
