"""Look-ups other pages need from the registry."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from leans.certificates.models import Certificate, CertificateStatus
from leans.core.extensions import db


def valid_certificates(enrolment_ids: Iterable[int]) -> dict[int, Certificate]:
    """The valid certificate of each enrolment that has one (one query)."""
    ids = list(enrolment_ids)
    if not ids:
        return {}
    return {c.enrolment_id: c for c in db.session.scalars(select(Certificate).where(
        Certificate.enrolment_id.in_(ids), Certificate.status == CertificateStatus.VALID))}
