"""Template globals and filters shared by every page."""

from __future__ import annotations

import datetime as dt
import hashlib
import os

from babel import numbers
from flask import Flask, Response, current_app, has_request_context, request
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    get_locale,
    gettext,
)

from leans.core.cohorts import cohort_status


def init_app(app: Flask) -> None:
    app.jinja_env.filters["date_id"] = _format_date
    app.jinja_env.filters["datetime_id"] = _format_datetime
    app.jinja_env.filters["jp"] = format_jp
    app.jinja_env.filters["duration"] = format_duration
    app.jinja_env.filters["sentence_end"] = sentence_end
    app.jinja_env.filters["decimal"] = format_number
    app.jinja_env.filters["percent"] = format_percentage
    app.jinja_env.globals["cohort_status"] = cohort_status
    app.context_processor(_page_context)
    app.url_defaults(_version_static_url)
    app.after_request(_cache_versioned_static)


#: How long a browser keeps a static file fetched by its content-hashed URL: a year, since a
#: changed file gets a new URL.
STATIC_MAX_AGE = 31536000
#: ``path -> (mtime_ns, size, hash)``: each file is hashed once until it changes.
_static_hashes: dict[str, tuple[int, int, str]] = {}


def static_version(static_folder: str, filename: str) -> str | None:
    """The first 12 hex digits of the file's SHA-256, cached by mtime and size; ``None`` when
    the file does not exist (or lies outside the folder)."""
    root = os.path.realpath(static_folder)
    path = os.path.realpath(os.path.join(root, filename))
    if not path.startswith(root + os.sep):
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    cached = _static_hashes.get(path)
    if cached and cached[:2] == (stat.st_mtime_ns, stat.st_size):
        return cached[2]
    with open(path, "rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()[:12]
    _static_hashes[path] = (stat.st_mtime_ns, stat.st_size, digest)
    return digest


def _version_static_url(endpoint: str, values: dict) -> None:
    """``url_for('static', filename='leans.css')`` -> ``/static/leans.css?v=<hash>``."""
    if endpoint != "static" or "v" in values or not values.get("filename"):
        return
    folder = current_app.static_folder
    version = static_version(folder, values["filename"]) if folder else None
    if version:
        values["v"] = version


def _cache_versioned_static(response: Response) -> Response:
    """A static file asked for by its current version is kept for a year without
    re-checking; any other static request keeps Flask's default (re-checked each time)."""
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    filename = (request.view_args or {}).get("filename")
    version = request.args.get("v")
    folder = current_app.static_folder
    if version and filename and folder and version == static_version(folder, filename):
        response.headers["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE}, immutable"
    return response


def _format_date(value: dt.date | dt.datetime | None, style: str = "long") -> str:
    return format_date(value, style) if value else ""


def _format_datetime(value: dt.datetime | None, style: str = "medium") -> str:
    return format_datetime(value, style) if value else ""


def format_jp(value: float) -> str:
    """``3`` -> ``3 JP``; ``2.5`` -> ``2,5 JP`` in Indonesian."""
    return f"{format_decimal(value, format='#,##0.#')} JP"


def sentence_end(text: object) -> str:
    """The text closed by a full stop, unless it already ends with one: a name with degrees
    (``Ir. Budi, S.T., M.T.``) never gets a second."""
    text = "" if text is None else str(text).rstrip()
    return text if not text or text.endswith(".") else f"{text}."


def format_number(value: float | None, places: int = 1, locale: str | None = None) -> str:
    """A number in the reader's language (or ``locale``), with up to ``places`` decimals:
    ``1234.5`` -> ``1.234,5`` in Indonesian, ``1,234.5`` in English; ``None`` -> ``—``."""
    if value is None:
        return "\u2014"
    pattern = "#,##0" + ("." + "#" * places if places > 0 else "")
    if locale:  # a document in one language whoever renders it (the certificate PDF)
        return numbers.format_decimal(value, format=pattern, locale=locale)
    return format_decimal(value, format=pattern)


def format_percentage(value: float | None, places: int = 0) -> str:
    """A share (``0.85``) as a percentage in the reader's language: ``85%``; ``0.125`` with
    ``places=1`` -> ``12,5%`` in Indonesian; ``None`` -> ``—``."""
    if value is None:
        return "\u2014"
    return format_percent(value, format="#,##0" + ("." + "#" * places if places > 0 else "")
                          + "%")


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
