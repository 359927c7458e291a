"""Answers to the answerable tasks of lessons, and the facilitators' comments on them.

An answer is keyed by content slugs (module slug, task id), like lesson completions, so
editing a lesson never corrupts anyone's answer.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leans.core.extensions import UTCDateTime, db
from leans.core.models import Enrolment, User, utcnow


class TaskAnswer(db.Model):
    """One participant's answer to one task of one training: a draft, and what was sent."""

    __tablename__ = "task_answers"
    __table_args__ = (UniqueConstraint("enrolment_id", "module_slug", "task_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The training (cohort enrolment) the answer counts for.
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolments.id", ondelete="CASCADE"),
                                              index=True)
    module_slug: Mapped[str] = mapped_column(String(100))
    #: The ``id`` of the ``::: tugas ... {id=...}`` block, unique within the module.
    task_id: Mapped[str] = mapped_column(String(100))
    #: The participant's working copy, and its version for optimistic concurrency.
    draft: Mapped[str] = mapped_column(Text, default="")
    draft_version: Mapped[int] = mapped_column(Integer, default=0)
    draft_saved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: What the participant sent last, and when; facilitators read only this.
    submitted_text: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: When it was first sent: the time the completion rule ``tasks`` counts (a resubmission
    #: after a comment does not move a module's completion date).
    first_submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    enrolment: Mapped[Enrolment] = relationship()
    comments: Mapped[list[TaskComment]] = relationship(
        back_populates="answer", order_by="TaskComment.created_at, TaskComment.id",
        cascade="all, delete-orphan")

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def commented(self) -> bool:
        """A facilitator commented after the latest submission: it may be revised and sent
        again."""
        return (self.submitted_at is not None and bool(self.comments)
                and self.comments[-1].created_at >= self.submitted_at)

    @property
    def editable(self) -> bool:
        """Not sent yet, or sent and commented on since (the cohort being open is a
        permission: ``can_answer_task``)."""
        return not self.submitted or self.commented

    @property
    def unsent_draft(self) -> bool:
        """The draft holds text saved since the latest submission that was not sent."""
        if self.draft_saved_at is None or not self.draft.strip():
            return False
        return not self.submitted or (self.draft_saved_at > self.submitted_at
                                      and self.draft != self.submitted_text)


class TaskComment(db.Model):
    """A facilitator's comment on a submitted answer."""

    __tablename__ = "task_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("task_answers.id", ondelete="CASCADE"),
                                           index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    answer: Mapped[TaskAnswer] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()
