"""The audit trail page: for admins only."""

from __future__ import annotations


def test_audit_page_is_for_admins(plan_people, submitted_plan, logged_in):
    submitted_plan()
    assert "plan.submitted" in logged_in("admin").get("/audit").get_data(as_text=True)
    assert logged_in("fasil").get("/audit").status_code == 403
