"""Quiz attempts: the drawn questions, the answers and the result, one row per attempt."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leans.content.quiz import QuizKind
from leans.core.extensions import UTCDateTime, code_type, db
from leans.core.models import Enrolment, utcnow


class QuizAttempt(db.Model):
    __tablename__ = "quiz_attempts"
    __table_args__ = (UniqueConstraint("enrolment_id", "module_slug", "kind", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolments.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(100))
    kind: Mapped[QuizKind] = mapped_column(code_type(QuizKind, 8))
    #: 1 for the first attempt of this kind, 2 for the second, ...
    number: Mapped[int] = mapped_column(Integer)
    #: Seed of the random draw and the bank's SHA-256 at that moment (reproducible draw).
    seed: Mapped[int] = mapped_column(BigInteger)
    bank_version: Mapped[str] = mapped_column(String(64))
    #: Snapshot of the drawn questions in display order, correct answers included (server only).
    questions: Mapped[list] = mapped_column(JSON)
    pass_mark: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set when the bank has a time limit.
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Chosen option positions keyed by question position: {"0": [2], "1": [0, 3]}.
    answers: Mapped[dict | None] = mapped_column(JSON)
    #: Percentage 0-100 and whether it reached the pass mark.
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    #: Closed because the time limit ran out before submission (scores 0).
    expired: Mapped[bool] = mapped_column(Boolean, default=False)

    enrolment: Mapped[Enrolment] = relationship()

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None

