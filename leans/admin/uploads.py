"""Spreadsheets waiting between the import preview and its confirmation.

They hold people's NIPs, so they are stored under generated names readable only by the app,
deleted when the import is confirmed, and purged after a day when it never is.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import time
from pathlib import Path

from flask import current_app

#: How long an unconfirmed preview's file is kept.
KEEP_FOR = dt.timedelta(hours=24)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}\.(csv|xlsx|txt)")


def folder() -> Path:
    path = Path(current_app.instance_path) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(data: bytes, suffix: str) -> str:
    """Keep the file under a new random name (its suffix kept); returns that name."""
    purge_stale()
    token = f"{secrets.token_urlsafe(18)}{suffix}"
    path = folder() / token
    path.write_bytes(data)
    path.chmod(0o600)
    return token


def stored(token: str) -> Path | None:
    """The stored file for TOKEN, or None for a malformed, unknown or purged token."""
    if not _TOKEN.fullmatch(token):
        return None
    path = folder() / token
    return path if path.exists() else None


def purge_stale(now: float | None = None) -> int:
    """Delete previews older than KEEP_FOR; how many were deleted."""
    cutoff = (now if now is not None else time.time()) - KEEP_FOR.total_seconds()
    stale = [p for p in folder().iterdir() if p.is_file() and p.stat().st_mtime < cutoff]
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)
