"""Issuing, revoking and re-issuing certificates; every step in one transaction, audited."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from leans.assessments.plans.models import ActionPlan
from leans.certificates.document import RenderPool, frozen_data, render_signed, sha256
from leans.certificates.eligibility import Eligibility, eligibility
from leans.certificates.models import Certificate, CertificateStatus
from leans.certificates.numbering import format_number, next_seq
from leans.certificates.queries import valid_certificates
from leans.certificates.sealing import SigningFailed
from leans.certificates.signing import sealer
from leans.content import get_catalogue
from leans.core.audit import record
from leans.core.extensions import db
from leans.core.i18n import local_today
from leans.core.models import Cohort, Enrolment, User, utcnow
from leans.core.notifications import NotificationKind, notify
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


class NotSigned(CertificateError):
    """Certificates that could not be signed, so none of the batch was issued: nothing was
    stored. ``failures`` names each refused candidate with the signer's failure."""

    def __init__(self, failures: list[tuple[Candidate, SigningFailed]]) -> None:
        candidate, failure = failures[0]
        super().__init__(_("The certificate of %(name)s was not issued: it could not be "
                           "signed (%(reason)s).", name=candidate.enrolment.user.full_name,
                           reason=failure.reason))
        self.failures = failures

    @property
    def service_down(self) -> bool:
        return any(failure.service_down for _candidate, failure in self.failures)


@dataclass(frozen=True)
class NotIssued:
    """A participant "issue to all" could not issue, and why (for the job's report)."""
    name: str
    nip: str
    reason: str


@dataclass
class IssueOutcome:
    issued: int = 0
    not_issued: list[NotIssued] = field(default_factory=list)
    #: Why the job stopped early (the signer refused or failed), with the rest still waiting.
    stopped: str = ""


@dataclass(frozen=True)
class Candidate:
    enrolment: Enrolment
    eligibility: Eligibility
    plan: ActionPlan | None
    jp: float
    certificate: Certificate | None
    #: The latest revoked certificate, when there is no valid one and it was not re-issued:
    #: such a participant is issued again only by a deliberate re-issue with a reason.
    revoked: Certificate | None = None

    @property
    def status(self) -> str:
        """For the registry's filter: ``issued``, ``revoked``, ``eligible`` (without a
        certificate) or ``not_eligible``."""
        if self.certificate is not None:
            return "issued"
        if self.revoked is not None:
            return "revoked"
        return "eligible" if self.eligibility.eligible else "not_eligible"


def _candidate(enrolment: Enrolment, progress: list, plan: ActionPlan | None,
               certificate: Certificate | None, revoked: Certificate | None) -> Candidate:
    return Candidate(enrolment, eligibility(progress, plan.state if plan else None,
                                              enrolment.cohort.full_path
                                              and enrolment.cohort.report_required), plan,
                     sum(p.module.jp for p in progress), certificate,
                     None if certificate is not None else revoked)


def _revoked_certificates(ids: list[int]) -> dict[int, Certificate]:
    """Each enrolment's latest revoked certificate that no later certificate replaced."""
    revoked: dict[int, Certificate] = {}
    for certificate in db.session.scalars(select(Certificate).where(
            Certificate.enrolment_id.in_(ids), Certificate.status == CertificateStatus.REVOKED,
            Certificate.superseded_by_id.is_(None)).order_by(Certificate.id)):
        revoked[certificate.enrolment_id] = certificate
    return revoked


def _plans_and_certificates(ids: list[int]) -> tuple[dict, dict, dict]:
    if not ids:
        return {}, {}, {}
    plans = {p.enrolment_id: p for p in db.session.scalars(
        select(ActionPlan).where(ActionPlan.enrolment_id.in_(ids)))}
    return plans, valid_certificates(ids), _revoked_certificates(ids)


def candidates(cohort: Cohort) -> list[Candidate]:
    """Every active participant of the cohort with eligibility, plan, valid certificate and
    (when there is no valid one) revoked certificate."""
    report = cohort_report(cohort, get_catalogue())
    plans, valid, revoked = _plans_and_certificates([row.enrolment.id for row in report.rows])
    return [_candidate(row.enrolment, row.progress, plans.get(row.enrolment.id),
                       valid.get(row.enrolment.id), revoked.get(row.enrolment.id))
            for row in report.rows]


def candidate_for(enrolment: Enrolment) -> Candidate:
    """One participant's candidacy, without computing the rest of the cohort."""
    catalogue = get_catalogue()
    facts = load_facts([enrolment.id], catalogue).get(enrolment.id, {})
    progress = training_progress(training_modules(enrolment.cohort, catalogue), facts)
    plans, valid, revoked = _plans_and_certificates([enrolment.id])
    return _candidate(enrolment, progress, plans.get(enrolment.id), valid.get(enrolment.id),
                      revoked.get(enrolment.id))


def final_grade(candidate: Candidate) -> dict:
    """The grade a certificate carries: the report seminar's when the cohort's certificates
    need it (what was achieved), else the approved plan's."""
    plan, cohort = candidate.plan, candidate.enrolment.cohort
    if cohort.full_path and cohort.report_required:
        return {"predicate": plan.report_predicate, "score": plan.report_score}
    return {"predicate": plan.predicate, "score": plan.score}


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
                       jp=candidate.jp, **final_grade(candidate), issued_on=today)
    return Certificate(enrolment_id=candidate.enrolment.id, year=year, seq=seq, number=number,
                       code=code, data=data, status=CertificateStatus.VALID)


