"""Issuing, revoking and re-issuing certificates; every step in one transaction, audited."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from leans.assessments.plans.models import ActionPlan
from leans.certificates.document import RenderPool, frozen_data, render, sha256
from leans.certificates.eligibility import Eligibility, eligibility
from leans.certificates.models import Certificate, CertificateStatus
from leans.certificates.numbering import format_number, next_seq
from leans.certificates.queries import valid_certificates
from leans.content import get_catalogue
from leans.core.audit import record
from leans.core.extensions import db
from leans.core.i18n import local_today
from leans.core.models import Cohort, Enrolment, User, utcnow
from leans.modules.cohort_progress import cohort_report
from leans.modules.facts import load_facts
from leans.modules.progress import training_progress
from leans.modules.training import training_modules

#: Certificates rendered per transaction in bulk issuance.
CHUNK = 50
#: From this many certificates on, rendering uses worker processes on both cores.
POOL_FROM = 200


class CertificateError(Exception):
    pass


@dataclass(frozen=True)
class Candidate:
    enrolment: Enrolment
    eligibility: Eligibility
    plan: ActionPlan | None
    jp: float
    certificate: Certificate | None


def _candidate(enrolment: Enrolment, progress: list, plan: ActionPlan | None,
               certificate: Certificate | None) -> Candidate:
    return Candidate(enrolment, eligibility(progress, plan.state if plan else None), plan,
                     sum(p.module.jp for p in progress), certificate)


def _plans_and_certificates(ids: list[int]) -> tuple[dict, dict]:
    if not ids:
        return {}, {}
    plans = {p.enrolment_id: p for p in db.session.scalars(
        select(ActionPlan).where(ActionPlan.enrolment_id.in_(ids)))}
    return plans, valid_certificates(ids)


def candidates(cohort: Cohort) -> list[Candidate]:
    """Every active participant of the cohort with eligibility, plan and valid certificate."""
    report = cohort_report(cohort, get_catalogue())
    plans, valid = _plans_and_certificates([row.enrolment.id for row in report.rows])
    return [_candidate(row.enrolment, row.progress, plans.get(row.enrolment.id),
                       valid.get(row.enrolment.id)) for row in report.rows]


def candidate_for(enrolment: Enrolment) -> Candidate:
    """One participant's candidacy, without computing the rest of the cohort."""
    catalogue = get_catalogue()
    facts = load_facts([enrolment.id], catalogue).get(enrolment.id, {})
    progress = training_progress(training_modules(enrolment.cohort, catalogue), facts)
    plans, valid = _plans_and_certificates([enrolment.id])
    return _candidate(enrolment, progress, plans.get(enrolment.id), valid.get(enrolment.id))


def new_code() -> str:
    """96 random bits, URL-safe; never starting with '-' or '_' (spreadsheets, eyes)."""
    while True:
        code = secrets.token_urlsafe(12)
        if code[0].isalnum():
            return code


def _prepare(candidate: Candidate, user: User, year: int, today: dt.date) -> Certificate:
    """Take a number and freeze the data (not yet rendered)."""
    seq = next_seq(year)
    code = new_code()
    number = format_number(current_app.config["LEANS_CERT_NUMBER_PATTERN"], seq, year)
    data = frozen_data(user, candidate.enrolment.cohort, number=number, code=code,
                       jp=candidate.jp, predicate=candidate.plan.predicate,
                       score=candidate.plan.score, issued_on=today)
    return Certificate(enrolment_id=candidate.enrolment.id, year=year, seq=seq, number=number,
                       code=code, data=data, status=CertificateStatus.VALID)


def issue_batch(batch: list[Candidate], admin: User | None,
                replaces: dict[int, Certificate] | None = None,
                renderer: Callable[[list[dict]], list[bytes]] | None = None
                ) -> list[Certificate]:
    """Issue certificates for eligible candidates: all or none (an error leaves nothing in
    the session worth committing; the caller commits, or rolls back)."""
    today = local_today()
    now = utcnow()
    certificates = []
    for candidate in batch:
        if not candidate.eligibility.eligible:
            raise CertificateError(_("%(name)s is not eligible.",
                                     name=candidate.enrolment.user.full_name))
        certificate = _prepare(candidate, candidate.enrolment.user, today.year, today)
        certificate.issued_at, certificate.issued_by_id = now, admin.id if admin else None
        certificates.append(certificate)
    items = [c.data for c in certificates]
    pdfs = renderer(items) if renderer else render(items)
    for certificate, pdf in zip(certificates, pdfs, strict=True):
        certificate.pdf, certificate.sha256 = pdf, sha256(pdf)
        old = (replaces or {}).get(certificate.enrolment_id)
        if old is not None:
            old.status, old.changed_at = CertificateStatus.SUPERSEDED, now
            db.session.flush()
            certificate.replaces_id = old.id
        db.session.add(certificate)
        db.session.flush()
        if old is not None:
            old.superseded_by_id = certificate.id
        record(admin, "certificate.reissued" if old else "certificate.issued",
               "certificate", certificate.id, at=now, number=certificate.number,
               replaces=old.number if old else None)
    db.session.flush()
    return certificates


def issue_one(candidate: Candidate, admin: User) -> Certificate:
    if candidate.certificate is not None:
        raise CertificateError(_("%(name)s already has certificate %(number)s.",
                                 name=candidate.enrolment.user.full_name,
                                 number=candidate.certificate.number))
    return issue_batch([candidate], admin)[0]


def issue_all(cohort: Cohort, admin: User | None,
              progress: Callable[[int, int], None] | None = None) -> int:
    """Issue every eligible participant without a certificate, CHUNK per transaction
    (a bulk job: it commits each chunk itself).

    A failure leaves the finished chunks issued and the failed one untouched; running
    again resumes with whoever is still waiting. Large cohorts render in worker processes.
    """
    waiting = [c for c in candidates(cohort) if c.eligibility.eligible and c.certificate is None]
    with RenderPool() if len(waiting) >= POOL_FROM else nullcontext() as pool:
        for start in range(0, len(waiting), CHUNK):
            try:
                issue_batch(waiting[start:start + CHUNK], admin,
                            renderer=pool.render if pool else None)
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
            if progress:
                progress(min(start + CHUNK, len(waiting)), len(waiting))
    return len(waiting)


def revoke(certificate: Certificate, admin: User, reason: str) -> None:
    if certificate.status is not CertificateStatus.VALID:
        raise CertificateError(_("Only a valid certificate can be revoked."))
    if not reason.strip():
        raise CertificateError(_("Give the reason for revoking the certificate."))
    certificate.status, certificate.revoked_reason = CertificateStatus.REVOKED, reason.strip()
    certificate.changed_at = utcnow()
    record(admin, "certificate.revoked", "certificate", certificate.id,
           number=certificate.number, reason=reason.strip())
    db.session.flush()


def reissue(certificate: Certificate, admin: User, candidate: Candidate) -> Certificate:
    """A corrected certificate (name or NIP fixed on the account) with a new number; the old
    one points to it as superseded."""
    if certificate.status is not CertificateStatus.VALID:
        raise CertificateError(_("Only a valid certificate can be re-issued."))
    fresh = Candidate(candidate.enrolment, candidate.eligibility, candidate.plan, candidate.jp,
                      None)
    return issue_batch([fresh], admin, replaces={certificate.enrolment_id: certificate})[0]


def current_of(certificate: Certificate) -> Certificate:
    """Follow re-issues to the newest certificate."""
    seen = set()
    while certificate.superseded_by is not None and certificate.id not in seen:
        seen.add(certificate.id)
        certificate = certificate.superseded_by
    return certificate
