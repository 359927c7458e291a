"""Action plans: the editable draft, frozen versions, rubric reviews, and progress updates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leans.assessments.plans.states import PlanAction, PlanState, UpdateStatus
from leans.core.extensions import UTCDateTime, code_type, db
from leans.core.models import Enrolment, User, utcnow


class ActionPlan(db.Model):
    __tablename__ = "action_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: One plan per participant per cohort.
    enrolment_id: Mapped[int] = mapped_column(
        ForeignKey("enrolments.id", ondelete="CASCADE"), unique=True)
    state: Mapped[PlanState] = mapped_column(code_type(PlanState, 24), default=PlanState.DRAFT)
    #: Raised by every state change and grade: a grader's form from before is refused.
    state_version: Mapped[int] = mapped_column(Integer, default=1)
    #: The participant's working copy, and its version for optimistic concurrency.
    draft: Mapped[dict] = mapped_column(JSON, default=dict)
    draft_version: Mapped[int] = mapped_column(Integer, default=0)
    draft_saved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Who is reviewing, since when.
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: The released grade (0-100) and qualification predicate, once approved.
    score: Mapped[float | None] = mapped_column(Float)
    predicate: Mapped[str | None] = mapped_column(String(64))
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    enrolment: Mapped[Enrolment] = relationship()
    reviewer: Mapped[User | None] = relationship()
    versions: Mapped[list[PlanVersion]] = relationship(
        back_populates="plan", order_by="PlanVersion.number", cascade="all, delete-orphan")
    reviews: Mapped[list[PlanReview]] = relationship(
        back_populates="plan", order_by="PlanReview.id", cascade="all, delete-orphan")
    updates: Mapped[list[PlanUpdate]] = relationship(
        back_populates="plan", order_by="PlanUpdate.reported_on.desc(), PlanUpdate.id.desc()",
        cascade="all, delete-orphan")

    @property
    def latest_version(self) -> PlanVersion | None:
        return self.versions[-1] if self.versions else None


class PlanVersion(db.Model):
    """A submitted, frozen copy of the plan."""

    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict] = mapped_column(JSON)
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    plan: Mapped[ActionPlan] = relationship(back_populates="versions")


class PlanReview(db.Model):
    """A facilitator's rubric grading of one version, or a later change of a released grade."""

    __tablename__ = "plan_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"),
                                         index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id", ondelete="CASCADE"))
    grader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: ``request_revision``, ``approve`` or ``change_grade``.
    decision: Mapped[PlanAction] = mapped_column(code_type(PlanAction, 24))
    rubric_slug: Mapped[str] = mapped_column(String(64))
    #: Points per criterion id, and a comment per criterion id.
    levels: Mapped[dict] = mapped_column(JSON, default=dict)
    comments: Mapped[dict] = mapped_column(JSON, default=dict)
    overall_comment: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float | None] = mapped_column(Float)
    predicate: Mapped[str | None] = mapped_column(String(64))
    #: Why a released grade was changed.
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    plan: Mapped[ActionPlan] = relationship(back_populates="reviews")
    version: Mapped[PlanVersion] = relationship()
    grader: Mapped[User] = relationship()


class PlanUpdate(db.Model):
    """A dated progress report on one milestone of an approved plan."""

    __tablename__ = "plan_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"),
                                         index=True)
    #: Position of the activity in the approved version, and its text at that time.
    activity_index: Mapped[int] = mapped_column(Integer)
    activity_label: Mapped[str] = mapped_column(String(300))
    status: Mapped[UpdateStatus] = mapped_column(code_type(UpdateStatus, 16))
    note: Mapped[str] = mapped_column(Text, default="")
    indicator_value: Mapped[str] = mapped_column(String(100), default="")
    reported_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    plan: Mapped[ActionPlan] = relationship(back_populates="updates")
