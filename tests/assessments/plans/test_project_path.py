"""The change project's full path through its pages: the mentor's endorsement, sending to the
design seminar, the schedule, blind scoring by the examiner and the coach, weights,
moderation, the implementation report and the report seminar; and the rules as plain
functions (transitions, combining two assessors)."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from leans.assessments.plans.access import plan_rubric
from leans.assessments.plans.models import ActionPlan
from leans.assessments.plans.scoring import combine, parse_thresholds
from leans.assessments.plans.states import (
    COMMON,
    FULL_ONLY,
    LIGHT_ONLY,
    PlanAction,
    PlanState,
    TransitionError,
    next_state,
)
from leans.certificates.eligibility import eligibility
from leans.core.audit import AuditEvent
from leans.core.extensions import db
from leans.core.notifications import Notification
from tests.fixtures.plans import BEST, COMPLETE, CRITERIA, MIXED
from tests.fixtures.web import fetch_csrf_token, post_with_csrf

THRESHOLDS = parse_thresholds("Sangat Memuaskan>90;Memuaskan>80;Cukup Memuaskan>70;"
                              "Kurang Memuaskan>60;Tidak Memuaskan>=0")


# The rules as plain functions ----------------------------------------------------------------
@pytest.mark.parametrize("state,action", list(itertools.product(PlanState, PlanAction)))
def test_every_transition_is_allowed_or_refused_per_path(state, action):
    for full, table in ((False, {**COMMON, **LIGHT_ONLY}), (True, {**COMMON, **FULL_ONLY})):
        if (state, action) in table:
            assert next_state(state, action, full) is table[(state, action)]
        else:
            with pytest.raises(TransitionError):
                next_state(state, action, full)


def test_the_paths_differ_where_they_should():
    assert next_state(PlanState.IN_REVIEW, PlanAction.APPROVE, False) is PlanState.APPROVED
    with pytest.raises(TransitionError):
        next_state(PlanState.IN_REVIEW, PlanAction.APPROVE, True)
    with pytest.raises(TransitionError):
        next_state(PlanState.IN_REVIEW, PlanAction.SEND_TO_SEMINAR, False)
    assert next_state(PlanState.DESIGN_MODERATION, PlanAction.RESOLVE, True) \
        is PlanState.APPROVED
    assert next_state(PlanState.REPORT_MODERATION, PlanAction.RESOLVE, True) \
        is PlanState.COMPLETED


def test_two_assessors_combine_with_weights_and_moderate_beyond_the_gap(app):
    with app.app_context():
        rubric = plan_rubric()
        # Same levels: the grade is the rubric's, whatever the weights.
        same = combine(rubric, BEST, BEST, examiner_weight=60, gap=1, thresholds=THRESHOLDS)
        assert same.disputed == () and same.grade.score == 100
        # One level apart everywhere (4 vs 3) is within a gap of 1: 60% of 100 + 40% of 85.
        baik = dict.fromkeys(CRITERIA, 3)
        near = combine(rubric, BEST, baik, examiner_weight=60, gap=1, thresholds=THRESHOLDS)
        assert near.disputed == () and near.grade.score == 94.0
        assert near.grade.predicate == "Sangat Memuaskan"
        weights_flipped = combine(rubric, BEST, baik, examiner_weight=40, gap=1,
                                  thresholds=THRESHOLDS)
        assert weights_flipped.grade.score == 91.0
        only_examiner = combine(rubric, BEST, baik, examiner_weight=100, gap=1,
                                thresholds=THRESHOLDS)
        assert only_examiner.grade.score == 100
        # Two levels apart (4 vs 2) on one criterion is beyond a gap of 1, not of 2.
        far = {**BEST, "inovasi": 2}
        disputed = combine(rubric, BEST, far, examiner_weight=50, gap=1, thresholds=THRESHOLDS)
        assert disputed.disputed == ("inovasi",) and disputed.grade is None
        assert combine(rubric, BEST, far, examiner_weight=50, gap=2,
                       thresholds=THRESHOLDS).disputed == ()
        # The examiner settles it at Baik: that criterion counts at 85 for both.
        settled = combine(rubric, BEST, far, examiner_weight=50, gap=1, thresholds=THRESHOLDS,
                          resolved={"inovasi": 3})
        assert settled.grade.score == 98.5
        # A criterion whose combined score falls below its minimum caps the predicate.
        low = {**BEST, "pelindungan-data": 1}
        capped = combine(rubric, BEST, low, examiner_weight=50, gap=3, thresholds=THRESHOLDS)
        assert capped.grade.below_minimum == ("pelindungan-data",)
        assert capped.grade.predicate == "Kurang Memuaskan"


def test_certificates_wait_for_the_report_only_where_the_cohort_asks():
    assert eligibility([], "completed", report_required=True).reasons == ()
    assert eligibility([], "approved", report_required=True).reasons == (
        ("", ("report_missing",)),)
    assert eligibility([], "report_seminar", report_required=True).reasons == (
        ("", ("report_seminar",)),)
    assert eligibility([], "report_seminar").reasons == ()
    assert eligibility([], "design_seminar").reasons == (("", ("design_seminar",)),)


# Through the pages ---------------------------------------------------------------------------
def _plan() -> ActionPlan:
    db.session.expire_all()
    return db.session.scalar(select(ActionPlan).order_by(ActionPlan.id))


def _submit(client):
    page = client.get("/learn/pk/plan").get_data(as_text=True)
    version = page.split('name="draft_version" type="hidden" value="')[1].split('"')[0]
    return client.post("/learn/pk/plan", data={
        **COMPLETE, "action": "submit", "draft_version": version,
        "csrf_token": fetch_csrf_token(client, "/learn/pk/plan")})


def _kinds(username: str) -> list[str]:
    from leans.core.models import User
    user = db.session.scalar(select(User).where(User.username == username))
    return [str(n.kind) for n in db.session.scalars(
        select(Notification).where(Notification.user_id == user.id))]


def _endorse(client, plan, decision, comment=""):
    return post_with_csrf(client, f"/project/plans/{plan.id}/endorsement",
                          {"decision": decision, "comment": comment,
                           "state_version": plan.state_version},
                          token_page=f"/project/plans/{plan.id}")


def test_the_mentor_endorses_or_returns_before_the_coaches_review(project_people, logged_in):
    participant = logged_in("peserta")
    assert _submit(participant).status_code == 302
    plan = _plan()
    assert plan.state == PlanState.AWAITING_ENDORSEMENT
    assert "endorsement_requested" in _kinds("mentor")
    assert "plan_submitted" not in _kinds("coach")
    # Another participant's mentor, an examiner and the coaches may not endorse.
    assert logged_in("mentor2").get(f"/project/plans/{plan.id}").status_code == 404
    assert _endorse(logged_in("coach"), plan, "endorse").status_code == 403
    mentor = logged_in("mentor")
    page = mentor.get(f"/project/plans/{plan.id}").get_data(as_text=True)
    assert COMPLETE["title"] in page and "endorsement" in page
    # Returning needs a comment; nothing changes without one.
    refused = _endorse(mentor, plan, "return")
    assert refused.status_code == 422 and _plan().state == PlanState.AWAITING_ENDORSEMENT
    assert _endorse(mentor, _plan(), "return", "Sasaran belum sejalan dengan renstra.") \
        .status_code == 302
    assert _plan().state == PlanState.REVISION_REQUESTED
    assert "revision_requested" in _kinds("peserta")
    # Resubmitted, it goes to the mentor again; endorsed, to the coaches.
    assert _submit(participant).status_code == 302
    assert _plan().state == PlanState.AWAITING_ENDORSEMENT
    assert _endorse(mentor, _plan(), "endorse", "Sesuai.").status_code == 302
    plan = _plan()
    assert plan.state == PlanState.SUBMITTED
    assert plan.endorsed_by.username == "mentor"
    assert {"plan_submitted", "plan_resubmitted"} & set(_kinds("coach"))
    actions = {str(a) for a in db.session.scalars(select(AuditEvent.action))}
    assert {"plan.endorse", "plan.mentor_return"} <= actions


def test_a_stale_endorsement_form_is_refused(plan_at, logged_in):
    plan = plan_at(PlanState.AWAITING_ENDORSEMENT)
    mentor = logged_in("mentor")
    stale = plan.state_version - 1
    response = post_with_csrf(mentor, f"/project/plans/{plan.id}/endorsement",
                              {"decision": "endorse", "state_version": stale},
                              token_page=f"/project/plans/{plan.id}")
    assert response.status_code == 422
    assert _plan().state == PlanState.AWAITING_ENDORSEMENT


def test_on_the_full_path_the_coach_sends_to_the_seminar_instead_of_approving(
        plan_at, logged_in, grade_form):
    plan = plan_at(PlanState.IN_REVIEW)
    coach = logged_in("coach")
    page = coach.get(f"/grading/plans/{plan.id}").get_data(as_text=True)
    assert f"/project/plans/{plan.id}/send-to-seminar" in page
    refused = grade_form(plan.id, coach, plan.state_version, BEST, decision="approve")
    assert refused.status_code == 409 and _plan().state == PlanState.IN_REVIEW
    sent = post_with_csrf(coach, f"/project/plans/{plan.id}/send-to-seminar",
                          {"state_version": plan.state_version, "comment": "Siap diuji."},
                          token_page=f"/grading/plans/{plan.id}")
    assert sent.status_code == 302
    assert _plan().state == PlanState.DESIGN_SEMINAR
    assert "seminar_ready" in _kinds("penguji") and "seminar_ready" in _kinds("coach2")


def _score(client, plan, levels, stage="design", comment=""):
    data = {f"level-{cid}": str(points) for cid, points in levels.items()}
    data.update({"overall_comment": comment, "state_version": _plan().state_version})
    return post_with_csrf(client, f"/project/plans/{plan.id}/seminars/{stage}/score", data,
                          token_page=f"/project/plans/{plan.id}/seminars/{stage}")


def test_the_seminar_is_scheduled_and_everyone_around_the_participant_told(plan_at, logged_in):
    plan = plan_at(PlanState.DESIGN_SEMINAR)
    url = f"/project/plans/{plan.id}/seminars/design"
    coach = logged_in("coach")
    bad = post_with_csrf(coach, url + "/schedule", {"day": "2026-12-03", "time": "25:00",
                                                    "place": "Aula BKPP"}, token_page=url)
    assert bad.status_code == 400 and "JJ:MM" in bad.get_data(as_text=True)
    assert post_with_csrf(logged_in("mentor"), url + "/schedule",
                          {"day": "2026-12-03", "time": "09:30", "place": "Aula"},
                          token_page=url).status_code == 403
    done = post_with_csrf(coach, url + "/schedule", {
        "day": "2026-12-03", "time": "09:30", "place": "Aula BKPP lantai 2",
        "panel": "Prof. Penguji (penguji), Dr. Coach Satu (coach)"}, token_page=url)
    assert done.status_code == 302
    for who in ("peserta", "mentor", "penguji"):
        assert "seminar_scheduled" in _kinds(who)
        page = logged_in(who).get(url if who != "peserta" else "/learn/pk/plan")
        assert "Aula BKPP lantai 2" in page.get_data(as_text=True)
    seminar = _plan().seminars[0]
    assert seminar.scheduled_at.hour == 2 and seminar.scheduled_at.minute == 30  # 09:30 WIB


def test_scoring_is_blind_until_both_are_in_then_combined_with_the_weights(
        plan_at, logged_in):
    plan = plan_at(PlanState.DESIGN_SEMINAR)
    url = f"/project/plans/{plan.id}/seminars/design"
    examiner, coach, participant = logged_in("penguji"), logged_in("coach"), logged_in("peserta")
    assert _score(examiner, plan, BEST, comment="Catatan rahasia penguji").status_code == 302
    # Neither the coach, nor the participant, nor the mentor sees the examiner's score.
    for client in (coach, logged_in("mentor"), logged_in("admin")):
        page = client.get(url).get_data(as_text=True)
        assert "Catatan rahasia penguji" not in page and "100,00" not in page
    assert examiner.get(url).get_data(as_text=True).count("Catatan rahasia penguji") == 1
    # The examiner cannot score twice, nor the coach's second form from before.
    assert _score(examiner, plan, MIXED).status_code == 409
    assert _score(coach, plan, {**BEST, **dict.fromkeys(CRITERIA[:5], 3)},
                  comment="Catatan coach").status_code == 302
    plan = _plan()
    assert plan.state == PlanState.APPROVED
    # Criteria 1-5 weigh 15+10+10+15+10 = 60: the coach's score is 0.6*85 + 0.4*100 = 91.
    assert plan.score == round(0.6 * 100 + 0.4 * 91, 2)
    assert "plan_approved" in _kinds("peserta")
    page = coach.get(url).get_data(as_text=True)
    assert "Catatan rahasia penguji" in page and "Catatan coach" in page
    assert "Catatan rahasia penguji" in participant.get(url).get_data(as_text=True)
    actions = [str(a) for a in db.session.scalars(select(AuditEvent.action))]
    assert actions.count("seminar.scored") == 2 and "seminar.graded" in actions


def test_the_same_person_cannot_score_as_both_assessors(plan_at, logged_in, project_people):
    from leans.core.models import CohortExaminer, Role
    coach = project_people["coach"]
    coach.set_roles(coach.roles | {Role.EXAMINER})
    plan = plan_at(PlanState.DESIGN_SEMINAR)
    db.session.add(CohortExaminer(cohort_id=plan.enrolment.cohort_id, user_id=coach.id))
    db.session.commit()
    client = logged_in("coach")
    assert _score(client, plan, BEST).status_code == 302
    assert _score(client, plan, BEST).status_code == 409
    assert len(_plan().seminars[0].scores) == 1


def test_scores_apart_go_to_moderation_and_the_examiner_settles_with_a_reason(
        plan_at, logged_in):
    plan = plan_at(PlanState.DESIGN_SEMINAR)
    url = f"/project/plans/{plan.id}/seminars/design"
    examiner, coach = logged_in("penguji"), logged_in("coach")
    _score(examiner, plan, BEST)
    _score(coach, plan, {**BEST, "inovasi": 2, "inklusi": 1})
    plan = _plan()
    assert plan.state == PlanState.DESIGN_MODERATION
    assert [d["criterion"] for d in plan.seminars[0].disputed] == ["inovasi", "inklusi"]
    assert "moderation_needed" in _kinds("penguji")
    # Only the examiner settles; a reason and every disputed criterion are needed.
    assert post_with_csrf(coach, url + "/moderation", {"level-inovasi": "3", "level-inklusi": "3",
                          "reason": "x", "state_version": plan.state_version},
                          token_page=url).status_code == 403
    no_reason = post_with_csrf(examiner, url + "/moderation", {
        "level-inovasi": "3", "level-inklusi": "3", "reason": "",
        "state_version": plan.state_version}, token_page=url)
    assert no_reason.status_code == 400
    one_missing = post_with_csrf(examiner, url + "/moderation", {
        "level-inovasi": "3", "reason": "Dibahas bersama coach.",
        "state_version": plan.state_version}, token_page=url)
    assert one_missing.status_code == 409 and _plan().state == PlanState.DESIGN_MODERATION
    settled = post_with_csrf(examiner, url + "/moderation", {
        "level-inovasi": "3", "level-inklusi": "4",
        "reason": "Bukti inklusi dipaparkan di seminar; inovasi cukup baru di desa.",
        "state_version": plan.state_version}, token_page=url)
    assert settled.status_code == 302
    plan = _plan()
    assert plan.state == PlanState.APPROVED and plan.seminars[0].moderation_reason
    # inovasi (weight 10) settled at 85, inklusi (10) at 100, the rest 100 from both.
    assert plan.score == 98.5
    assert "Bukti inklusi" in logged_in("peserta").get(url).get_data(as_text=True)
    assert "seminar.resolved" in {str(a) for a in db.session.scalars(select(AuditEvent.action))}


def test_the_report_goes_to_the_report_seminar_and_completes_the_project(
        plan_at, logged_in):
    plan = plan_at(PlanState.APPROVED)
    participant = logged_in("peserta")
    form = participant.get("/learn/pk/plan/report")
    assert form.status_code == 200
    # The short-term milestones (due by the cohort's end) must be reported first; COMPLETE's
    # are due in 2027, after the cohort ends, so none is short-term here.
    empty = post_with_csrf(participant, "/learn/pk/plan/report", {"summary": ""},
                           token_page="/learn/pk/plan/report")
    assert empty.status_code == 422 and _plan().state == PlanState.APPROVED
    sent = post_with_csrf(participant, "/learn/pk/plan/report", {
        "summary": "Pelatihan budi daya selesai.", "results": "20 rumah tangga panen.",
        "lessons": "Libatkan BUMDes sejak awal."}, token_page="/learn/pk/plan/report")
    assert sent.status_code == 302 and _plan().state == PlanState.REPORT_SEMINAR
    report = {c: 3 for c in ("capaian-tonggak", "bukti", "hasil-penerima-manfaat",
                             "kolaborasi-terwujud", "kepemimpinan-hambatan", "keberlanjutan",
                             "refleksi", "pelindungan-data")}
    assert _score(logged_in("penguji"), plan, report, stage="report").status_code == 302
    assert _score(logged_in("coach"), plan, report, stage="report").status_code == 302
    plan = _plan()
    assert plan.state == PlanState.COMPLETED and plan.report_score == 85
    assert plan.report_predicate == "Memuaskan"


def test_the_light_path_has_no_seminar_pages(plan_people, submitted_plan, logged_in):
    plan = submitted_plan()
    assert logged_in("fasil").get(f"/project/plans/{plan.id}").status_code == 404
    assert logged_in("peserta").get("/learn/k/plan/report").status_code == 404


# What a second read of the full path found ----------------------------------------------------
def test_the_second_assessor_combines_even_when_the_first_score_came_from_elsewhere(
        plan_at, project_people):
    """Both assessors press "send" at once: the second, whose seminar was read before the
    first score was stored (another transaction), still sees it and releases the grade."""
    from sqlalchemy import insert

    from leans.assessments.plans import project
    from leans.assessments.plans.access import thresholds
    from leans.assessments.plans.models import SeminarScore
    from leans.assessments.plans.states import AssessorRole, SeminarStage

    plan = plan_at(PlanState.DESIGN_SEMINAR)
    seminar = plan.seminars[0]
    assert seminar.scores == []  # loaded now, before the examiner's score arrives
    db.session.execute(insert(SeminarScore).values(
        seminar_id=seminar.id, assessor_id=project_people["penguji"].id,
        assessor_role=str(AssessorRole.EXAMINER), levels=BEST, comments={},
        overall_comment="", score=100.0))
    project.score_seminar(plan, project_people["coach"], AssessorRole.COACH, plan_rubric(),
                          thresholds(), levels=BEST, comments={}, overall_comment="",
                          stage=SeminarStage.DESIGN, expected_state_version=plan.state_version,
                          now=plan.created_at)
    db.session.commit()
    assert _plan().state == PlanState.APPROVED and _plan().score == 100


def test_without_a_mentor_who_can_act_a_coach_endorses_and_no_plan_waits_for_nobody(
        plan_at, project_people, logged_in):
    plan = plan_at(PlanState.AWAITING_ENDORSEMENT)
    mentor = project_people["mentor"]
    # The mentor leaves: deactivated. The coach may now endorse in the mentor's place.
    assert _endorse(logged_in("coach"), plan, "endorse").status_code == 403
    mentor.active = False
    db.session.commit()
    done = _endorse(logged_in("coach"), _plan(), "endorse", "Atas nama mentor yang pindah.")
    assert done.status_code == 302 and _plan().state == PlanState.SUBMITTED
    assert _plan().endorsed_by.username == "coach"


def test_a_closed_cohort_takes_no_implementation_report(plan_at, logged_in):
    plan = plan_at(PlanState.APPROVED)
    plan.enrolment.cohort.closed = True
    db.session.commit()
    response = post_with_csrf(logged_in("peserta"), "/learn/pk/plan/report", {
        "summary": "Selesai.", "results": "Panen."}, token_page="/learn/pk/plan/report")
    assert response.status_code == 302 and _plan().state == PlanState.APPROVED


@pytest.mark.parametrize("data", [
    {"level-relevansi-data": "²"}, {"level-relevansi-data": "9" * 40},
])
def test_odd_levels_are_refused_not_crashed(plan_at, logged_in, data):
    plan = plan_at(PlanState.DESIGN_SEMINAR)
    levels = {k: v for k, v in BEST.items() if k != "relevansi-data"}
    payload = {f"level-{cid}": str(p) for cid, p in levels.items()} | data
    response = post_with_csrf(logged_in("penguji"), f"/project/plans/{plan.id}/seminars/"
                              "design/score", {**payload, "state_version": plan.state_version},
                              token_page=f"/project/plans/{plan.id}/seminars/design")
    assert response.status_code == 409 and _plan().seminars[0].scores == []


@pytest.mark.parametrize("day,time", [("2026-12-03", "²:00"), ("0001-01-01", "00:30"),
                                      ("2026-12-03", "9:3"), ("9999-12-31", "23:59")])
def test_odd_schedules_are_refused_not_crashed(plan_at, logged_in, day, time):
    plan = plan_at(PlanState.DESIGN_SEMINAR)
    url = f"/project/plans/{plan.id}/seminars/design"
    response = post_with_csrf(logged_in("coach"), url + "/schedule",
                              {"day": day, "time": time, "place": "Aula"}, token_page=url)
    assert response.status_code == 400 and _plan().seminars[0].scheduled_at is None


def test_the_trail_does_not_tell_the_other_assessor_a_score_before_both_are_in(
        plan_at, logged_in):
    plan = plan_at(PlanState.DESIGN_SEMINAR)
    _score(logged_in("penguji"), plan, BEST)
    scored = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "seminar.scored"))
    assert set(scored.details) == {"stage", "role"}


def test_an_examiner_does_not_see_the_coaches_rubric_levels_before_the_seminar(
        plan_at, logged_in, grade_form):
    plan = plan_at(PlanState.IN_REVIEW)
    coach = logged_in("coach")
    grade_form(plan.id, coach, plan.state_version, MIXED, decision="request_revision",
               overall_comment="Perbaiki data.")
    assert _plan().state == PlanState.REVISION_REQUESTED
    page = logged_in("penguji").get(f"/project/plans/{plan.id}").get_data(as_text=True)
    assert "Komentar relevansi-data" not in page
    assert "Komentar relevansi-data" in coach.get(f"/project/plans/{plan.id}").get_data(
        as_text=True)
