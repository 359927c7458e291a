"""Follow-up reminders with a frozen clock: on the day a check-in is due, the participant and
the linked mentor hear of it once, in the app and by email through the queue; nothing before,
nothing again, nothing once it is submitted, nothing for those who left."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from leans.assessments.plans.followups import submit_follow_up
from leans.assessments.plans.states import PlanState
from leans.core.extensions import db
from leans.core.models import Cohort, Enrolment, Role, User, UserRole
from leans.core.notifications import Notification, NotificationKind
from leans.reports.reminders import send_follow_up_reminders, send_reminders

NOW = dt.datetime(2027, 3, 18, 0, 0, tzinfo=dt.UTC)
#: Cohort "pk" ends 18 December 2026: check-ins due 18 March and 18 June 2027.
ON_3, ON_6 = dt.date(2027, 3, 18), dt.date(2027, 6, 18)


def follow_ups_of(username: str) -> list[Notification]:
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.username == username))
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.kind == NotificationKind.FOLLOW_UP_DUE)
        .order_by(Notification.id)))


def test_told_on_the_due_day_to_both_and_once(app, plan_at):
    plan = plan_at(PlanState.APPROVED)
    assert send_reminders(NOW, ON_3 - dt.timedelta(days=1)) == 0  # nothing before it is due
    assert follow_ups_of("peserta") == []
    assert send_reminders(NOW, ON_3) == 2
    db.session.commit()
    [participant] = follow_ups_of("peserta")
    [mentor] = follow_ups_of("mentor")
    assert participant.numbers["days"] == 3 and mentor.numbers["days"] == 3
    assert participant.topic == mentor.topic == f"plan:{plan.id}:follow-up:3"
    with app.test_request_context():
        assert participant.link == "/learn/pk/plan/follow-up"
        assert mentor.link == f"/project/plans/{plan.id}"
        assert "Siti Aminah" in mentor.message and "3" in mentor.message
    assert follow_ups_of("mentor2") == [] and follow_ups_of("peserta2") == []
    # Not again the same morning, nor the next ones.
    assert send_reminders(NOW, ON_3) == 0
    assert send_reminders(NOW, ON_3 + dt.timedelta(days=1)) == 0
    assert send_reminders(NOW, ON_6 - dt.timedelta(days=1)) == 0


def test_not_after_submission_and_the_next_check_in_in_turn(app, plan_at, project_people):
    plan = plan_at(PlanState.APPROVED)
    submit_follow_up(plan, project_people["peserta"], months=3, status="moving", note="",
                     now=NOW, today=ON_3)
    db.session.commit()
    assert send_reminders(NOW, ON_3 + dt.timedelta(days=2)) == 0  # submitted: nothing to ask
    assert send_reminders(NOW, ON_6) == 2  # the 6-month one, to both
    db.session.commit()
    assert [n.numbers["days"] for n in follow_ups_of("peserta")] == [6]
    assert [n.numbers["days"] for n in follow_ups_of("mentor")] == [6]


def test_a_missed_check_in_and_the_next_are_told_apart(app, plan_at):
    plan = plan_at(PlanState.APPROVED)
    assert send_follow_up_reminders(NOW, ON_6) == 4  # 3 and 6 months, to both
    db.session.commit()
    for username in ("peserta", "mentor"):
        assert [n.dedupe_key for n in follow_ups_of(username)] == [
            f"follow-up:{plan.id}:3", f"follow-up:{plan.id}:6"]


def test_who_is_skipped(app, plan_at, project_people):
    """Peserta2 left the training; peserta's plan is still at the design seminar; a mentor
    who lost the role; a closed cohort; the light cohort has no follow-ups."""
    plan_at(PlanState.APPROVED, "peserta2")
    db.session.execute(update(Enrolment).where(
        Enrolment.user_id == project_people["peserta2"].id).values(unenrolled_at=NOW))
    plan = plan_at(PlanState.DESIGN_SEMINAR)
    db.session.commit()
    assert send_follow_up_reminders(NOW, ON_6) == 0
    assert follow_ups_of("peserta2") == [] and follow_ups_of("mentor2") == []

    # Approved now; its mentor no longer holds the role: only the participant is told.
    plan.state = PlanState.APPROVED
    db.session.execute(UserRole.__table__.delete().where(
        UserRole.user_id == project_people["mentor"].id, UserRole.role == Role.MENTOR))
    db.session.commit()
    db.session.expire_all()
    assert send_follow_up_reminders(NOW, ON_3) == 1
    assert follow_ups_of("mentor") == [] and len(follow_ups_of("peserta")) == 1

    db.session.execute(update(Cohort).where(Cohort.slug == "pk").values(closed=True))
    db.session.commit()
    assert send_follow_up_reminders(NOW, ON_6) == 0  # closed: its records are final


def test_the_number_of_queries_does_not_grow_with_the_plans(app, plan_at, count_queries):
    plan_at(PlanState.APPROVED)
    with count_queries() as one:
        send_follow_up_reminders(NOW, ON_3 - dt.timedelta(days=1))
    plan_at(PlanState.APPROVED, "peserta2")
    with count_queries() as two:
        send_follow_up_reminders(NOW, ON_3 - dt.timedelta(days=1))
    assert two() == one()
    assert send_follow_up_reminders(NOW, ON_3) == 4
    db.session.commit()
    with count_queries() as again:  # all sent already: one look-up, no notify() per plan
        assert send_follow_up_reminders(NOW, ON_3) == 0
    assert again() == one() + 1


def test_the_mentor_and_the_participant_get_the_email_through_the_queue(
        plan_at, mail_app, smtp_server):
    plan = plan_at(PlanState.APPROVED)
    db.session.execute(update(User).where(User.username == "peserta")
                       .values(email="peserta@contoh.go.id"))
    db.session.commit()
    mapp = mail_app(smtp_server.port)
    huey = mapp.extensions["leans.queue"].huey
    huey.immediate = False
    huey.flush()
    try:
        with mapp.app_context():
            assert send_reminders(NOW, ON_3) == 2
            assert huey.pending_count() == 0  # not before the commit
            db.session.commit()
            assert huey.pending_count() == 2 and smtp_server.messages == []
            while huey.pending_count():
                huey.execute(huey.dequeue())  # what `leans worker` does
    finally:
        huey.flush()
        huey.immediate = True
    [mail] = smtp_server.to("mentor@example.org")
    assert "Siti Aminah" in mail.message["Subject"]
    assert f"/project/plans/{plan.id}\r\n" in mail.body
    [mail] = smtp_server.to("peserta@contoh.go.id")
    assert "/learn/pk/plan/follow-up\r\n" in mail.body
