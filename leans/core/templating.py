"""Template globals and filters shared by every page."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from decimal import Decimal

from babel import numbers
from flask import Flask, Response, current_app, has_request_context, request
from flask_babel import (
    format_currency,
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    get_locale,
    gettext,
)

from leans.core.cohorts import cohort_status
from leans.core.labels import Labelled


def init_app(app: Flask) -> None:
    app.jinja_env.filters["date_id"] = format_day
    app.jinja_env.filters["datetime_id"] = _format_datetime
    app.jinja_env.filters["jp"] = format_jp
    app.jinja_env.filters["duration"] = format_duration
    app.jinja_env.filters["sentence_end"] = sentence_end
    app.jinja_env.filters["decimal"] = format_number
    app.jinja_env.filters["percent"] = format_percentage
    app.jinja_env.filters["rupiah"] = format_rupiah
    app.jinja_env.filters["cell"] = format_cell
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


def format_day(value: dt.date | dt.datetime | str | None, style: str = "long") -> str:
    """A date in the reader's language (``1 Desember 2026``); a moment in the reader's time
    zone. Text holding an ISO date (``2026-12-01``, as typed in a plan) is read as that date;
    any other text is shown as it is."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            return value
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


def format_number(value: float | None, places: int = 1, locale: str | None = None,
                  signed: bool = False) -> str:
    """A number in the reader's language (or ``locale``), with up to ``places`` decimals:
    ``1234.5`` -> ``1.234,5`` in Indonesian, ``1,234.5`` in English; ``None`` -> ``—``.
    ``signed``: a change, always with its sign (``+12,5``, ``-3``, ``+0``)."""
    if value is None:
        return "\u2014"
    pattern = "#,##0" + ("." + "#" * places if places > 0 else "")
    if signed:
        pattern = f"+{pattern};-{pattern}"
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


#: An amount as people type it in Bahasa Indonesia: ``40000000``, ``40.000.000``,
#: ``40.000.000,50``, ``Rp 40.000.000,-``.
_TYPED_RUPIAH = re.compile(r"^(?:Rp\.?\s*)?(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?(?:,-)?$",
                           re.IGNORECASE)


def _amount(value: object) -> Decimal | None:
    """The amount a number or a typed text holds, else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    match = _TYPED_RUPIAH.match(str(value).strip().replace("\u00a0", " "))
    if not match:
        return None
    return Decimal(match.group(1).replace(".", "") + "." + (match.group(2) or "0"))


def format_rupiah(value: object, locale: str | None = None) -> str:
    """An amount of Rupiah in the reader's language (or ``locale``): ``Rp40.000.000`` in
    Indonesian, ``IDR\u00a040,000,000`` in English; cents only when there are any
    (``Rp1.500,50``). Text people typed (``40.000.000``, ``Rp 40.000.000,-``) is read as the
    amount it says; text that is no amount (``lihat RAB``) is shown as typed; empty -> ``—``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return "\u2014"
    amount = _amount(value)
    if amount is None:
        return str(value)
    pattern = "\u00a4#,##0" + (".00" if amount % 1 else "")
    if locale:
        text = numbers.format_currency(amount, "IDR", format=pattern, currency_digits=False,
                                       locale=locale)
    else:
        text = format_currency(amount, "IDR", format=pattern, currency_digits=False)
    # A currency code (English: "IDR") is kept apart from the digits by a no-break space.
    return re.sub(r"^(-?)([A-Z]{3})(?=\d)", "\\1\\2\u00a0", text)


def format_cell(value: object, share: bool = False, places: int = 2) -> str:
    """A cell of an export table (``core.spreadsheets.Table``) as a page shows it, in the
    reader's language: a number with up to ``places`` decimals (``72,5``), a share (a column
    of ``Table.shares``) as a percentage (``0.857`` -> ``85,7%``), a date written out
    (``1 Des 2026``), a code's label, nothing as ``—``; text as it is. The files keep the
    value itself (numbers stay numbers, dates ISO): ``{{ cell|cell(loop.index0 in t.shares) }}``."""
    if value is None or value == "":
        return "\u2014"
    if isinstance(value, Labelled):
        return value.label
    if isinstance(value, int | float | Decimal) and share:
        return format_percentage(value, 1)
    if isinstance(value, int | float | Decimal):
        return format_number(value, places)
    if isinstance(value, dt.date):
        return format_day(value, "medium")
    return str(value)


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
