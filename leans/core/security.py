"""Security headers on every response, and a log line for every refused access."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Flask, Response, request
from flask_login import current_user

from leans.core.logs import client_address

log = logging.getLogger("leans.security")

#: No inline script anywhere; inline style attributes only (sanitized Markdown tables align
#: cells with ``style="text-align:..."``).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "style-src-attr 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "object-src 'none'"
)
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def add_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security",
                                    "max-age=31536000; includeSubDomains")
    if request.endpoint != "static" and (
            current_user.is_authenticated or "Content-Disposition" in response.headers):
        # Someone's own page, PDF or export: never kept by a browser or a shared proxy.
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("Cookie")
    return response


def log_refusal(code: int) -> None:
    """Who was refused what (status 403/404 on a page), for the security log."""
    who = current_user.get_id() if current_user and current_user.is_authenticated else "anon"
    level = logging.WARNING if code == 403 else logging.INFO
    log.log(level, "refused %s %s %s for user %s from %s", code, request.method, request.path,
            who, client_address())


def init_app(app: Flask) -> None:
    app.after_request(add_headers)


def safe_next(target: str | None, default: str) -> str:
    """Only follow redirects to paths on this site."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target
