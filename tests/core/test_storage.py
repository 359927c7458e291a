"""The shared blob store (``leans.core.storage``): files kept in the database in 1 MiB chunks,
streamed back chunk by chunk, claimed once, purged when old. SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import tracemalloc

import pytest
from sqlalchemy import func, select

from leans.core import storage
from leans.core.extensions import db
from leans.core.storage import CHUNK_SIZE, Blob, BlobChunk


def chunks_of(blob: Blob) -> int:
    return db.session.scalar(select(func.count()).select_from(BlobChunk)
                             .where(BlobChunk.blob_id == blob.id))


@pytest.mark.parametrize(("size", "chunks"), [
    (0, 0), (1, 1), (CHUNK_SIZE, 1), (CHUNK_SIZE + 1, 2), (3 * CHUNK_SIZE - 7, 3)])
def test_a_file_comes_back_as_stored_across_chunk_boundaries(app, size, chunks):
    data = bytes(range(256)) * (size // 256) + bytes(range(size % 256))
    blob = storage.store_file(io.BytesIO(data), kind="export", filename="a.zip")
    db.session.commit()
    db.session.expire_all()
    again = storage.get(blob.key)
    assert (again.size, again.sha256, again.filename) == (
        size, hashlib.sha256(data).hexdigest(), "a.zip")
    assert chunks_of(again) == chunks
    parts = list(storage.stream(again))
    assert b"".join(parts) == data and all(len(p) == CHUNK_SIZE for p in parts[:-1])
    assert storage.read_bytes(again) == data


def test_keys_are_random_and_url_safe_and_kind_is_checked(app):
    first = storage.store_bytes(b"a", kind="import")
    second = storage.store_bytes(b"a", kind="import")
    assert first.key != second.key
    assert all(ch.isalnum() or ch in "-_" for ch in first.key) and len(first.key) >= 30
    assert storage.get(first.key, "import") is first
    assert storage.get(first.key, "export") is None and storage.get("nope") is None


def test_streaming_fetches_each_chunk_when_it_is_asked_for(app, count_queries):
    blob = storage.store_bytes(b"x" * (3 * CHUNK_SIZE), kind="export")
    db.session.commit()
    with count_queries() as queries:
        chunks = storage.stream(blob)
        before = queries()
        next(chunks)
        after_one = queries()
        rest = list(chunks)
    assert after_one == before + 1  # one chunk, one query; the others not fetched yet
    assert queries() == after_one + 2 and len(rest) == 2


class Generated(io.RawIOBase):
    """A file of SIZE bytes made up while it is read: nothing of it is ever held whole."""

    def __init__(self, size: int) -> None:
        self.left = size
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.left)
        piece = bytes([self.left % 251]) * n
        buffer[:n] = piece
        self.digest.update(piece)
        self.left -= n
        return n


def test_a_large_file_goes_in_and_out_with_flat_memory(app):
    size = 50 * CHUNK_SIZE
    source = io.BufferedReader(Generated(size), buffer_size=CHUNK_SIZE)
    tracemalloc.start()
    try:
        blob = storage.store_file(source, kind="export", filename="big.zip")
        db.session.commit()
        stored_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        digest, total = hashlib.sha256(), 0
        for chunk in storage.stream(blob):
            digest.update(chunk)
            total += len(chunk)
        streamed_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert total == size == blob.size
    assert digest.hexdigest() == blob.sha256 == source.raw.digest.hexdigest()
    # A few chunks in flight at most, never the 50 MiB.
    assert stored_peak < 8 * CHUNK_SIZE, stored_peak
    assert streamed_peak < 8 * CHUNK_SIZE, streamed_peak


def test_a_blob_is_claimed_once_until_released(app):
    blob = storage.store_bytes(b"list", kind="import")
    db.session.commit()
    assert storage.claim(blob.key, "import") is not None
    assert storage.claim(blob.key, "import") is None  # the second confirmation
    assert storage.claim(blob.key, "export") is None and storage.claim("nope", "import") is None
    storage.release(blob.key)
    assert storage.claim(blob.key, "import").claimed_at is not None
    db.session.commit()


def test_a_claim_can_refuse_an_old_blob(app):
    blob = storage.store_bytes(b"list", kind="import")
    blob.created_at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=25)
    db.session.commit()
    day_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=24)
    assert storage.claim(blob.key, "import", created_after=day_ago) is None
    assert storage.claim(blob.key, "import") is not None


def test_delete_and_purge_remove_the_chunks_too(app):
    now = dt.datetime.now(dt.UTC)
    old = storage.store_bytes(b"o" * (CHUNK_SIZE + 1), kind="export")
    claimed_old = storage.store_bytes(b"c", kind="export")
    fresh = storage.store_bytes(b"f", kind="export")
    other_kind = storage.store_bytes(b"i", kind="import")
    gone = storage.store_bytes(b"g", kind="export")
    for blob in (old, claimed_old, other_kind):
        blob.created_at = now - dt.timedelta(hours=30)
    db.session.commit()
    storage.claim(claimed_old.key, "export")
    assert storage.delete(gone.key) is True and storage.delete(gone.key) is False
    assert storage.purge("export", dt.timedelta(hours=24), now) == 2
    db.session.commit()
    db.session.expire_all()
    left = set(db.session.scalars(select(Blob.key)))
    assert left == {fresh.key, other_kind.key}
    assert db.session.scalar(select(func.count()).select_from(BlobChunk)) == 2
