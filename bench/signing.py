"""Benchmark: issuing and exporting 1,000 signed certificates, and what signing adds
(targets: issue 18, signing adds at most 50% to the time to issue a certificate; issue 19,
issuing 1,000 takes at most 60 s with signing and every process stays under 250 MB, and
exporting 1,000 issued certificates (ZIP, register, merged PDF) takes at most 15 s).

    .venv/bin/python bench/signing.py [--count 1000]

Two cohorts of COUNT eligible participants in one SQLite database. The same bulk issue runs
side by side: first without signing (the ceiling: render only, as before signing existed),
then as the app issues, signed with the development signer through the background job's own
code (``jobs.run``), after a warm-up issue that loads templates, fonts and the signer. From
200 certificates on, both render (and sign) on two worker processes (both cores). Memory is the peak
resident size of this process (after the issue job, which the 250 MB target is about, and
after the export) and of the largest render worker.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade
from sqlalchemy import insert, select

from leans import create_app
from leans.assessments.plans.models import ActionPlan, PlanVersion
from leans.certificates import issuing
from leans.certificates.document import RenderPool, render
from leans.certificates.jobs import run
from leans.certificates.models import BulkJob, Certificate, JobKind, JobStatus
from leans.core.extensions import db
from leans.core.models import Cohort, Enrolment, User
from tests.fixtures.certificates import MODULE, T, complete_module

NAMES = ["Dr. H. Ahmad Fauzi Rahmatullah, S.Sos., M.Si.", "Siti Nurhayati, S.E., M.M.",
         "Ir. Endang Sulistyowati, M.P.", "Sutrisno", "Hj. Lilik Maslikah, S.Pd., M.Pd."]


def eligible_cohort(slug: str, count: int, first_nip: int) -> Cohort:
    """A cohort of COUNT participants who completed MODULE and whose plans are approved."""
    users = db.session.execute(insert(User).returning(User.id), [
        {"username": f"{slug}-{n}", "full_name": NAMES[n % len(NAMES)],
         "nip": f"{first_nip + n:018d}", "unit": "Dinas Sosial", "password_hash": "x",
         "created_at": T} for n in range(count)]).scalars().all()
    cohort = Cohort(slug=slug, name=f"LEANS {slug}", starts_on=dt.date(2026, 10, 5),
                    ends_on=dt.date(2026, 12, 18), place="Aula BKPP")
    cohort.set_modules([MODULE])
    db.session.add(cohort)
    db.session.flush()
    enrolments = [Enrolment(user_id=user_id, cohort_id=cohort.id) for user_id in users]
    db.session.add_all(enrolments)
    db.session.flush()
    for enrolment in enrolments:
        complete_module(enrolment)
        plan = ActionPlan(enrolment_id=enrolment.id, state="approved", draft={},
                          draft_version=1, state_version=5, score=85.0, predicate="Memuaskan",
                          approved_at=T)
        plan.versions.append(PlanVersion(number=1, content={"title": "Rencana"},
                                         submitted_at=T))
        db.session.add(plan)
    db.session.commit()
    return cohort


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def unsigned_issue(cohort: Cohort) -> float:
    """Seconds to issue the cohort rendering without signing: the ceiling."""
    saved = issuing.render_signed, issuing.RenderPool
    issuing.render_signed = render
    issuing.RenderPool = functools.partial(RenderPool, sign=False)
    try:
        start = time.perf_counter()
        outcome = issuing.issue_all(cohort, None)
        seconds = time.perf_counter() - start
    finally:
        issuing.render_signed, issuing.RenderPool = saved
    assert outcome.issued == len(cohort.enrolments), outcome
    return seconds


def timed_job(cohort: Cohort, kind: JobKind = JobKind.ISSUE) -> tuple[float, BulkJob]:
    """Seconds for the background job (as `leans worker` runs it) on the cohort."""
    job = BulkJob(cohort_id=cohort.id, kind=kind)
    db.session.add(job)
    db.session.commit()
    start = time.perf_counter()
    run(job)
    return time.perf_counter() - start, job


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                          "SECRET_KEY": "bench" * 8, "LEANS_QUEUE_IMMEDIATE": True})
        app.instance_path = tmp  # the development signer is made here
        with app.app_context():
            upgrade()
            plain = eligible_cohort("tanpa-ttd", args.count, 197001012000011000)
            signed = eligible_cohort("dengan-ttd", args.count, 198001012000011000)
            warm_up = eligible_cohort("pemanasan", 10, 199001012000011000)
            setup_peak = peak_mb(resource.RUSAGE_SELF)
            issuing.issue_all(warm_up, None)  # templates, fonts and the signer loaded once
            plain_seconds = unsigned_issue(plain)
            after_plain = peak_mb(resource.RUSAGE_SELF)
            signed_seconds, job = timed_job(signed)
            after_issue = peak_mb(resource.RUSAGE_SELF)
            export_seconds, export = timed_job(signed, JobKind.EXPORT)
            export_status = export.status
            signed_count = sum(b"/ByteRange" in pdf for pdf in db.session.scalars(
                select(Certificate.pdf).join(Enrolment).where(Enrolment.cohort_id == signed.id)))
            job_status, job_message = job.status, job.message
            parent_peak = peak_mb(resource.RUSAGE_SELF)
            worker_peak = peak_mb(resource.RUSAGE_CHILDREN)
    assert job_status is JobStatus.DONE, job_message
    assert export_status is JobStatus.DONE, export_status
    assert signed_count == args.count, signed_count
    added = signed_seconds / plain_seconds - 1
    print(f"{args.count} certificates per run; render workers: 2 processes")
    print(f"issue without signing (ceiling): {plain_seconds:6.1f} s  "
          f"{plain_seconds / args.count * 1000:5.1f} ms/cert")
    print(f"issue job, signed (PAdES B-B)  : {signed_seconds:6.1f} s  "
          f"{signed_seconds / args.count * 1000:5.1f} ms/cert")
    print(f"signing adds {added:.0%} (target <= 50%); {args.count} signed in "
          f"{signed_seconds:.1f} s (target <= 60 s for 1,000)")
    print(f"export job of {args.count} (ZIP, register, merged PDF): {export_seconds:.1f} s "
          "(target <= 15 s for 1,000)")
    print(f"peak memory: this process {parent_peak:.0f} MB (after setting up "
          f"{2 * args.count} participants: {setup_peak:.0f} MB; after the unsigned issue "
          f"{after_plain:.0f} MB, the signed issue job {after_issue:.0f} MB, the export job "
          f"{parent_peak:.0f} MB), largest render worker "
          f"{worker_peak:.0f} MB (target < 250 MB per process)")
    scale = 1000 / args.count
    ok = (added <= 0.5 and after_issue < 250 and worker_peak < 250
          and signed_seconds * scale <= 60 and export_seconds * scale <= 15)
    print("PASS" if ok else "FAIL")


if __name__ == "__main__":
    main()
