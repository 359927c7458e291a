"""The site's own public address, for links that leave the browser: QR codes printed on
certificates, setup links sent by mail or printed by the command line."""

from __future__ import annotations

from flask import current_app, has_request_context, request

#: What ``leans run`` serves on when nothing else says (the development default).
DEVELOPMENT_URL = "http://127.0.0.1:5000"


def base_url() -> str:
    """LEANS_BASE_URL when set (always in production); otherwise the address this request
    came to, or the one ``leans run`` serves on (LEANS_SERVED_URL); no trailing slash."""
    configured = current_app.config.get("LEANS_BASE_URL")
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.url_root.rstrip("/")
    return (current_app.config.get("LEANS_SERVED_URL") or DEVELOPMENT_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """``/verify/abc`` on this site, as a full address."""
    return f"{base_url()}/{path.lstrip('/')}"
