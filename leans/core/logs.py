"""Where LEANS's log lines go, and what the security lines say about the request.

One line per event on standard error (gunicorn and systemd collect it), with the UTC time,
level and logger: ``2026-11-28T03:14:07Z INFO leans.auth: login ok user id=5 from 10.0.0.7``.
"""

from __future__ import annotations

import logging
import re
import time

from flask import Flask, has_request_context, request

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


#: Control characters (CR and LF among them): escaped in every message, so that a value
#: from a request (a path with ``%0a``) cannot forge a second log line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")


def escape_controls(text: str) -> str:
    """``a\nb`` -> ``a\\x0ab``: one log line stays one line."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class UTCFormatter(logging.Formatter):
    converter = time.gmtime

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802
        """The message with control characters escaped (tracebacks, added after, keep
        their lines)."""
        return escape_controls(super().formatMessage(record))

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", self.converter(record.created))


def init_app(app: Flask) -> None:
    """Send the ``leans`` loggers to standard error once, at LEANS_LOG_LEVEL."""
    logger = logging.getLogger("leans")
    logger.setLevel(app.config["LEANS_LOG_LEVEL"])
    if not any(getattr(handler, "is_leans", False) for handler in logger.handlers):
        handler = logging.StreamHandler()
        handler.is_leans = True  # type: ignore[attr-defined]
        handler.setFormatter(UTCFormatter(FORMAT))
        logger.addHandler(handler)


def client_address() -> str:
    """The client's address (the proxy's unless LEANS_PROXY_COUNT says how many to trust)."""
    return (request.remote_addr or "-") if has_request_context() else "-"
