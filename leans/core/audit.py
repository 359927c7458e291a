"""The audit trail: who did what, when and why. Append-only by construction.

Rows are only ever inserted; the ORM refuses to update or delete them, and no code path
offers either. Features record events with :func:`record` inside their own transaction, so an
action and its audit record are committed together or not at all.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from leans.core.extensions import UTCDateTime, db
from leans.core.models import User, utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: Who acted; ``None`` for the system (e.g. the command line).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: What happened, e.g. ``plan.submitted``, ``plan.approved``, ``plan.grade_changed``.
    action: Mapped[str] = mapped_column(String(64))
    #: What it happened to, e.g. ``action_plan`` 12.
    object_type: Mapped[str] = mapped_column(String(32))
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
    """Add an audit event to the current transaction (``at`` defaults to now)."""
    entry = AuditEvent(actor_id=actor.id if actor else None, action=action,
                       object_type=object_type, object_id=object_id, details=details,
                       at=at or utcnow())
    db.session.add(entry)
    return entry
