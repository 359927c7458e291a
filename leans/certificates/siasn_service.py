"""A cohort's SIASN course-history records: the export table, and the push to SIASN that
stores each returned record id, so that a re-run sends only what is missing."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import undefer

from leans.certificates.export import pdf_filename
from leans.certificates.models import Certificate, CertificateStatus
from leans.certificates.siasn import (
    FIELDS,
    SKIP_REASONS,
    SiasnSettings,
    Skipped,
    Split,
    nip_digits,
    save_payload,
    split,
)
from leans.certificates.siasn_client import SiasnAuthError, SiasnClient, SiasnError
from leans.certificates.siasn_models import SiasnRecord, SiasnState
from leans.core.extensions import db
from leans.core.models import Cohort, Enrolment, utcnow
from leans.core.spreadsheets import Table


def cohort_certificates(cohort: Cohort, with_pdf: bool = False) -> list[Certificate]:
    query = (select(Certificate).join(Enrolment, Enrolment.id == Certificate.enrolment_id)
             .where(Enrolment.cohort_id == cohort.id).order_by(Certificate.year, Certificate.seq))
    if with_pdf:
        query = query.options(undefer(Certificate.pdf))
    return list(db.session.scalars(query))


def cohort_split(cohort: Cohort, settings: SiasnSettings) -> Split:
    return split(cohort_certificates(cohort), settings)


def records_table(result: Split) -> Table:
    """The records as the export's table: SIASN's field names as the header."""
    return Table("SIASN", FIELDS, [[record[key] for key in FIELDS]
                                   for _certificate, record in result.records])


def records_json(cohort: Cohort, result: Split) -> dict:
    return {"cohort": cohort.slug,
            "records": [record for _certificate, record in result.records],
            "skipped": [item.as_dict() for item in result.skipped]}


class PushResult(enum.StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already sent"
    WOULD_SEND = "would send"
    DELETED = "deleted"
    WOULD_DELETE = "would delete"
    SKIPPED = "skipped"
    FAILED = "failed"
    DELETE_FAILED = "delete failed (flagged)"


FAILURES = {PushResult.FAILED, PushResult.DELETE_FAILED}


@dataclass(frozen=True)
class PushRow:
    nip: str
    number: str
    result: PushResult
    message: str = ""

    @property
    def failed(self) -> bool:
        return self.result in FAILURES

    def line(self) -> str:
        text = f"{self.nip or '-'}\t{self.number}\t{self.result.value}"
        return f"{text}: {self.message}" if self.message else text


def _stored(certificates: list[Certificate]) -> dict[int, SiasnRecord]:
    ids = [c.id for c in certificates]
    if not ids:
        return {}
    return {r.certificate_id: r for r in db.session.scalars(
        select(SiasnRecord).where(SiasnRecord.certificate_id.in_(ids)))}


def _send(client: SiasnClient, certificate: Certificate, record: dict,
          stored: SiasnRecord | None) -> PushRow:
    """Save the record (unless saved before) and upload its PDF."""
    row = PushRow(record["nip"], certificate.number, PushResult.SENT)
    try:
        if stored is None:
            record_id = client.save(save_payload(record, client.person_id(record["nip"])))
            stored = SiasnRecord(certificate_id=certificate.id, record_id=record_id,
                                 state=SiasnState.SAVED)
            db.session.add(stored)
            db.session.flush()
        client.upload(stored.record_id, certificate.pdf, pdf_filename(certificate))
        stored.state, stored.message, stored.changed_at = SiasnState.PUSHED, "", utcnow()
    except SiasnAuthError:
        raise
    except SiasnError as error:
        if stored is not None:
            stored.message = str(error)
        row = PushRow(row.nip, row.number, PushResult.FAILED, str(error))
    db.session.flush()
    return row


def _remove(client: SiasnClient, certificate: Certificate, stored: SiasnRecord) -> PushRow:
    """Delete the record of a revoked or superseded certificate; flag it when that fails."""
    nip = nip_digits(certificate)
    try:
        client.delete(stored.record_id)
        stored.state, stored.message = SiasnState.DELETED, ""
        row = PushRow(nip, certificate.number, PushResult.DELETED)
    except SiasnAuthError:
        raise
    except SiasnError as error:
        stored.state, stored.message = SiasnState.DELETE_FAILED, str(error)
        row = PushRow(nip, certificate.number, PushResult.DELETE_FAILED, str(error))
    stored.changed_at = utcnow()
    db.session.flush()
    return row


def _skipped_row(item: Skipped, stored: SiasnRecord | None, client: SiasnClient,
                 dry_run: bool) -> PushRow:
    certificate = item.certificate
    live = stored is not None and stored.state is not SiasnState.DELETED
    if live and certificate.status is not CertificateStatus.VALID:
        if dry_run:
            return PushRow(nip_digits(certificate), certificate.number, PushResult.WOULD_DELETE)
        return _remove(client, certificate, stored)
    return PushRow(nip_digits(certificate), certificate.number, PushResult.SKIPPED,
                   SKIP_REASONS[item.reason])


def _record_row(certificate: Certificate, record: dict, stored: SiasnRecord | None,
                client: SiasnClient, dry_run: bool) -> PushRow:
    if stored is not None and stored.state is SiasnState.PUSHED:
        return PushRow(record["nip"], certificate.number, PushResult.ALREADY_SENT)
    if dry_run:
        return PushRow(record["nip"], certificate.number, PushResult.WOULD_SEND)
    return _send(client, certificate, record, stored)


def push(cohort: Cohort, client: SiasnClient, settings: SiasnSettings, dry_run: bool = False,
         after_each: Callable[[], None] | None = None) -> list[PushRow]:
    """Send what SIASN is missing; one report row per certificate. A dry run sends nothing
    and stores nothing. On a refused token the run stops: the rows not reached are failed
    with that message. ``after_each`` (the command's commit) runs after each row."""
    result = split(cohort_certificates(cohort, with_pdf=not dry_run), settings)
    stored = _stored([c for c, _ in result.records] + [s.certificate for s in result.skipped])
    steps: list[tuple[Certificate, Callable[[bool], PushRow]]] = [
        (c, lambda dry, c=c, r=r: _record_row(c, r, stored.get(c.id), client, dry))
        for c, r in result.records] + [
        (s.certificate, lambda dry, s=s: _skipped_row(s, stored.get(s.certificate.id), client,
                                                      dry)) for s in result.skipped]
    rows: list[PushRow] = []
    refused: str | None = None
    for certificate, step in steps:
        try:
            row = step(dry_run or refused is not None)
        except SiasnAuthError as error:
            refused = str(error)
            row = PushRow(nip_digits(certificate), certificate.number, PushResult.WOULD_SEND)
        if refused and row.result in (PushResult.WOULD_SEND, PushResult.WOULD_DELETE):
            # Not sent: the token was refused (on this row or an earlier one).
            row = PushRow(row.nip, row.number, PushResult.FAILED, refused)
        rows.append(row)
        if after_each is not None and not dry_run:
            after_each()
    return rows
