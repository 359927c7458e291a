"""The plan tracker: participants report on their approved plan; facilitators and admins see
stalled milestones, on the page and in the export."""

from __future__ import annotations

import datetime as dt

from tests.fixtures.plans import BEST


def test_tracker_updates_after_approval(plan_people, post_form, grade_form, the_plan,
                                        submitted_plan, start_review, logged_in):
    plan = submitted_plan()
    grader = start_review("fasil", plan)
    participant = logged_in("peserta")
    early = post_form(participant, "/learn/k/plan/updates",
                      {"activity_index": 0, "status": "done", "reported_on": "2027-01-01"},
                      token_page="/learn/k/plan")
    assert early.status_code == 404  # not approved yet
    grade_form(plan.id, grader, the_plan().state_version, BEST, decision="approve")
    today = dt.date.today().isoformat()
    response = post_form(participant, "/learn/k/plan/updates",
                         {"activity_index": 1, "status": "blocked", "note": "Benih terlambat",
                          "indicator_value": "0", "reported_on": today},
                         token_page="/learn/k/plan")
    assert response.status_code == 302
    future = post_form(participant, "/learn/k/plan/updates",
                       {"activity_index": 0, "status": "done", "reported_on": "2099-01-01"},
                       token_page="/learn/k/plan")
    assert future.status_code == 422
    tracker = logged_in("fasil").get("/grading/tracker").get_data(as_text=True)
    assert "Macet" in tracker and "Nganti" in tracker  # blocked milestone -> stalled
    export = logged_in("admin").get("/grading/tracker.csv").get_data().decode("utf-8-sig")
    assert export.splitlines()[0].startswith('"Angkatan","NIP","Nama","Unit","Desa sasaran",'
                                             '"Judul"')
    assert "Macet" in export
