"""What LEANS sent to SIASN: one row per certificate pushed as a course-history record, with
the record id SIASN returned, so that a re-run sends only what is missing (docs/siasn.md)."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leans.certificates.models import Certificate
from leans.core.extensions import UTCDateTime, code_type, db
from leans.core.models import utcnow


class SiasnState(enum.StrEnum):
    """Where a certificate's record stands in SIASN (shown only in the push report)."""

    #: The record was saved; its PDF is not uploaded yet (the next run uploads it).
    SAVED = "saved"
    #: The record was saved and its PDF uploaded.
    PUSHED = "pushed"
    #: The certificate was revoked or superseded and its record deleted from SIASN.
    DELETED = "deleted"
    #: The certificate was revoked or superseded but deleting its record failed: flagged for
    #: a person to remove it in SIASN (the next run tries again).
    DELETE_FAILED = "delete_failed"


class SiasnRecord(db.Model):
    __tablename__ = "siasn_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(
        ForeignKey("certificates.id", ondelete="CASCADE"), unique=True)
    #: SIASN's id of the course-history record (``rwKursusId``).
    record_id: Mapped[str] = mapped_column(String(64))
    state: Mapped[SiasnState] = mapped_column(code_type(SiasnState, 16),
                                              default=SiasnState.SAVED)
    #: The last answer SIASN gave when something failed (empty when all went well).
    message: Mapped[str] = mapped_column(Text, default="")
    pushed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    certificate: Mapped[Certificate] = relationship()