def issue_batch(batch: list[Candidate], admin: User | None,
                replaces: dict[int, Certificate] | None = None,
                renderer: Callable[[list[dict]], list[bytes | SigningFailed]] | None = None,
                reason: str = "") -> list[Certificate]:
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
    try:
        pdfs = renderer(items) if renderer else render_signed(items)
    except SigningFailed as failure:  # the signer is down: the document it stopped at
        failed = next((c for c, cert in zip(batch, certificates, strict=True)
                       if cert.number == failure.number), batch[0])
        raise NotSigned([(failed, failure)]) from failure
    refused = [(candidate, pdf) for candidate, pdf in zip(batch, pdfs, strict=True)
               if isinstance(pdf, SigningFailed)]
    if refused:
        raise NotSigned(refused)
    signer = sealer().signer_name[:200]
    for certificate, pdf in zip(certificates, pdfs, strict=True):
        certificate.pdf, certificate.sha256, certificate.signed_by = pdf, sha256(pdf), signer
        old = (replaces or {}).get(certificate.enrolment_id)
        if old is not None:
            if old.status is CertificateStatus.VALID:  # a revoked one stays revoked
                old.status, old.changed_at = CertificateStatus.SUPERSEDED, now
            db.session.flush()
            certificate.replaces_id = old.id
        db.session.add(certificate)
        db.session.flush()
        if old is not None:
            old.superseded_by_id = certificate.id
        record(admin, "certificate.reissued" if old else "certificate.issued",
               "certificate", certificate.id, at=now, number=certificate.number,
               replaces=old.number if old else None, **({"reason": reason} if reason else {}))
        holder = certificate.enrolment
        notify(holder.user, NotificationKind.CERTIFICATE_ISSUED, "dashboard.index",
               cohort=holder.cohort, at=now)
    db.session.flush()
    return certificates


def issue_one(candidate: Candidate, admin: User) -> Certificate:
    if candidate.certificate is not None:
        raise CertificateError(_("%(name)s already has certificate %(number)s.",
                                 name=candidate.enrolment.user.full_name,
                                 number=candidate.certificate.number))
    if candidate.revoked is not None:
        raise CertificateError(_("Certificate %(number)s of %(name)s was revoked; issuing again "
                                 "is a re-issue with a reason.",
                                 number=candidate.revoked.number,
                                 name=candidate.enrolment.user.full_name))
    return issue_batch([candidate], admin)[0]


def waiting_for_issue(rows: list[Candidate]) -> list[Candidate]:
    """Who "issue to all" issues: eligible, no valid certificate, none revoked."""
    return [c for c in rows if c.status == "eligible"]


def issue_all(cohort: Cohort, admin: User | None,
              progress: Callable[[int, int], None] | None = None) -> IssueOutcome:
    """Issue every eligible participant without a certificate, CHUNK per transaction
    (a bulk job: it commits each chunk itself).

    Certificates that cannot be signed are not issued: their chunk is rolled back and done
    once more without them (numbers stay without gaps), and the outcome says who and why. When the
    signer refuses or fails altogether, the job stops and the rest keep waiting. Any other
    failure leaves the finished chunks issued and the failed one untouched; running again
    resumes with whoever is still waiting. Large cohorts render in worker processes.
    """
    waiting = waiting_for_issue(candidates(cohort))
    outcome = IssueOutcome()
    with RenderPool() if len(waiting) >= POOL_FROM else nullcontext() as pool:
        for start in range(0, len(waiting), CHUNK):
            chunk = waiting[start:start + CHUNK]
            while chunk:
                try:
                    issue_batch(chunk, admin, renderer=pool.render if pool else None)
                    db.session.commit()
                    outcome.issued += len(chunk)
                    break
                except NotSigned as error:
                    db.session.rollback()
                    outcome.not_issued += [_not_issued(candidate, failure.reason)
                                           for candidate, failure in error.failures]
                    if error.service_down:
                        outcome.stopped = error.failures[0][1].reason
                        return outcome
                    failed = {id(candidate) for candidate, _failure in error.failures}
                    chunk = [c for c in chunk if id(c) not in failed]
                except Exception:
                    db.session.rollback()
                    raise
            if progress:
                progress(min(start + CHUNK, len(waiting)), len(waiting))
    return outcome


def _not_issued(candidate: Candidate, reason: str) -> NotIssued:
    user = candidate.enrolment.user
    return NotIssued(user.full_name, user.nip or user.ni_pppk or "", reason)


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


def can_reissue(certificate: Certificate, candidate: Candidate | None) -> bool:
    """A valid certificate, or the participant's latest revoked one (no valid one since)."""
    if certificate.status is CertificateStatus.VALID:
        return True
    return (certificate.status is CertificateStatus.REVOKED and candidate is not None
            and candidate.revoked is not None and candidate.revoked.id == certificate.id)


def reissue(certificate: Certificate, admin: User, candidate: Candidate,
            reason: str = "") -> Certificate:
    """A new certificate with a new number replacing ``certificate``: a valid one (name or NIP
    corrected on the account) becomes superseded; a revoked one stays revoked, and re-issuing
    it needs a reason. The reason, if any, is recorded in the audit trail."""
    reason = reason.strip()
    if not can_reissue(certificate, candidate):
        raise CertificateError(_("Only a valid certificate, or the latest revoked one, can be "
                                 "re-issued."))
    if certificate.status is CertificateStatus.REVOKED and not reason:
        raise CertificateError(_("Give the reason for re-issuing a revoked certificate."))
    fresh = Candidate(candidate.enrolment, candidate.eligibility, candidate.plan, candidate.jp,
                      None)
    return issue_batch([fresh], admin, replaces={certificate.enrolment_id: certificate},
                       reason=reason)[0]


def current_of(certificate: Certificate) -> Certificate:
    """Follow re-issues to the newest certificate."""
    seen = set()
    while certificate.superseded_by is not None and certificate.id not in seen:
        seen.add(certificate.id)
        certificate = certificate.superseded_by
    return certificate
