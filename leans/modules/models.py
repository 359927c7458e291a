"""Progress facts: which lessons a participant finished in which training, and when.

Only facts are stored, keyed by content slugs; completion and JP are computed from them and
from the current content, so editing or removing a lesson never corrupts anyone's progress.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leans.core.extensions import UTCDateTime, db
from leans.core.models import utcnow


class LessonCompletion(db.Model):
    __tablename__ = "lesson_completions"
    __table_args__ = (UniqueConstraint("enrolment_id", "module_slug", "lesson_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The training (cohort enrolment) this reading counts for.
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolments.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(100))
    lesson_slug: Mapped[str] = mapped_column(String(100))
    #: When the participant marked the lesson done (first time; re-marking keeps it).
    completed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
