"""Bulk work in the background: issue-all and export jobs run on the app's task queue
(:mod:`leans.core.queue`) and record their progress; the one who started a job is notified
when it ends."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from flask import Flask, current_app
from flask_babel import gettext as _

from leans.certificates.export import build_zip
from leans.certificates.issuing import IssueOutcome, issue_all
from leans.certificates.models import BulkJob, JobKind, JobStatus
from leans.core.extensions import db
from leans.core.models import utcnow
from leans.core.notifications import NotificationKind, notify


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


class NotAllIssued(Exception):
    """Some certificates of an issue job could not be signed (or the signer stopped)."""

    def __init__(self, outcome: IssueOutcome) -> None:
        waiting = ""
        if outcome.stopped:
            waiting = _(" Signing stopped: %(reason)s; the others are still waiting.",
                        reason=outcome.stopped)
        super().__init__(_("%(issued)d issued, %(failed)d not issued because they could not "
                           "be signed.", issued=outcome.issued,
                           failed=len(outcome.not_issued)) + waiting)


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
            job.message = str(outcome.issued)
            job.failures = [vars(row) for row in outcome.not_issued]
            if outcome.not_issued:
                raise NotAllIssued(outcome)
        else:
            purge_exports(utcnow())
            path = export_path(job)
            partial = path.with_suffix(".part")
            os.close(os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600))
            count = build_zip(job.cohort, partial, progress)
            partial.replace(path)
            job.result_path, job.message = str(path), str(count)
        job.status = JobStatus.DONE
    except NotAllIssued as error:  # the issued ones stay; the report names the others
        job.status, job.message = JobStatus.FAILED, str(error)[:1000]
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
