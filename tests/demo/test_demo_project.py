"""``leans demo``: the full-path cohort shows the change project at every stage, to every
person around it, and a second run changes nothing; the light cohort stays as it was."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from leans.assessments.plans.milestones import milestone_list
from leans.assessments.plans.models import (
    ActionPlan,
    EvidenceFile,
    FollowUp,
    MilestoneReport,
    PlanReview,
    Seminar,
    SeminarScore,
)
from leans.assessments.plans.states import (
    AssessorRole,
    FollowUpStatus,
    MilestoneStatus,
    PlanAction,
    PlanState,
    SeminarStage,
)
from leans.certificates.models import Certificate
from leans.core.extensions import db
from leans.core.identity import parse_nip
from leans.core.models import (
    Cohort,
    CohortExaminer,
    Enrolment,
    PlanPath,
    Role,
    User,
)
from leans.core.notifications import Notification, NotificationKind
from leans.demo.data import (
    CERTIFIED,
    DEMO_COHORT_SLUG,
    DEMO_PASSWORD,
    PROGRESS,
    PROJECT_PEOPLE,
)
from leans.demo.plans import DEMO_TODAY, PLANS
from leans.demo.project import EXAMINER, MENTORS, PROJECT_COHORT_SLUG
from leans.modules.models import LessonCompletion


def run_demo(runner) -> None:
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output


def cohort(slug: str) -> Cohort:
    return db.session.scalar(select(Cohort).where(Cohort.slug == slug))


def plans_by_user(slug: str) -> dict[str, ActionPlan]:
    rows = db.session.execute(
        select(User.username, ActionPlan).join(Enrolment, Enrolment.user_id == User.id)
        .join(ActionPlan, ActionPlan.enrolment_id == Enrolment.id)
        .where(Enrolment.cohort_id == cohort(slug).id))
    return dict(rows.all())


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def the_plan(state: PlanState) -> ActionPlan:
    """The one plan of the full-path cohort in STATE."""
    found = [p for p in plans_by_user(PROJECT_COHORT_SLUG).values() if p.state == state]
    assert len(found) == 1, (state, found)
    return found[0]


def test_the_full_path_cohort_is_configured_with_its_people(runner):
    run_demo(runner)
    full = cohort(PROJECT_COHORT_SLUG)
    assert full.plan_path == PlanPath.FULL and full.endorsement_required
    assert (full.examiner_weight, full.moderation_gap, full.report_required,
            full.followup_schedule) == (60, 1, True, [3, 6])
    assert full.ends_on < DEMO_TODAY
    assert [row.user.username for row in full.examiner_rows] == [EXAMINER]
    assert user(EXAMINER).roles == {Role.EXAMINER}
    assert {row.user.username for row in full.facilitator_rows} == {"retno", "bambang"}
    assert {e.user.username: e.mentor.username for e in full.enrolments} == MENTORS
    assert all(user(name).roles == {Role.MENTOR} for name in MENTORS.values())
    assert max(list(MENTORS.values()).count(m) for m in MENTORS.values()) == 2
    # Namesakes: the same full name, another NIP and unit.
    eko = [user("eko.kanor"), user("eko.naker")]
    assert eko[0].full_name == eko[1].full_name
    assert eko[0].nip != eko[1].nip and eko[0].unit != eko[1].unit
    for person in PROJECT_PEOPLE:
        assert parse_nip(person.nip, DEMO_TODAY) == person.nip
    # Nobody of the new cohort is in angkatan-1.
    light = {e.user_id for e in cohort(DEMO_COHORT_SLUG).enrolments}
    assert not light & {e.user_id for e in full.enrolments}


def test_every_stage_of_the_full_path_is_on_show(runner):
    run_demo(runner)
    states = sorted(str(p.state) for p in plans_by_user(PROJECT_COHORT_SLUG).values())
    assert states == sorted(str(s) for s in (
        PlanState.AWAITING_ENDORSEMENT, PlanState.REVISION_REQUESTED, PlanState.IN_REVIEW,
        PlanState.DESIGN_SEMINAR, PlanState.DESIGN_MODERATION, PlanState.APPROVED,
        PlanState.REPORT_SEMINAR, PlanState.COMPLETED))
    returned = the_plan(PlanState.REVISION_REQUESTED)
    assert returned.reviews[-1].decision == PlanAction.MENTOR_RETURN
    assert returned.reviews[-1].overall_comment and returned.endorsed_at is None
    assert the_plan(PlanState.IN_REVIEW).endorsed_at is not None
    # At the design seminar: scheduled, scored by the examiner alone.
    seminar = the_plan(PlanState.DESIGN_SEMINAR).seminars[0]
    assert seminar.scheduled_at and seminar.place and seminar.panel
    assert [s.assessor_role for s in seminar.scores] == [AssessorRole.EXAMINER]
    # In moderation: the two assessors two levels apart on a criterion.
    seminar = the_plan(PlanState.DESIGN_MODERATION).seminars[0]
    examiner, coach = (seminar.score_of(r) for r in (AssessorRole.EXAMINER, AssessorRole.COACH))
    (disputed,) = [entry["criterion"] for entry in seminar.disputed]
    assert abs(examiner.levels[disputed] - coach.levels[disputed]) == 2
    # At the report seminar: the report in, the seminar scheduled, no score yet.
    at_report = the_plan(PlanState.REPORT_SEMINAR)
    report = next(s for s in at_report.seminars if s.stage == SeminarStage.REPORT)
    assert at_report.report["summary"] and report.scheduled_at and not report.scores


def test_the_approved_plan_was_moderated_and_shows_every_milestone_status(runner):
    run_demo(runner)
    plan = the_plan(PlanState.APPROVED)
    design = plan.seminars[0]
    assert design.moderation_reason and design.completed_at and plan.predicate
    milestones = milestone_list(plan, DEMO_TODAY)
    statuses = [m.status for m in milestones]
    assert {MilestoneStatus.CONFIRMED, MilestoneStatus.RETURNED,
            MilestoneStatus.REPORTED} <= set(statuses)
    assert any(m.overdue and m.status is None for m in milestones)
    assert {m.term for m in milestones} == {"short", "medium"}
    confirmed = next(m for m in milestones if m.status is MilestoneStatus.CONFIRMED)
    assert {f.content_type for f in confirmed.report.files} == {"image/jpeg",
                                                                "application/pdf"}
    returned = next(m for m in milestones if m.status is MilestoneStatus.RETURNED)
    assert returned.report.review_comment
    # The 3-month follow-up is due and not sent: the participant and the mentor are told.
    reminded = {n.user_id for n in db.session.scalars(select(Notification).where(
        Notification.kind == NotificationKind.FOLLOW_UP_DUE,
        Notification.dedupe_key == f"follow-up:{plan.id}:3"))}
    assert reminded == {plan.enrolment.user_id, plan.enrolment.mentor_id}


def test_the_completed_plan_is_followed_up_and_certified(runner):
    run_demo(runner)
    plan = the_plan(PlanState.COMPLETED)
    assert plan.report_predicate and plan.completed_at
    assert [(f.months, f.status) for f in plan.follow_ups] == [(3, FollowUpStatus.MOVING)]
    certificate = db.session.scalar(select(Certificate).where(
        Certificate.enrolment_id == plan.enrolment_id))
    assert certificate is not None
    # The history runs in order and before the demo's day.
    seminar_times = [s.completed_at for s in plan.seminars]
    assert seminar_times == sorted(seminar_times)
    assert plan.follow_ups[0].submitted_at.date() <= DEMO_TODAY


def test_the_story_runs_in_order_before_the_demo_day(runner):
    """Lessons read before the plan was written, every step after the one before it, all
    before the demo's day."""
    run_demo(runner)
    end_of_day = dt.datetime.combine(DEMO_TODAY, dt.time(23, 59), tzinfo=dt.UTC)
    for plan in plans_by_user(PROJECT_COHORT_SLUG).values():
        read = db.session.scalar(select(func.max(LessonCompletion.completed_at)).where(
            LessonCompletion.enrolment_id == plan.enrolment_id))
        steps = [plan.versions[0].submitted_at, *(r.created_at for r in plan.reviews),
                 *(s.submitted_at for seminar in plan.seminars for s in seminar.scores),
                 *(r.reported_at for r in plan.milestone_reports),
                 *(f.submitted_at for f in plan.follow_ups)]
        assert read < steps[0] and max(steps) < end_of_day, plan.enrolment.user.username
        assert plan.enrolment.cohort.starts_on <= read.date() <= plan.enrolment.cohort.ends_on


