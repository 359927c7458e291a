"""The action plan workflow through the real pages: drafts, submission, revision rounds,
grading, concurrency, scope."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from leans.assessments.plans.models import PlanReview, PlanVersion
from leans.core.audit import AuditEvent
from leans.core.extensions import db
from tests.fixtures.plans import BEST, CAPPED, COMPLETE, MIXED


def test_draft_saves_without_required_fields_and_submit_names_every_gap(plan_people, post_plan,
                                                                        the_plan, logged_in):
    client = logged_in("peserta")
    assert post_plan(client, "k", {"title": "Baru judul"}).status_code == 302
    assert the_plan().draft["title"] == "Baru judul"
    response = post_plan(client, "k", {"title": "Baru judul", "problem": "Masalah"}, "submit")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Bukti: data apa, angka berapa masih kosong." in page
    assert "Indikator: isi paling sedikit satu baris." in page
    assert the_plan().draft["problem"] == "Masalah"  # kept although not submittable
    assert the_plan().state == "draft" and not the_plan().versions


def test_a_stale_tab_cannot_overwrite_newer_text(plan_people, post_plan, the_plan, logged_in):
    tab1 = logged_in("peserta")
    post_plan(tab1, "k", {"title": "Versi pertama"})
    stale_version = the_plan().draft_version
    post_plan(tab1, "k", {"title": "Versi lebih baru"})
    response = post_plan(tab1, "k", {"title": "Ketikan di tab lama"}, version=stale_version)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Versi draf yang lebih baru sudah tersimpan" in page
    assert "Ketikan di tab lama" in page  # typed text shown back to copy
    assert the_plan().draft["title"] == "Versi lebih baru"


def test_autosave_answers_json_and_refuses_stale_versions(plan_people, csrf_token, the_plan,
                                                          logged_in):
    client = logged_in("peserta")
    client.get("/learn/k/plan")
    token = csrf_token(client, "/learn/k/plan")
    ok = client.post("/learn/k/plan/autosave", data={"title": "Otomatis", "draft_version": "0",
                                                     "csrf_token": token})
    assert ok.status_code == 200 and ok.get_json()["draft_version"] == 1
    stale = client.post("/learn/k/plan/autosave", data={"title": "Lama", "draft_version": "0",
                                                        "csrf_token": token})
    assert stale.status_code == 409 and "lebih baru" in stale.get_json()["message"]
    assert the_plan().draft["title"] == "Otomatis"


def test_full_revision_round_with_diff_audit_and_completion(plan_people, post_plan, grade_form,
                                                            the_plan, submitted_plan, start_review,
                                                            logged_in):
    plan = submitted_plan()
    assert plan.state == "submitted" and [v.number for v in plan.versions] == [1]
    grader = start_review("fasil", plan)
    assert the_plan().state == "in_review"
    response = grade_form(plan.id, grader, the_plan().state_version, MIXED,
                          decision="request_revision", overall_comment="Perjelas baseline.")
    assert response.status_code == 302
    assert the_plan().state == "revision_requested"
    participant = logged_in("peserta")
    page = participant.get("/learn/k/plan").get_data(as_text=True)
    assert "Perjelas baseline." in page and "Komentar relevansi-data" in page
    revised = {**COMPLETE, "title": COMPLETE["title"] + " (revisi)"}
    assert post_plan(participant, "k", revised, "submit").status_code == 302
    plan = the_plan()
    assert plan.state == "resubmitted" and len(plan.versions) == 2
    screen = logged_in("fasil2").get(f"/grading/plans/{plan.id}").get_data(as_text=True)
    assert "<ins>(revisi)</ins>" in screen  # per-field diff between versions
    grader = start_review("fasil2", plan)
    grade_form(plan.id, grader, the_plan().state_version, MIXED, decision="approve",
               overall_comment="Siap dijalankan.")
    plan = the_plan()
    assert (plan.state, plan.score, plan.predicate) == ("approved", 85.75, "Memuaskan")
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["plan.submitted", "plan.review_started", "plan.request_revision",
                       "plan.submitted", "plan.review_started", "plan.approve"]
    # Approval meets the final module's action-plan rule.
    module = participant.get("/learn/k/menyusun-rencana-aksi/").get_data(as_text=True)
    assert "Dapatkan persetujuan rencana aksi" not in module


def test_two_graders_at_once_the_second_is_refused(plan_people, grade_form, the_plan,
                                                   submitted_plan, start_review, logged_in):
    plan = submitted_plan()
    first = start_review("fasil", plan)
    version = the_plan().state_version
    second = logged_in("fasil2")
    grade_form(plan.id, first, version, BEST, decision="approve", overall_comment="")
    response = grade_form(plan.id, second, version, MIXED, decision="request_revision",
                          overall_comment="Komentar saya yang panjang")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Orang lain mengubah rencana ini" in page
    assert "Komentar saya yang panjang" in page  # nothing typed is lost
    assert the_plan().state == "approved" and the_plan().score == 100.0
    assert db.session.scalar(select(func.count(PlanReview.id))) == 1


def test_a_second_start_of_review_is_refused(plan_people, post_form, the_plan, submitted_plan,
                                             start_review, logged_in):
    plan = submitted_plan()
    version = plan.state_version
    start_review("fasil", plan)
    other = logged_in("fasil2")
    post_form(other, f"/grading/plans/{plan.id}/start", {"state_version": version},
              token_page=f"/grading/plans/{plan.id}")
    assert the_plan().reviewer.username == "fasil"


def test_changing_a_released_grade_needs_a_reason(plan_people, grade_form, the_plan, submitted_plan,
                                                  start_review):
    plan = submitted_plan()
    grader = start_review("fasil", plan)
    grade_form(plan.id, grader, the_plan().state_version, BEST, decision="approve")
    refused = grade_form(plan.id, grader, the_plan().state_version, MIXED, reason="")
    assert refused.status_code == 409 and the_plan().score == 100.0
    grade_form(plan.id, grader, the_plan().state_version, MIXED,
               reason="Baseline ternyata dari data 2019.")
    assert (the_plan().score, the_plan().predicate) == (85.75, "Memuaskan")
    change = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "plan.grade_changed"))
    assert change.details["reason"] == "Baseline ternyata dari data 2019."
    assert change.details["old_score"] == 100.0 and change.details["score"] == 85.75
    assert "below_minimum" not in change.details


def test_a_criterion_below_its_minimum_caps_the_predicate_on_the_page_and_in_the_review(
        plan_people, grade_form, the_plan, submitted_plan, start_review, logged_in):
    plan = submitted_plan()
    grader = start_review("fasil", plan)
    response = grade_form(plan.id, grader, the_plan().state_version, CAPPED, decision="approve")
    assert response.status_code == 302
    # 95 is Sangat Memuaskan by score; Kurang on data protection caps it at Kurang Memuaskan.
    assert (the_plan().score, the_plan().predicate) == (95.0, "Kurang Memuaskan")
    approve = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "plan.approve"))
    assert approve.details["below_minimum"] == ["pelindungan-data"]
    assert approve.details["predicate_by_score"] == "Sangat Memuaskan"
    for client, url in ((grader, f"/grading/plans/{plan.id}"), (logged_in("peserta"),
                                                                 "/learn/k/plan")):
        page = client.get(url).get_data(as_text=True)
        review = page.index('class="card review"')
        warning = page[page.index('class="flash flash-warning">', review):]
        warning = warning[:warning.index("</p>")]
        assert "Pelindungan data pribadi" in warning and "Kurang Memuaskan" in warning, url
    # Raising the level lifts the cap: the grade change is scored like any other.
    grade_form(plan.id, grader, the_plan().state_version, BEST, reason="Kesepakatan data ada.")
    assert (the_plan().score, the_plan().predicate) == (100.0, "Sangat Memuaskan")


def test_the_grading_form_shows_each_minimum_and_the_cap(plan_people, submitted_plan,
                                                         start_review):
    plan = submitted_plan()
    page = start_review("fasil", plan).get(f"/grading/plans/{plan.id}").get_data(as_text=True)
    assert page.count("Cukup)</small></legend>") == len(BEST)  # "(bobot 15 · minimal Cukup)"
    assert "Kurang Memuaskan" in page[page.index('class="card rubric-form"'):]


def test_approve_needs_every_criterion(plan_people, grade_form, the_plan, submitted_plan,
                                       start_review):
    plan = submitted_plan()
    grader = start_review("fasil", plan)
    partial = {k: v for k, v in BEST.items() if k != "kelayakan"}
    response = grade_form(plan.id, grader, the_plan().state_version, partial, decision="approve")
    assert response.status_code == 409 and "Kelayakan" in response.get_data(as_text=True)
    assert the_plan().state == "in_review"


@pytest.mark.parametrize(("who", "status"), [
    ("fasil", 200), ("admin", 200), ("fasil_lain", 404), ("peserta", 403), ("lain", 403)])
def test_grading_scope(plan_people, who, status, submitted_plan, logged_in):
    plan = submitted_plan()
    assert logged_in(who).get(f"/grading/plans/{plan.id}").status_code == status


def test_a_participant_sees_only_their_own_plan(plan_people, submitted_plan, logged_in):
    submitted_plan()
    other = logged_in("lain")
    assert other.get("/learn/k/plan").status_code == 404  # not enrolled in k
    page = other.get("/learn/k2/plan").get_data(as_text=True)
    assert COMPLETE["title"] not in page
    assert other.get("/learn/k/plan/versions/1").status_code == 404
    assert db.session.scalar(select(func.count(PlanVersion.id))) == 1


def test_plan_text_is_never_executed(plan_people, post_plan, the_plan, logged_in):
    payload = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    client = logged_in("peserta")
    post_plan(client, "k", {**COMPLETE, "title": payload, "problem": payload,
                            "risks-0-risk": payload}, "submit")
    for page in (client.get("/learn/k/plan"),
                 logged_in("fasil").get(f"/grading/plans/{the_plan().id}")):
        html = page.get_data(as_text=True)
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_queue_lists_waiting_plans_oldest_first(plan_people, submitted_plan, logged_in):
    plan = submitted_plan()
    page = logged_in("fasil").get("/grading/").get_data(as_text=True)
    assert f"/grading/plans/{plan.id}" in page
    assert f"/grading/plans/{plan.id}" not in logged_in("fasil_lain").get(
        "/grading/").get_data(as_text=True)
    assert logged_in("peserta").get("/grading/").status_code == 403
