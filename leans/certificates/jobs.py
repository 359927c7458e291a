"""Bulk work in the background: a Huey task queue (SQLite in the instance folder by default,
Redis when LEANS_QUEUE_URL is set) runs issue-all and export jobs and records their
progress.

The queue is built by :func:`init_app` from the app's configuration and kept in
``app.extensions["leans.jobs"]``; a task runs inside the app that built its queue, so the
worker's app is the one ``leans worker`` was started with (no second factory call).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from huey import Huey, RedisHuey, SqliteHuey

from leans.certificates.export import build_zip
from leans.certificates.issuing import issue_all
from leans.certificates.models import BulkJob, JobKind, JobStatus
from leans.core.extensions import db
from leans.core.models import utcnow


def exports_folder() -> Path:
    """Where finished export ZIPs wait for download: private to the app's user."""
    folder = Path(current_app.instance_path) / "exports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    return folder


def export_path(job: BulkJob) -> Path:
    return exports_folder() / f"sertifikat-{job.cohort.slug}-{job.id}.zip"


def export_expired(job: BulkJob, now: dt.datetime) -> bool:
    """A finished export is kept LEANS_EXPORT_KEEP_HOURS, then purged."""
    keep = dt.timedelta(hours=current_app.config["LEANS_EXPORT_KEEP_HOURS"])
    return job.finished_at is None or now - job.finished_at > keep


def purge_exports(now: dt.datetime) -> int:
    """Delete export files older than LEANS_EXPORT_KEEP_HOURS; returns how many."""
    keep = current_app.config["LEANS_EXPORT_KEEP_HOURS"] * 3600
    removed = 0
    for path in exports_folder().glob("*.zip"):
        if now.timestamp() - path.stat().st_mtime > keep:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def run(job: BulkJob) -> None:
    """Carry out a job, recording progress; a failure is recorded, never half-done.
    Commits per chunk (the caller is the queue, not a view)."""
    def progress(done: int, total: int) -> None:
        job.done, job.total = done, total
        db.session.commit()

    job.status, job.message = JobStatus.RUNNING, ""
    db.session.commit()
    try:
        if job.kind is JobKind.ISSUE:
            count = issue_all(job.cohort, job.created_by, progress)
            job.message = str(count)
        else:
            purge_exports(utcnow())
            path = export_path(job)
            partial = path.with_suffix(".part")
            os.close(os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
            count = build_zip(job.cohort, partial, progress)
            partial.replace(path)
            job.result_path, job.message = str(path), str(count)
        job.status = JobStatus.DONE
    except Exception as error:  # recorded for the admin; the failed chunk was rolled back
        db.session.rollback()
        job.status, job.message = JobStatus.FAILED, f"{type(error).__name__}: {error}"[:1000]
    job.finished_at = utcnow()
    db.session.commit()


class JobQueue:
    """One app's queue: enqueue a job, or consume jobs (threads of ``leans run``, or the
    ``leans worker`` process)."""

    def __init__(self, app: Flask) -> None:
        self.huey = _make_huey(app)
        self.huey.immediate = bool(app.config.get("LEANS_QUEUE_IMMEDIATE",
                                                  app.config.get("TESTING")))

        @self.huey.task(name="leans.run_job")
        def run_job(job_id: int) -> None:
            with app.app_context():
                job = db.session.get(BulkJob, job_id)
                if job is not None and job.status in (JobStatus.QUEUED, JobStatus.FAILED):
                    run(job)

        self._run_job = run_job

    def enqueue(self, job: BulkJob) -> None:
        self._run_job(job.id)

    def consume(self, workers: int) -> None:
        """Run jobs until stopped (``leans worker``)."""
        self.huey.create_consumer(workers=workers, worker_type="thread", periodic=False).run()

    def start_in_threads(self, workers: int = 1) -> None:
        """Run the consumer in daemon threads of this process (``leans run``)."""
        consumer = self.huey.create_consumer(workers=workers, worker_type="thread",
                                             periodic=False)
        for _, thread in consumer.worker_threads:
            thread.daemon = True
        consumer.scheduler.daemon = True
        consumer.start()
        # Keep Ctrl+C and SIGTERM for the server, not the consumer's graceful shutdown.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _make_huey(app: Flask) -> Huey:
    url = app.config["LEANS_QUEUE_URL"]
    if url.startswith("redis"):
        return RedisHuey("leans", url=url)
    folder = Path(app.instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("leans", filename=str(folder / "queue.sqlite3"))


def job_queue() -> JobQueue:
    """The current app's queue."""
    return current_app.extensions["leans.jobs"]


def enqueue(job: BulkJob) -> None:
    job_queue().enqueue(job)


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Worker threads.")
@with_appcontext
def worker_command(workers: int) -> None:
    """Run background jobs (bulk certificates) for a production install."""
    job_queue().consume(workers)


def init_app(app: Flask) -> None:
    app.extensions["leans.jobs"] = JobQueue(app)
    app.cli.add_command(worker_command)
