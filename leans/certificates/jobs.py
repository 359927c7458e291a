"""Bulk work in the background: issue-all and export jobs run on the app's task queue
(:mod:`leans.core.queue`) and record their progress; the one who started a job is notified
when it ends."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from flask import Flask, current_app
from flask_babel import gettext as _

from leans.certificates.export import build_zip
from leans.certificates.issuing import IssueOutcome, issue_all
from leans.certificates.models import BulkJob, JobKind, JobStatus
from leans.core import metrics, storage
from leans.core.extensions import db
from leans.core.models import utcnow
from leans.core.notifications import NotificationKind, notify

#: The blob kind of finished exports (:mod:`leans.core.storage`).
EXPORT_KIND = "export"


def export_filename(job: BulkJob) -> str:
    """The name a finished export is downloaded under."""
    return f"sertifikat-{job.cohort.slug}.zip"


def export_expired(job: BulkJob, now: dt.datetime) -> bool:
    """A finished export is kept LEANS_EXPORT_KEEP_HOURS, then purged."""
    keep = dt.timedelta(hours=current_app.config["LEANS_EXPORT_KEEP_HOURS"])
    return job.finished_at is None or now - job.finished_at > keep


def purge_exports(now: dt.datetime) -> int:
    """Delete stored exports older than LEANS_EXPORT_KEEP_HOURS; returns how many."""
    keep = dt.timedelta(hours=current_app.config["LEANS_EXPORT_KEEP_HOURS"])
    return storage.purge(EXPORT_KIND, keep, now)


def store_export(job: BulkJob, progress: Callable[[int, int], None]) -> tuple[str, int]:
    """Build the cohort's ZIP in a temporary file on this machine's disk, then store it in
    the database chunk by chunk, where every app server can serve it; the temporary file is
    deleted. Returns the stored blob's key and how many certificates the ZIP holds."""
    with tempfile.TemporaryDirectory(prefix="leans-export-") as folder:
        path = Path(folder) / "export.zip"
        count = build_zip(job.cohort, path, progress)
        with path.open("rb") as file:
            blob = storage.store_file(file, kind=EXPORT_KIND, filename=export_filename(job))
    return blob.key, count


def not_all_issued(outcome: IssueOutcome) -> str:
    """The job's message when some certificates could not be signed (or the signer stopped)."""
    waiting = ""
    if outcome.stopped:
        waiting = _(" Signing stopped: %(reason)s; the others are still waiting.",
                    reason=outcome.stopped)
    return _("%(issued)d issued, %(failed)d not issued because they could not be signed.",
             issued=outcome.issued, failed=len(outcome.not_issued)) + waiting


@metrics.timed_job  # leans_job_duration_seconds{kind,status}
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
            outcome = issue_all(job.cohort, job.created_by, progress)
            job.failures = [asdict(row) for row in outcome.not_issued]
            # The issued ones stay; the job fails when the report names others.
            job.status = JobStatus.FAILED if outcome.not_issued else JobStatus.DONE
            job.message = not_all_issued(outcome)[:1000] if outcome.not_issued \
                else str(outcome.issued)
        else:
            purge_exports(utcnow())
            key, count = store_export(job, progress)
            job.result_path, job.message = key, str(count)  # the stored blob's key
            job.status = JobStatus.DONE
    except Exception as error:  # recorded for the admin; the failed chunk was rolled back
        db.session.rollback()
        job.status, job.message = JobStatus.FAILED, f"{type(error).__name__}: {error}"[:1000]
    job.finished_at = utcnow()
    if job.created_by is not None:
        done = job.status is JobStatus.DONE
        notify(job.created_by,
               NotificationKind.JOB_FINISHED if done else NotificationKind.JOB_FAILED,
               "certificates.job", {"job_id": job.id}, subject=job.cohort.name,
               detail="" if done else job.message, cohort=job.cohort)
    db.session.commit()


def _register_tasks(app: Flask) -> None:
    """Put the bulk-job task on the app's queue; :func:`enqueue` uses it."""
    @app.extensions["leans.queue"].task("leans.run_job")
    def run_job(job_id: int) -> None:
        job = db.session.get(BulkJob, job_id)
        if job is not None and job.status in (JobStatus.QUEUED, JobStatus.FAILED):
            run(job)

    app.extensions["leans.run_job"] = run_job


def enqueue(job: BulkJob) -> None:
    current_app.extensions["leans.run_job"](job.id)


def init_app(app: Flask) -> None:
    _register_tasks(app)
