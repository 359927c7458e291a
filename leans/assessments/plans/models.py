"""Action plans: the editable draft, frozen versions, rubric reviews, and progress updates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Date,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from leans.assessments.plans.states import (
    AssessorRole,
    FollowUpStatus,
    MilestoneStatus,
    PlanAction,
    PlanState,
    SeminarStage,
    UpdateStatus,
)
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
    #: Full path: when and by whom the mentor endorsed the plan (once, before coach review).
    endorsed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    endorsed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Full path: the implementation report and the report seminar's grade.
    report: Mapped[dict | None] = mapped_column(JSON)
    report_submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    report_score: Mapped[float | None] = mapped_column(Float)
    report_predicate: Mapped[str | None] = mapped_column(String(64))
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    enrolment: Mapped[Enrolment] = relationship()
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
    endorsed_by: Mapped[User | None] = relationship(foreign_keys=[endorsed_by_id])
    seminars: Mapped[list[Seminar]] = relationship(
        back_populates="plan", order_by="Seminar.id", cascade="all, delete-orphan")
    milestone_reports: Mapped[list[MilestoneReport]] = relationship(
        back_populates="plan", order_by="MilestoneReport.id", cascade="all, delete-orphan")
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="plan", order_by="FollowUp.months", cascade="all, delete-orphan")
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
    #: ``request_revision``, ``approve`` or ``change_grade``; a mentor's ``endorse`` or
    #: ``mentor_return`` (no rubric: empty slug and levels, the comment in
    #: ``overall_comment``).
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


class Seminar(db.Model):
    """A design or report seminar of one plan: when and where, who sits on the panel, the
    combined grade, and the moderation when the two assessors differed too much."""

    __tablename__ = "seminars"
    __table_args__ = (UniqueConstraint("plan_id", "stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"))
    stage: Mapped[SeminarStage] = mapped_column(code_type(SeminarStage, 8))
    rubric_slug: Mapped[str] = mapped_column(String(64))
    #: The plan version scored at a design seminar.
    version_id: Mapped[int | None] = mapped_column(ForeignKey("plan_versions.id"))
    #: The schedule, shown to the participant, the mentor, the coach and the examiner.
    scheduled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200), default="")
    panel: Mapped[str] = mapped_column(String(500), default="")
    #: The weight of the examiner's score in percent, as configured when the seminar opened.
    examiner_weight: Mapped[int] = mapped_column(Integer)
    moderation_gap: Mapped[int] = mapped_column(Integer)
    #: The grade: levels per criterion after moderation, the score and the predicate.
    final_levels: Mapped[dict | None] = mapped_column(JSON)
    score: Mapped[float | None] = mapped_column(Float)
    predicate: Mapped[str | None] = mapped_column(String(64))
    #: Criteria the assessors differed on by more than the gap, and the examiner's resolution.
    disputed: Mapped[list | None] = mapped_column(JSON)
    moderation_reason: Mapped[str | None] = mapped_column(Text)
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    moderated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    plan: Mapped[ActionPlan] = relationship(back_populates="seminars")
    moderated_by: Mapped[User | None] = relationship()
    scores: Mapped[list[SeminarScore]] = relationship(
        back_populates="seminar", order_by="SeminarScore.id", cascade="all, delete-orphan")

    def score_of(self, role: AssessorRole) -> SeminarScore | None:
        return next((s for s in self.scores if s.assessor_role == role), None)

    @property
    def both_scored(self) -> bool:
        return all(self.score_of(role) is not None for role in AssessorRole)


class SeminarScore(db.Model):
    """One assessor's independent rubric scoring at a seminar; hidden from the other assessor
    until both are in."""

    __tablename__ = "seminar_scores"
    __table_args__ = (UniqueConstraint("seminar_id", "assessor_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seminar_id: Mapped[int] = mapped_column(ForeignKey("seminars.id", ondelete="CASCADE"))
    assessor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    assessor_role: Mapped[AssessorRole] = mapped_column(code_type(AssessorRole, 16))
    levels: Mapped[dict] = mapped_column(JSON, default=dict)
    comments: Mapped[dict] = mapped_column(JSON, default=dict)
    overall_comment: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[float] = mapped_column(Float)
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    seminar: Mapped[Seminar] = relationship(back_populates="scores")
    assessor: Mapped[User] = relationship()


class MilestoneReport(db.Model):
    """The participant's report that a milestone of the approved plan was carried out, with
    evidence; the mentor confirms it or returns it with a comment. A returned milestone is
    reported again as a new row: the newest row is the milestone's status."""

    __tablename__ = "milestone_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"),
                                         index=True)
    #: Position of the activity in the approved version, and its text at that time.
    activity_index: Mapped[int] = mapped_column(Integer)
    activity_label: Mapped[str] = mapped_column(String(300))
    status: Mapped[MilestoneStatus] = mapped_column(code_type(MilestoneStatus, 16))
    text: Mapped[str] = mapped_column(Text, default="")
    #: Links to evidence elsewhere (news, a village's page, a shared folder).
    links: Mapped[list] = mapped_column(JSON, default=list)
    reported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    plan: Mapped[ActionPlan] = relationship(back_populates="milestone_reports")
    reviewer: Mapped[User | None] = relationship()
    files: Mapped[list[EvidenceFile]] = relationship(
        back_populates="milestone_report", order_by="EvidenceFile.id",
        cascade="all, delete-orphan")


class EvidenceFile(db.Model):
    """A checked evidence file (an image re-encoded without metadata, or a PDF), stored in the
    database so that every app server can serve it."""

    __tablename__ = "evidence_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"),
                                         index=True)
    milestone_report_id: Mapped[int] = mapped_column(
        ForeignKey("milestone_reports.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    #: The bytes, loaded only when the file is downloaded.
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    milestone_report: Mapped[MilestoneReport] = relationship(back_populates="files")
    plan: Mapped[ActionPlan] = relationship()


class FollowUp(db.Model):
    """A check-in some months after the training on how the plan's later milestones move."""

    __tablename__ = "follow_ups"
    __table_args__ = (UniqueConstraint("plan_id", "months"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plans.id", ondelete="CASCADE"))
    months: Mapped[int] = mapped_column(Integer)
    status: Mapped[FollowUpStatus] = mapped_column(code_type(FollowUpStatus, 16))
    note: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    plan: Mapped[ActionPlan] = relationship(back_populates="follow_ups")