def login(app, auth_for, username: str):
    client = app.test_client()
    assert auth_for(client).login(username, DEMO_PASSWORD).status_code == 302
    return client


def test_the_examiner_and_the_mentors_see_their_part(runner, app, auth_for):
    run_demo(runner)
    at_seminar = [the_plan(state) for state in (
        PlanState.DESIGN_SEMINAR, PlanState.DESIGN_MODERATION, PlanState.REPORT_SEMINAR)]
    page = login(app, auth_for, EXAMINER).get("/project/seminars").get_data(as_text=True)
    for plan in at_seminar:
        assert f"/project/plans/{plan.id}/seminars/" in page
    mentor = the_plan(PlanState.REPORT_SEMINAR).enrolment.mentor
    page = login(app, auth_for, mentor.username).get("/mentor").get_data(as_text=True)
    mentees = [e.user.full_name for e in db.session.scalars(
        select(Enrolment).where(Enrolment.mentor_id == mentor.id))]
    assert len(mentees) == 2 and all(name in page for name in mentees)


def test_evidence_downloads_for_the_mentor_only(runner, app, auth_for):
    run_demo(runner)
    plan = the_plan(PlanState.APPROVED)
    confirmed = next(r for r in plan.milestone_reports if r.status == MilestoneStatus.CONFIRMED)
    photo = next(f for f in confirmed.files if f.content_type == "image/jpeg")
    mentor = login(app, auth_for, plan.enrolment.mentor.username)
    response = mentor.get(f"/evidence/{photo.id}")
    assert response.status_code == 200 and response.data[:3] == b"\xff\xd8\xff"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert f"/evidence/{photo.id}" in mentor.get(
        f"/project/plans/{plan.id}/milestones").get_data(as_text=True)
    other = next(m for m in MENTORS.values() if m != plan.enrolment.mentor.username)
    assert login(app, auth_for, other).get(f"/evidence/{photo.id}").status_code == 404


