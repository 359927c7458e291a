"""Bulk work in the background: a Huey task queue (SQLite by default, Redis when
LEANS_QUEUE_URL is set) runs issue-all and export jobs and records their progress."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import RedisHuey, SqliteHuey

from leans.certificates.export import build_zip
from leans.certificates.issuing import issue_all
from leans.certificates.models import BulkJob
from leans.config import PROJECT_ROOT
from leans.extensions import db
from leans.models import utcnow


def _make_queue():
    url = os.environ.get("LEANS_QUEUE_URL", "")
    if url.startswith("redis"):
        return RedisHuey("leans", url=url)
    folder = Path(os.environ.get("LEANS_INSTANCE_PATH", PROJECT_ROOT / "instance"))
    folder.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("leans", filename=str(folder / "queue.sqlite3"))


queue = _make_queue()
_worker_app: Flask | None = None


def _app() -> Flask:
    """The app to run a task in: the caller's (immediate mode) or one per worker."""
    global _worker_app
    if has_app_context():
        return current_app._get_current_object()
    if _worker_app is None:
        from leans import create_app

        _worker_app = create_app()
    return _worker_app


def export_path(job: BulkJob) -> Path:
    folder = Path(current_app.instance_path) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"sertifikat-{job.cohort.slug}-{job.id}.zip"


def run(job: BulkJob) -> None:
    """Carry out a job, recording progress; a failure is recorded, never half-done."""
    def progress(done: int, total: int) -> None:
        job.done, job.total = done, total
        db.session.commit()

    job.status, job.message = "running", ""
    db.session.commit()
    try:
        if job.kind == "issue":
            count = issue_all(job.cohort, job.created_by, progress)
            job.message = str(count)
        else:
            path = export_path(job)
            partial = path.with_suffix(".part")
            count = build_zip(job.cohort, partial, progress)
            partial.replace(path)
            job.result_path, job.message = str(path), str(count)
        job.status = "done"
    except Exception as error:  # recorded for the admin; the failed chunk was rolled back
        db.session.rollback()
        job.status, job.message = "failed", f"{type(error).__name__}: {error}"[:1000]
    job.finished_at = utcnow()
    db.session.commit()


@queue.task()
def run_job(job_id: int) -> None:
    app = _app()
    with app.app_context():
        job = db.session.get(BulkJob, job_id)
        if job is not None and job.status in ("queued", "failed"):
            run(job)


def enqueue(job: BulkJob) -> None:
    run_job(job.id)


def start_background_worker(workers: int = 1) -> None:
    """Run the queue's consumer in daemon threads of this process (``leans run``)."""
    import signal

    consumer = queue.create_consumer(workers=workers, worker_type="thread", periodic=False)
    for _, thread in consumer.worker_threads:
        thread.daemon = True
    consumer.scheduler.daemon = True
    consumer.start()
    # Keep Ctrl+C and SIGTERM for the server, not the consumer's graceful shutdown.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def init_app(app: Flask) -> None:
    queue.immediate = bool(app.config.get("LEANS_QUEUE_IMMEDIATE", app.config.get("TESTING")))
