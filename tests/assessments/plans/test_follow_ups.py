"""Follow-ups after the training: the schedule (the cohort's last day plus 3 and 6 months), what
is due, the participant's check-in with its rules, and the participant's page."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from sqlalchemy import func, insert, select, update

from leans.assessments.plans.followups import (
    MAX_NOTE,
    add_months,
    due_follow_ups,
    follow_up_schedule,
    follow_up_topic,
    submit_follow_up,
)
from leans.assessments.plans.models import FollowUp, MilestoneReport
from leans.assessments.plans.states import FollowUpStatus, MilestoneStatus, PlanState
from leans.assessments.plans.workflow import PlanError
from leans.core.audit import AuditEvent
from leans.core.extensions import db
from leans.core.i18n import local_today
from leans.core.models import Cohort
from leans.core.notifications import Notification, NotificationKind, notify

NOW = dt.datetime(2027, 3, 20, 2, tzinfo=dt.UTC)
#: Cohort "pk" ends 18 December 2026: check-ins due 18 March and 18 June 2027.
ON_3, ON_6 = dt.date(2027, 3, 18), dt.date(2027, 6, 18)


@pytest.mark.parametrize(("day", "months", "expected"), [
    (dt.date(2026, 12, 18), 3, dt.date(2027, 3, 18)),
    (dt.date(2026, 12, 18), 6, dt.date(2027, 6, 18)),
    (dt.date(2026, 8, 31), 6, dt.date(2027, 2, 28)),  # the day clamped to the month's last
    (dt.date(2027, 11, 30), 3, dt.date(2028, 2, 29)),  # a leap year
    (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
    (dt.date(2026, 5, 15), 24, dt.date(2028, 5, 15)),
])
def test_months_are_calendar_months(day, months, expected):
    assert add_months(day, months) == expected


def _plan(state=PlanState.APPROVED, months="6,3", follow_ups=()):
    cohort = SimpleNamespace(ends_on=dt.date(2026, 12, 18),
                             followup_schedule=Cohort(followup_months=months).followup_schedule)
    return SimpleNamespace(state=state, enrolment=SimpleNamespace(cohort=cohort),
                           follow_ups=[SimpleNamespace(months=m) for m in follow_ups])


def test_the_schedule_and_what_is_due():
    plan = _plan()
    assert follow_up_schedule(plan.enrolment.cohort) == [(3, ON_3), (6, ON_6)]
    assert due_follow_ups(plan, ON_3 - dt.timedelta(days=1)) == []
    assert due_follow_ups(plan, ON_3) == [(3, ON_3)]
    assert due_follow_ups(plan, ON_6) == [(3, ON_3), (6, ON_6)]  # a missed one stays due
    assert due_follow_ups(_plan(follow_ups=[3]), ON_6) == [(6, ON_6)]
    assert due_follow_ups(_plan(follow_ups=[3, 6]), ON_6) == []
    # Completed plans are followed up too; plans whose design is not approved are not.
    assert due_follow_ups(_plan(PlanState.COMPLETED), ON_3) == [(3, ON_3)]
    assert due_follow_ups(_plan(PlanState.DESIGN_SEMINAR), ON_6) == []
    # A cohort without follow-ups (the default, e.g. a light one) has none.
    assert due_follow_ups(_plan(months=""), ON_6) == []


def submit(plan, months=3, status="moving", note="", today=ON_3):
    return submit_follow_up(plan, plan.enrolment.user, months=months, status=status, note=note,
                            now=NOW, today=today)


@pytest.mark.parametrize(("months", "status", "note", "today", "message"), [
    (3, "moving", "", ON_3 - dt.timedelta(days=1), "opens on"),
    (4, "moving", "", ON_6, "Choose one of the follow-up check-ins"),
    (3, "asleep", "", ON_3, "moving, stalled or completed"),
    (3, "stalled", "   ", ON_3, "what blocks it"),
    (3, "moving", "x" * (MAX_NOTE + 1), ON_3, "under 5000 characters"),
])
def test_a_check_in_that_cannot_be_sent_says_why_and_stores_nothing(
        plan_at, months, status, note, today, message):
    plan = plan_at(PlanState.APPROVED)
    with force_locale("en"), pytest.raises(PlanError, match=message):
        submit(plan, months, status, note, today)
    assert db.session.scalar(select(func.count(FollowUp.id))) == 0


def test_a_check_in_is_stored_once_audited_and_ends_the_reminders(plan_at, project_people):
    plan = plan_at(PlanState.APPROVED)
    for person, endpoint in ((project_people["peserta"], "followups.participant"),
                             (project_people["mentor"], "project.mentor_plan")):
        for months in (3, 6):
            notify(person, NotificationKind.FOLLOW_UP_DUE, endpoint, {}, days=months,
                   topic=follow_up_topic(plan.id, months), at=NOW)
    follow_up = submit(plan, status="stalled", note="  Kolam bocor; menunggu APBDes.  ")
    db.session.commit()
    assert (follow_up.months, follow_up.status, follow_up.note) == (
        3, FollowUpStatus.STALLED, "Kolam bocor; menunggu APBDes.")
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "follow_up.submitted"))
    assert event.object_id == plan.id and event.details == {"months": 3, "status": "stalled"}
    assert event.actor_id == project_people["peserta"].id
    reminders = list(db.session.scalars(select(Notification).where(
        Notification.kind == NotificationKind.FOLLOW_UP_DUE)))
    # The 3-month check-in reads its reminders, not the 6-month ones still to come.
    assert sorted((n.numbers["days"], n.read_at is not None) for n in reminders) == [
        (3, True), (3, True), (6, False), (6, False)]
    with force_locale("en"), pytest.raises(PlanError, match="already submitted"):
        submit(plan, status="completed", today=ON_6)
    assert submit(plan, months=6, status="completed", today=ON_6).months == 6


def test_two_at_once_keep_the_first(plan_at):
    """The second of two simultaneous check-ins meets the unique constraint: refused with the
    same message, and the session stays usable."""
    plan = plan_at(PlanState.APPROVED)
    assert plan.follow_ups == []  # loaded before the other request stored its check-in
    db.session.execute(insert(FollowUp).values(plan_id=plan.id, months=3, status="moving",
                                               note="", submitted_at=NOW))
    with force_locale("en"), pytest.raises(PlanError, match="already submitted"):
        submit(plan, status="completed")
    db.session.commit()
    assert [f.status for f in db.session.scalars(select(FollowUp))] == [FollowUpStatus.MOVING]


def test_no_follow_up_before_the_design_is_approved(plan_at):
    plan = plan_at(PlanState.DESIGN_SEMINAR)
    with force_locale("en"), pytest.raises(PlanError, match="design is approved"):
        submit(plan, today=ON_6)


# The page ---------------------------------------------------------------------------------

PAGE = "/learn/pk/plan/follow-up"


@pytest.fixture
def ended(app, plan_at):
    """Peserta's plan approved, in a cohort that ended 100 days ago: the 3-month check-in is
    due, the 6-month one not yet."""
    plan = plan_at(PlanState.APPROVED)
    with app.test_request_context():
        ends_on = local_today() - dt.timedelta(days=100)
    db.session.execute(update(Cohort).where(Cohort.slug == "pk").values(
        starts_on=ends_on - dt.timedelta(days=60), ends_on=ends_on))
    db.session.commit()
    return plan


def test_the_page_shows_the_schedule_the_later_milestones_and_a_due_check_in(
        app, ended, logged_in, post_form):
    db.session.add(MilestoneReport(plan_id=ended.id, activity_index=0, activity_label="x",
                                   status=MilestoneStatus.CONFIRMED))
    db.session.commit()
    client = logged_in("peserta")
    page = client.get(PAGE).get_data(as_text=True)
    assert 'name="months"' in page and '<option selected value="3">' in page
    assert 'value="6"' not in page  # not due yet
    assert "Pelatihan budi daya" in page and "Panen pertama" in page  # after the last day
    with app.test_request_context():
        assert MilestoneStatus.CONFIRMED.label in page
    if {"milestones.participant", "milestones.checklist"} & set(app.view_functions):
        assert 'href="/learn/pk/plan/milestones"' in page

    response = post_form(client, PAGE, {"months": "3", "status": "stalled", "note": ""},
                         token_page=PAGE)
    assert response.status_code == 422  # a stalled plan needs its note, said at the field
    page = response.get_data(as_text=True)
    assert 'href="#note"' in page and 'id="note-error"' in page
    assert 'aria-describedby="note-hint note-error"' in page
    assert db.session.scalar(select(func.count(FollowUp.id))) == 0
    response = post_form(client, PAGE, {"months": "3", "status": "stalled",
                                        "note": "Pakan mahal, menunggu CSR."}, token_page=PAGE)
    assert response.status_code == 302 and response.headers["Location"] == PAGE
    page = client.get(PAGE).get_data(as_text=True)
    assert "Pakan mahal, menunggu CSR." in page and 'name="months"' not in page
    [follow_up] = db.session.scalars(select(FollowUp))
    assert (follow_up.months, follow_up.status) == (3, FollowUpStatus.STALLED)


@pytest.mark.parametrize(("data", "status"), [
    ({"months": "6", "status": "moving"}, 422),  # not due yet
    ({"months": "12", "status": "moving"}, 422),  # not a check-in of this cohort
    ({"months": "abc", "status": "moving"}, 400),
    ({"months": "99999999999999999999999", "status": "moving"}, 422),
    ({"months": "3", "status": "asleep"}, 400),
    ({"months": "3"}, 400),
    ({"months": "3", "status": "moving", "note": "x" * (MAX_NOTE + 1)}, 400),
])
def test_bad_input_gets_a_message_and_stores_nothing(ended, logged_in, post_form, data, status):
    client = logged_in("peserta")
    response = post_form(client, PAGE, data, token_page=PAGE)
    assert response.status_code == status
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(FollowUp.id))) == 0


def test_csrf_is_required(ended, logged_in):
    response = logged_in("peserta").post(PAGE, data={"months": "3", "status": "moving"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(FollowUp.id))) == 0


@pytest.mark.parametrize("username", ["peserta2", "lain", "mentor", "coach", "penguji",
                                      "admin"])
def test_only_the_participant_sees_their_page(ended, logged_in, username):
    assert logged_in(username).get(PAGE).status_code == 404


def test_anonymous_is_sent_to_log_in(ended, client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_no_page_before_the_design_is_approved(plan_at, logged_in):
    plan_at(PlanState.IN_REVIEW)
    assert logged_in("peserta").get(PAGE).status_code == 404


def test_a_closed_cohort_is_read_only(ended, logged_in, post_form):
    client = logged_in("peserta")
    db.session.execute(update(Cohort).where(Cohort.slug == "pk").values(closed=True))
    db.session.commit()
    page = client.get(PAGE)
    assert page.status_code == 200 and 'name="months"' not in page.get_data(as_text=True)
    response = post_form(client, PAGE, {"months": "3", "status": "moving"}, token_page=PAGE)
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(FollowUp.id))) == 0
