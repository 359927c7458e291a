"""The audit trail page: for admins only, in words rather than codes."""

from __future__ import annotations

import pytest

from leans.core.audit import AuditEvent, record
from leans.core.extensions import db
from tests.fixtures.web import visible_text


def test_audit_page_is_for_admins(plan_people, submitted_plan, logged_in):
    submitted_plan()
    admin = logged_in("admin")
    page = visible_text(admin.get("/audit").get_data(as_text=True))
    assert "Rencana diajukan" in page and "Rencana aksi" in page
    assert "plan.submitted" not in page and "action_plan" not in page
    assert "Rencana diajukan" in admin.get("/audit?type=action_plan").get_data(as_text=True)
    assert "Rencana diajukan" not in admin.get("/audit?type=user").get_data(as_text=True)
    assert admin.get("/audit?type=bukan-jenis&id=99999999999999999999").status_code == 200
    assert logged_in("fasil").get("/audit").status_code == 403


def test_only_listed_actions_can_be_recorded(app):
    with pytest.raises(ValueError):
        record(None, "plan.deleted", "action_plan", 1)
    with pytest.raises(ValueError):
        record(None, "plan.submitted", "rencana", 1)
    assert db.session.query(AuditEvent).count() == 0
