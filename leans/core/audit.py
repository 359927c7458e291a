"""The audit trail: who did what, when and why. Append-only by construction.

Rows are only ever inserted; the ORM refuses to update or delete them, and no code path
offers either. Features record events with :func:`record` inside their own transaction, so an
action and its audit record are committed together or not at all.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Integer, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leans.core.extensions import UTCDateTime, code_type, db
from leans.core.labels import Labelled
from leans.core.models import User, utcnow


class AuditAction(Labelled):
    """What happened; recording an action not listed here fails (so every entry has a
    label on the audit page)."""

    PLAN_SUBMITTED = "plan.submitted"
    PLAN_REVIEW_STARTED = "plan.review_started"
    PLAN_REVISION_REQUESTED = "plan.request_revision"
    PLAN_APPROVED = "plan.approve"
    PLAN_GRADE_CHANGED = "plan.grade_changed"
    PLAN_ENDORSED = "plan.endorse"
    PLAN_MENTOR_RETURNED = "plan.mentor_return"
    PLAN_SENT_TO_SEMINAR = "plan.send_to_seminar"
    PLAN_REPORT_SUBMITTED = "plan.submit_report"
    SEMINAR_SCHEDULED = "seminar.scheduled"
    SEMINAR_SCORED = "seminar.scored"
    SEMINAR_MODERATION = "seminar.moderation"
    SEMINAR_RESOLVED = "seminar.resolved"
    SEMINAR_GRADED = "seminar.graded"
    MILESTONE_REPORTED = "milestone.reported"
    MILESTONE_CONFIRMED = "milestone.confirmed"
    MILESTONE_RETURNED = "milestone.returned"
    FOLLOW_UP_SUBMITTED = "follow_up.submitted"
    COHORT_EXAMINERS_CHANGED = "cohort.examiners_changed"
    MENTOR_LINKED = "enrolment.mentor_linked"
    CERTIFICATE_ISSUED = "certificate.issued"
    CERTIFICATE_REISSUED = "certificate.reissued"
    CERTIFICATE_REVOKED = "certificate.revoked"
    COHORT_CREATED = "cohort.created"
    COHORT_CHANGED = "cohort.changed"
    COHORT_CLOSED = "cohort.closed"
    COHORT_REOPENED = "cohort.reopened"
    ENROLLED = "enrolment.enrol"
    UNENROLLED = "enrolment.unenrol"
    USER_CREATED = "user.created"
    USER_DEACTIVATED = "user.deactivated"
    USER_REACTIVATED = "user.reactivated"
    USER_NIP_CHANGED = "user.nip_changed"
    USER_PASSWORD_RESET = "user.password_reset"  # noqa: S105 - an event name
    USER_ROLES_CHANGED = "user.roles_changed"
    USER_UNLOCKED = "user.unlocked"
    USERS_IMPORTED = "users.imported"


class AuditObject(Labelled):
    """What an audit entry is about."""

    ACTION_PLAN = "action_plan"
    SEMINAR = "seminar"
    MILESTONE = "milestone"
    CERTIFICATE = "certificate"
    COHORT = "cohort"
    ENROLMENT = "enrolment"
    USER = "user"


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: Who acted; ``None`` for the system (e.g. the command line).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: What happened, e.g. ``plan.submitted``, ``plan.approve``, ``plan.grade_changed``.
    action: Mapped[AuditAction] = mapped_column(code_type(AuditAction, 64))
    #: What it happened to, e.g. ``action_plan`` 12.
    object_type: Mapped[AuditObject] = mapped_column(code_type(AuditObject, 32))
    object_id: Mapped[int] = mapped_column(Integer)
    #: Details: the reason given, the version, the old and new grade, ...
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


class AppendOnlyError(RuntimeError):
    pass


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _refuse_change(mapper, connection, target) -> None:
    raise AppendOnlyError("audit records are append-only")


def record(actor: User | None, action: str, object_type: str, object_id: int,
           at: dt.datetime | None = None, **details: object) -> AuditEvent:
    """Add an audit event to the current transaction (``at`` defaults to now). ``action`` and
    ``object_type`` must be :class:`AuditAction` and :class:`AuditObject` values."""
    entry = AuditEvent(actor_id=actor.id if actor else None, action=AuditAction(action),
                       object_type=AuditObject(object_type), object_id=object_id, details=details,
                       at=at or utcnow())
    db.session.add(entry)
    return entry
