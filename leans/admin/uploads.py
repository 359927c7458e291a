"""Spreadsheets waiting between the import preview and its confirmation.

They hold people's NIPs, so they are stored under generated names readable only by the app,
deleted when the import is confirmed, and purged after a day when it never is. A
confirmation first claims the file (an atomic rename), so a double-click cannot import the
same list twice.
"""

from __future__ import annotations

import datetime as dt
import os
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
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def store(data: bytes, suffix: str) -> str:
    """Keep the file under a new random name (its suffix kept); returns that name."""
    purge_stale()
    token = f"{secrets.token_urlsafe(18)}{suffix}"
    descriptor = os.open(folder() / token, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    return token


def _stale(path: Path) -> bool:
    return path.stat().st_mtime < time.time() - KEEP_FOR.total_seconds()


def claim(token: str) -> Path | None:
    """Take the stored file for TOKEN so nobody else can; None when the token is malformed,
    unknown, expired or already claimed."""
    if not _TOKEN.fullmatch(token):
        return None
    path = folder() / token
    claimed = path.with_name(f"{token}.claimed-{secrets.token_hex(4)}")
    try:
        if _stale(path):
            return None
        path.rename(claimed)
    except FileNotFoundError:
        return None
    return claimed


def release(claimed: Path, token: str) -> None:
    """Put a claimed file back (the import did not happen), so it can be confirmed later."""
    claimed.rename(folder() / token)


def discard(claimed: Path) -> None:
    claimed.unlink(missing_ok=True)


def purge_stale() -> None:
    """Delete previews (claimed or not) older than KEEP_FOR."""
    for path in folder().iterdir():
        if path.is_file() and _stale(path):
            path.unlink(missing_ok=True)
