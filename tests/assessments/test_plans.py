"""The action plan workflow through the real pages: drafts, submission, revision rounds,
grading, concurrency, audit, scope, tracker."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import AuthActions, csrf_token, post_form
from plankit import COMPLETE, grade_form, post_plan
from sqlalchemy import func, select

from leans.assessments.plans.models import ActionPlan, PlanReview, PlanVersion
from leans.core.audit import AppendOnlyError, AuditEvent
from leans.core.extensions import db
from leans.core.models import Role

BEST = {"relevansi-data": 4, "kolaborasi-lintas-sektor": 4, "hasil-terukur": 4, "kelayakan": 4,
        "keberlanjutan": 4}
MIXED = {**BEST, "relevansi-data": 2, "keberlanjutan": 3}  # 83.75 -> Memuaskan


@pytest.fixture
def people(app, make_user, make_cohort):
    users = {"peserta": make_user(username="peserta", full_name="Peserta Satu"),
             "lain": make_user(username="lain"),
             "fasil": make_user({Role.FACILITATOR}, username="fasil", full_name="Fasil Satu"),
             "fasil2": make_user({Role.FACILITATOR}, username="fasil2"),
             "fasil_lain": make_user({Role.FACILITATOR}, username="fasil_lain"),
             "admin": make_user({Role.ADMIN}, username="admin")}
    make_cohort("k", modules=["menyusun-rencana-aksi"], participants=[users["peserta"]],
                facilitators=[users["fasil"], users["fasil2"]])
    make_cohort("k2", participants=[users["lain"]], facilitators=[users["fasil_lain"]])
    return users


def login(app, name: str):
    client = app.test_client()
    AuthActions(client).login(name)
    return client


def the_plan() -> ActionPlan:
    db.session.expire_all()
    return db.session.scalar(select(ActionPlan))


def submitted_plan(app) -> ActionPlan:
    client = login(app, "peserta")
    assert post_plan(client, "k", COMPLETE, "submit").status_code == 302
    return the_plan()


def start(app, grader: str, plan: ActionPlan):
    client = login(app, grader)
    post_form(client, f"/grading/plans/{plan.id}/start", {"state_version": plan.state_version},
              token_page=f"/grading/plans/{plan.id}")
    return client


def test_draft_saves_without_required_fields_and_submit_names_every_gap(app, people):
    client = login(app, "peserta")
    assert post_plan(client, "k", {"title": "Baru judul"}).status_code == 302
    assert the_plan().draft["title"] == "Baru judul"
    response = post_plan(client, "k", {"title": "Baru judul", "problem": "Masalah"}, "submit")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Bukti: data apa, angka berapa masih kosong." in page
    assert "Indikator: isi paling sedikit satu baris." in page
    assert the_plan().draft["problem"] == "Masalah"  # kept although not submittable
    assert the_plan().state == "draft" and not the_plan().versions


def test_a_stale_tab_cannot_overwrite_newer_text(app, people):
    tab1 = login(app, "peserta")
    post_plan(tab1, "k", {"title": "Versi pertama"})
    stale_version = the_plan().draft_version
    post_plan(tab1, "k", {"title": "Versi lebih baru"})
    response = post_plan(tab1, "k", {"title": "Ketikan di tab lama"}, version=stale_version)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Versi draf yang lebih baru sudah tersimpan" in page
    assert "Ketikan di tab lama" in page  # typed text shown back to copy
    assert the_plan().draft["title"] == "Versi lebih baru"


def test_autosave_answers_json_and_refuses_stale_versions(app, people):
    client = login(app, "peserta")
    client.get("/learn/k/plan")
    token = csrf_token(client, "/learn/k/plan")
    ok = client.post("/learn/k/plan/autosave", data={"title": "Otomatis", "draft_version": "0",
                                                     "csrf_token": token})
    assert ok.status_code == 200 and ok.get_json()["draft_version"] == 1
    stale = client.post("/learn/k/plan/autosave", data={"title": "Lama", "draft_version": "0",
                                                        "csrf_token": token})
    assert stale.status_code == 409 and "lebih baru" in stale.get_json()["message"]
    assert the_plan().draft["title"] == "Otomatis"


def test_full_revision_round_with_diff_audit_and_completion(app, people):
    plan = submitted_plan(app)
    assert plan.state == "submitted" and [v.number for v in plan.versions] == [1]
    grader = start(app, "fasil", plan)
    assert the_plan().state == "in_review"
    response = grade_form(plan.id, grader, the_plan().state_version, MIXED,
                          decision="request_revision", overall_comment="Perjelas baseline.")
    assert response.status_code == 302
    assert the_plan().state == "revision_requested"
    participant = login(app, "peserta")
    page = participant.get("/learn/k/plan").get_data(as_text=True)
    assert "Perjelas baseline." in page and "Komentar relevansi-data" in page
    revised = {**COMPLETE, "title": COMPLETE["title"] + " (revisi)"}
    assert post_plan(participant, "k", revised, "submit").status_code == 302
    plan = the_plan()
    assert plan.state == "resubmitted" and len(plan.versions) == 2
    screen = login(app, "fasil2").get(f"/grading/plans/{plan.id}").get_data(as_text=True)
    assert "<ins>(revisi)</ins>" in screen  # per-field diff between versions
    grader = start(app, "fasil2", plan)
    grade_form(plan.id, grader, the_plan().state_version, MIXED, decision="approve",
               overall_comment="Siap dijalankan.")
    plan = the_plan()
    assert (plan.state, plan.score, plan.predicate) == ("approved", 83.75, "Memuaskan")
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["plan.submitted", "plan.review_started", "plan.request_revision",
                       "plan.submitted", "plan.review_started", "plan.approve"]
    # Approval meets the final module's action-plan rule.
    module = participant.get("/learn/k/menyusun-rencana-aksi/").get_data(as_text=True)
    assert "Dapatkan persetujuan rencana aksi" not in module


def test_two_graders_at_once_the_second_is_refused(app, people):
    plan = submitted_plan(app)
    first = start(app, "fasil", plan)
    version = the_plan().state_version
    second = login(app, "fasil2")
    grade_form(plan.id, first, version, BEST, decision="approve", overall_comment="")
    response = grade_form(plan.id, second, version, MIXED, decision="request_revision",
                          overall_comment="Komentar saya yang panjang")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Orang lain mengubah rencana ini" in page
    assert "Komentar saya yang panjang" in page  # nothing typed is lost
    assert the_plan().state == "approved" and the_plan().score == 100.0
    assert db.session.scalar(select(func.count(PlanReview.id))) == 1


def test_a_second_start_of_review_is_refused(app, people):
    plan = submitted_plan(app)
    version = plan.state_version
    start(app, "fasil", plan)
    other = login(app, "fasil2")
    post_form(other, f"/grading/plans/{plan.id}/start", {"state_version": version},
              token_page=f"/grading/plans/{plan.id}")
    assert the_plan().reviewer.username == "fasil"


def test_changing_a_released_grade_needs_a_reason(app, people):
    plan = submitted_plan(app)
    grader = start(app, "fasil", plan)
    grade_form(plan.id, grader, the_plan().state_version, BEST, decision="approve")
    refused = grade_form(plan.id, grader, the_plan().state_version, MIXED, reason="")
    assert refused.status_code == 409 and the_plan().score == 100.0
    grade_form(plan.id, grader, the_plan().state_version, MIXED,
               reason="Baseline ternyata dari data 2019.")
    assert (the_plan().score, the_plan().predicate) == (83.75, "Memuaskan")
    change = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "plan.grade_changed"))
    assert change.details["reason"] == "Baseline ternyata dari data 2019."
    assert change.details["old_score"] == 100.0 and change.details["score"] == 83.75


def test_approve_needs_every_criterion(app, people):
    plan = submitted_plan(app)
    grader = start(app, "fasil", plan)
    partial = {k: v for k, v in BEST.items() if k != "kelayakan"}
    response = grade_form(plan.id, grader, the_plan().state_version, partial, decision="approve")
    assert response.status_code == 409 and "Kelayakan" in response.get_data(as_text=True)
    assert the_plan().state == "in_review"


def test_audit_records_are_append_only(app, people):
    submitted_plan(app)
    event = db.session.scalar(select(AuditEvent))
    event.action = "plan.approve"
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.scalar(select(AuditEvent)))
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize(("who", "status"), [
    ("fasil", 200), ("admin", 200), ("fasil_lain", 404), ("peserta", 403), ("lain", 403)])
def test_grading_scope(app, people, who, status):
    plan = submitted_plan(app)
    assert login(app, who).get(f"/grading/plans/{plan.id}").status_code == status


def test_a_participant_sees_only_their_own_plan(app, people):
    submitted_plan(app)
    other = login(app, "lain")
    assert other.get("/learn/k/plan").status_code == 404  # not enrolled in k
    page = other.get("/learn/k2/plan").get_data(as_text=True)
    assert COMPLETE["title"] not in page
    assert other.get("/learn/k/plan/versions/1").status_code == 404
    assert db.session.scalar(select(func.count(PlanVersion.id))) == 1


def test_plan_text_is_never_executed(app, people):
    payload = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    client = login(app, "peserta")
    post_plan(client, "k", {**COMPLETE, "title": payload, "problem": payload,
                            "risks-0-risk": payload}, "submit")
    for page in (client.get("/learn/k/plan"),
                 login(app, "fasil").get(f"/grading/plans/{the_plan().id}")):
        html = page.get_data(as_text=True)
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_tracker_updates_after_approval(app, people):
    plan = submitted_plan(app)
    grader = start(app, "fasil", plan)
    participant = login(app, "peserta")
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
    tracker = login(app, "fasil").get("/grading/tracker").get_data(as_text=True)
    assert "Macet" in tracker and "Nganti" in tracker  # blocked milestone -> stalled
    export = login(app, "admin").get("/grading/tracker.csv").get_data().decode("utf-8-sig")
    assert export.splitlines()[0].startswith("Angkatan,NIP,Nama,Unit,Desa sasaran,Judul")
    assert "macet" in export


def test_queue_lists_waiting_plans_oldest_first(app, people):
    plan = submitted_plan(app)
    page = login(app, "fasil").get("/grading/").get_data(as_text=True)
    assert f"/grading/plans/{plan.id}" in page
    assert f"/grading/plans/{plan.id}" not in login(app, "fasil_lain").get(
        "/grading/").get_data(as_text=True)
    assert login(app, "peserta").get("/grading/").status_code == 403


def test_audit_page_is_for_admins(app, people):
    submitted_plan(app)
    assert "plan.submitted" in login(app, "admin").get("/audit").get_data(as_text=True)
    assert login(app, "fasil").get("/audit").status_code == 403
