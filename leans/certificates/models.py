"""The certificate registry: numbers that never repeat, frozen data, the PDF and its hash."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from leans.core.extensions import UTCDateTime, code_type, db
from leans.core.labels import Labelled
from leans.core.models import Cohort, Enrolment, User, utcnow


class CertificateStatus(Labelled):
    VALID = "valid"
    REVOKED = "revoked"
    #: Replaced by a corrected re-issue.
    SUPERSEDED = "superseded"


class JobKind(Labelled):
    ISSUE = "issue"
    EXPORT = "export"


class JobStatus(Labelled):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class CertificateSequence(db.Model):
    """The last number used in a year; incremented inside the issuing transaction."""

    __tablename__ = "certificate_sequences"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Certificate(db.Model):
    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("year", "seq"),
        # At most one valid certificate per participant and training.
        Index("uq_certificates_valid_enrolment", "enrolment_id", unique=True,
              sqlite_where=db.text("status = 'valid'"),
              postgresql_where=db.text("status = 'valid'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    #: The printed number, built from LEANS_CERT_NUMBER_PATTERN.
    number: Mapped[str] = mapped_column(String(100), unique=True)
    #: Random verification code (96 bits, URL-safe) printed as a QR code.
    code: Mapped[str] = mapped_column(String(32), unique=True)
    #: Everything printed, frozen at issue time.
    data: Mapped[dict] = mapped_column(JSON)
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    sha256: Mapped[str] = mapped_column(String(64))
    #: Who signed the PDF (the signing certificate's name); empty for certificates issued
    #: before PDFs were signed, which are checked by their hash alone.
    signed_by: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[CertificateStatus] = mapped_column(code_type(CertificateStatus, 16),
                                                      default=CertificateStatus.VALID)
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    #: The re-issue that replaced this one, and the one this one replaced.
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    enrolment: Mapped[Enrolment] = relationship()
    superseded_by: Mapped[Certificate | None] = relationship(
        foreign_keys=[superseded_by_id], remote_side=[id])
    replaces: Mapped[Certificate | None] = relationship(foreign_keys=[replaces_id],
                                                        remote_side=[id])


class BulkJob(db.Model):
    """A background job over a cohort (issue all eligible, or export), with its progress."""

    __tablename__ = "bulk_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    kind: Mapped[JobKind] = mapped_column(code_type(JobKind, 16))
    status: Mapped[JobStatus] = mapped_column(code_type(JobStatus, 16), default=JobStatus.QUEUED)
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    #: An issue job's participants not issued because their certificate could not be signed:
    #: [{"name", "nip", "reason"}].
    failures: Mapped[list] = mapped_column(JSON, default=list)
    #: The storage blob key of the finished export's ZIP (:mod:`leans.core.storage`), for
    #: download; not a file path.
    result_path: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    cohort: Mapped[Cohort] = relationship()
    created_by: Mapped[User | None] = relationship()