def counts() -> dict:
    full = cohort(PROJECT_COHORT_SLUG)
    plans = select(ActionPlan.id).join(Enrolment).where(Enrolment.cohort_id == full.id)
    return {
        "states": sorted(str(p.state) for p in plans_by_user(PROJECT_COHORT_SLUG).values()),
        **{name: db.session.scalar(select(func.count(model.id)).where(model.plan_id.in_(plans)))
           for name, model in (("milestone reports", MilestoneReport),
                               ("evidence files", EvidenceFile), ("seminars", Seminar),
                               ("reviews", PlanReview), ("follow-ups", FollowUp))},
        "scores": db.session.scalar(select(func.count(SeminarScore.id)).join(Seminar)
                                    .where(Seminar.plan_id.in_(plans))),
        "examiners": db.session.scalar(select(func.count(CohortExaminer.id))),
        "enrolments": len(full.enrolments),
        "certificates": db.session.scalar(select(func.count(Certificate.id))),
        "follow-up reminders": db.session.scalar(select(func.count(Notification.id)).where(
            Notification.kind == NotificationKind.FOLLOW_UP_DUE)),
    }


def test_a_second_run_changes_nothing(runner):
    run_demo(runner)
    before = counts()
    assert before["milestone reports"] >= 8 and before["evidence files"] >= 4
    run_demo(runner)
    db.session.expire_all()
    assert counts() == before


def test_the_light_cohort_is_as_before(runner):
    """Angkatan-1 keeps the light path, its plans at their stages, its lessons and its
    certificates: the full-path cohort adds to the demo, it changes nothing there."""
    run_demo(runner)
    light = cohort(DEMO_COHORT_SLUG)
    assert light.plan_path == PlanPath.LIGHT and not light.examiner_rows
    assert all(e.mentor_id is None for e in light.enrolments)
    assert {e.enrolled_at for e in light.enrolments} == {
        dt.datetime(2026, 10, 5, 1, tzinfo=dt.UTC)}
    plans = plans_by_user(DEMO_COHORT_SLUG)
    assert {name: str(plan.state) for name, plan in plans.items()} == {
        name: "approved" if stage.startswith("approved") else stage
        for name, (_content, stage) in PLANS.items()}
    assert not any(p.seminars or p.milestone_reports or p.follow_ups for p in plans.values())
    done = dict(db.session.execute(
        select(User.username, func.count(LessonCompletion.id))
        .join(Enrolment, Enrolment.user_id == User.id)
        .join(LessonCompletion, LessonCompletion.enrolment_id == Enrolment.id)
        .where(Enrolment.cohort_id == light.id).group_by(User.username)).all())
    assert done == {name: count for name, (count, *_rest) in PROGRESS.items() if count}
    first = db.session.scalar(select(func.min(LessonCompletion.completed_at)).join(Enrolment)
                              .where(Enrolment.cohort_id == light.id))
    assert first.date() >= light.starts_on
    certified = db.session.scalars(
        select(User.username).join(Enrolment, Enrolment.user_id == User.id).join(
        Certificate, Certificate.enrolment_id == Enrolment.id)
        .where(Enrolment.cohort_id == light.id)).all()
    assert sorted(certified) == sorted(CERTIFIED)
