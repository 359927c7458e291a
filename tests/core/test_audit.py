"""The audit log is append-only: recorded events can be neither changed nor deleted."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from leans.core.audit import AppendOnlyError, AuditEvent
from leans.core.extensions import db


def test_audit_records_are_append_only(plan_people, submitted_plan):
    submitted_plan()
    event = db.session.scalar(select(AuditEvent))
    event.action = "plan.approve"
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.scalar(select(AuditEvent)))
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
