"""Files every app server and worker must reach (import previews, export ZIPs), kept in the
database in 1 MiB chunks, so that no state lives on one server's disk.

A file goes in chunk by chunk (:func:`store_file` never holds it whole) and comes out the same
way (:func:`stream` fetches each chunk with its own query), so a 500 MB export keeps memory
flat on the way in and on the way out. A blob is known outside by a random URL-safe key.
:func:`claim` takes a blob atomically (``UPDATE ... WHERE claimed_at IS NULL``), so two servers
confirming the same preview at once import it once.

Like every service, these functions change the session and flush; the caller commits.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import secrets
from collections.abc import Iterator
from typing import BinaryIO

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    insert,
    select,
    update,
)
from sqlalchemy import delete as sql_delete
from sqlalchemy.orm import Mapped, mapped_column

from leans.core.extensions import UTCDateTime, db
from leans.core.models import utcnow

#: The size of one stored chunk (the last one of a blob may be shorter).
CHUNK_SIZE = 1024 * 1024


class Blob(db.Model):
    """A stored file: what it is and how big; its bytes are its :class:`BlobChunk` rows."""

    __tablename__ = "blobs"
    __table_args__ = (Index("ix_blobs_kind_created_at", "kind", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The random, URL-safe name the blob is known by outside (in a form, on a job).
    key: Mapped[str] = mapped_column(String(64), unique=True)
    #: What it holds: "import" (a previewed participant list), "export" (a certificate ZIP).
    kind: Mapped[str] = mapped_column(String(16))
    #: The name it is given when downloaded or read (never a path on any disk).
    filename: Mapped[str] = mapped_column(String(255), default="")
    #: Bytes in all its chunks.
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    #: SHA-256 of its bytes, hex.
    sha256: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When someone took it (:func:`claim`); None while it is free.
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class BlobChunk(db.Model):
    """CHUNK_SIZE bytes of a blob, number SEQ (from 0)."""

    __tablename__ = "blob_chunks"

    blob_id: Mapped[int] = mapped_column(ForeignKey("blobs.id", ondelete="CASCADE"),
                                         primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)


def new_key() -> str:
    """A random URL-safe key (32 characters)."""
    return secrets.token_urlsafe(24)


def store_file(file: BinaryIO, *, kind: str, filename: str = "") -> Blob:
    """Store what FILE holds from where it is to its end, reading one chunk at a time; the
    new blob (flushed)."""
    blob = Blob(key=new_key(), kind=kind, filename=filename, size=0, sha256="",
                created_at=utcnow())
    db.session.add(blob)
    db.session.flush()
    digest, size, seq = hashlib.sha256(), 0, 0
    while chunk := file.read(CHUNK_SIZE):
        # A Core insert: the chunk is not kept in the session's identity map.
        db.session.execute(insert(BlobChunk).values(blob_id=blob.id, seq=seq, data=chunk))
        digest.update(chunk)
        size += len(chunk)
        seq += 1
    blob.size, blob.sha256 = size, digest.hexdigest()
    db.session.flush()
    return blob


def store_bytes(data: bytes, *, kind: str, filename: str = "") -> Blob:
    """Store DATA; the new blob (flushed)."""
    return store_file(io.BytesIO(data), kind=kind, filename=filename)


def get(key: str, kind: str | None = None) -> Blob | None:
    """The blob named KEY (of KIND, when given); None when there is none."""
    query = select(Blob).where(Blob.key == key)
    if kind is not None:
        query = query.where(Blob.kind == kind)
    return db.session.scalar(query)


def stream(blob: Blob) -> Iterator[bytes]:
    """BLOB's bytes as chunks, each fetched by its own query when it is asked for, so a large
    blob is never held in memory. Wrap it in ``stream_with_context`` for a response."""
    blob_id, count = blob.id, -(-blob.size // CHUNK_SIZE)  # the chunks its size needs

    def chunks() -> Iterator[bytes]:
        for seq in range(count):
            data = db.session.execute(select(BlobChunk.data).where(
                BlobChunk.blob_id == blob_id, BlobChunk.seq == seq)).scalar_one()
            yield bytes(data)

    return chunks()


def read_bytes(blob: Blob) -> bytes:
    """BLOB's bytes at once: only for small blobs (an import preview)."""
    return b"".join(stream(blob))


def claim(key: str, kind: str, *, created_after: dt.datetime | None = None,
          now: dt.datetime | None = None) -> Blob | None:
    """Take blob KEY of KIND so that nobody else can, atomically; None when it is unknown,
    already taken, or (with CREATED_AFTER) older than that."""
    query = update(Blob).where(Blob.key == key, Blob.kind == kind, Blob.claimed_at.is_(None))
    if created_after is not None:
        query = query.where(Blob.created_at >= created_after)
    taken = db.session.execute(query.values(claimed_at=now or utcnow()),
                               execution_options={"synchronize_session": False})
    if taken.rowcount != 1:
        return None
    blob = get(key, kind)
    if blob is not None:
        db.session.refresh(blob)
    return blob


def release(key: str) -> None:
    """Free a claimed blob again (the work it was taken for did not happen)."""
    db.session.execute(update(Blob).where(Blob.key == key).values(claimed_at=None),
                       execution_options={"synchronize_session": False})


def _delete_where(condition) -> int:
    ids = select(Blob.id).where(condition).scalar_subquery()
    db.session.execute(sql_delete(BlobChunk).where(BlobChunk.blob_id.in_(ids)),
                       execution_options={"synchronize_session": False})
    removed = db.session.execute(sql_delete(Blob).where(condition),
                                 execution_options={"synchronize_session": False})
    return removed.rowcount


def delete(key: str) -> bool:
    """Delete blob KEY and its chunks; whether there was one."""
    return _delete_where(Blob.key == key) > 0


def purge(kind: str, older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Delete the blobs of KIND created more than OLDER_THAN before NOW (claimed or not);
    returns how many."""
    cutoff = (now or utcnow()) - older_than
    return _delete_where((Blob.kind == kind) & (Blob.created_at < cutoff))
