"""Spreadsheets waiting between the import preview and its confirmation.

They hold people's NIPs, so they are kept in the database (:mod:`leans.core.storage`), where
every app server finds them (a preview made on one server is confirmed on another) and no
server's disk holds a copy; they are deleted when the import is confirmed and purged after a
day when it never is. The token a preview page carries is the blob's random key with the
file's suffix. A confirmation first claims the preview (an atomic update), so a double-click,
on one server or on two, cannot import the same list twice.

Each step is committed at once, as a file operation would be, so that another server sees it:
the views call these before their own work (store, claim) or after their commit or rollback
(release, discard).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from leans.core import storage
from leans.core.extensions import db
from leans.core.models import utcnow

#: How long an unconfirmed preview is kept.
KEEP_FOR = dt.timedelta(hours=24)
#: The blob kind of previews.
KIND = "import"
_TOKEN = re.compile(r"([A-Za-z0-9_-]{20,64})(\.(?:csv|xlsx|txt))")


@dataclass(frozen=True)
class Claimed:
    """A preview taken for confirmation: its token and blob key."""

    token: str
    key: str

    def read_bytes(self) -> bytes:
        blob = storage.get(self.key, KIND)
        return storage.read_bytes(blob) if blob is not None else b""


def store(data: bytes, suffix: str) -> str:
    """Keep the file under a new random key; returns the token naming it (the key and
    SUFFIX)."""
    purge_stale()
    blob = storage.store_bytes(data, kind=KIND, filename=f"preview{suffix}")
    db.session.commit()
    return f"{blob.key}{suffix}"


def claim(token: str) -> Claimed | None:
    """Take the stored preview for TOKEN so nobody else can; None when the token is
    malformed, unknown, expired or already claimed."""
    match = _TOKEN.fullmatch(token)
    if match is None:
        return None
    key, suffix = match.groups()
    blob = storage.claim(key, KIND, created_after=utcnow() - KEEP_FOR)
    if blob is not None and blob.filename != f"preview{suffix}":
        storage.release(key)  # the key with another suffix: not this preview
        blob = None
    db.session.commit()
    return Claimed(token, key) if blob is not None else None


def release(claimed: Claimed) -> None:
    """Put a claimed preview back (the import did not happen), so it can be confirmed
    later."""
    storage.release(claimed.key)
    db.session.commit()


def discard(claimed: Claimed) -> None:
    storage.delete(claimed.key)
    db.session.commit()


def purge_stale() -> None:
    """Delete previews (claimed or not) older than KEEP_FOR."""
    storage.purge(KIND, KEEP_FOR)
