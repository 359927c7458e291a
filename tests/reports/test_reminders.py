"""The daily reminders: each facilitator of a running cohort hears once of a review waiting
too long and of a participant stuck, through the worker's task or the ``leans reminders``
command."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from leans.assessments.plans.models import PlanVersion
from leans.core.extensions import db
from leans.core.models import Enrolment, User
from leans.core.notifications import Notification, NotificationKind
from leans.reports.reminders import send_reminders

NOW = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 20)


def reminders_of(username: str) -> list[Notification]:
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.username == username))
    return list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id,
        Notification.kind.in_([NotificationKind.REVIEW_OVERDUE,
                               NotificationKind.PARTICIPANT_STUCK]))
        .order_by(Notification.id)))


def test_an_overdue_review_and_a_stuck_participant_are_told_once(app, submitted_plan,
                                                                 plan_people):
    plan = submitted_plan()
    db.session.execute(update(PlanVersion).where(PlanVersion.plan_id == plan.id)
                       .values(submitted_at=NOW - dt.timedelta(days=5)))
    db.session.commit()
    assert send_reminders(NOW, TODAY) == 2  # fasil and fasil2, for the overdue review
    db.session.commit()
    for facilitator in ("fasil", "fasil2"):
        [overdue] = reminders_of(facilitator)
        assert overdue.kind is NotificationKind.REVIEW_OVERDUE and overdue.numbers["days"] == 5
        with app.test_request_context():
            assert overdue.link == f"/grading/plans/{plan.id}"
            assert "5 hari menunggu penilaian" in overdue.message
    assert reminders_of("fasil_lain") == []  # cohort k2's facilitator hears nothing of k
    assert send_reminders(NOW, TODAY) == 0  # once, not every morning

    # Peserta of k2 ("lain") has done nothing since k2 began (5 October): stuck, told to
    # fasil_lain only, linking to the participant's progress page.
    lain = plan_people["lain"]
    db.session.execute(update(Enrolment).where(Enrolment.user_id == lain.id)
                       .values(enrolled_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC)))
    assert send_reminders(NOW, dt.date(2026, 10, 11)) == 0  # 6 days: not yet
    assert send_reminders(NOW, dt.date(2026, 10, 12)) == 1  # 7 days since 5 October
    db.session.commit()
    [stuck] = reminders_of("fasil_lain")
    assert stuck.kind is NotificationKind.PARTICIPANT_STUCK
    with app.test_request_context():
        assert stuck.link.endswith(f"/participants/{lain.id}")


def test_planned_and_closed_cohorts_send_nothing(app, submitted_plan):
    from leans.core.models import Cohort

    plan = submitted_plan()
    db.session.execute(update(PlanVersion).where(PlanVersion.plan_id == plan.id)
                       .values(submitted_at=NOW - dt.timedelta(days=30)))
    db.session.commit()
    assert send_reminders(NOW, dt.date(2026, 9, 1)) == 0  # not started yet
    db.session.execute(update(Cohort).values(closed=True))
    db.session.commit()
    assert send_reminders(NOW, dt.date(2027, 1, 10)) == 0  # closed: its records are final


def test_the_command_and_the_worker_schedule(app, runner):
    result = runner.invoke(args=["reminders"])
    assert result.exit_code == 0 and "reminders recorded" in result.output
    huey = app.extensions["leans.queue"].huey
    due = {task.name for task in huey.read_periodic(dt.datetime(2026, 12, 1, 0, 0))}
    assert "leans.reminders" in due  # 00:00 UTC is 07:00 in Bojonegoro
    assert not huey.read_periodic(dt.datetime(2026, 12, 1, 7, 0))


def test_reminders_go_to_current_facilitators_and_last_past_the_end(
        app, submitted_plan, plan_people):
    """fasil2 lost the facilitator role (still listed on the cohort): not told; a review still
    waits after the last day (18 December) until the cohort is closed."""
    from leans.core.models import CohortFacilitator, Role, UserRole

    plan = submitted_plan()
    db.session.execute(update(PlanVersion).where(PlanVersion.plan_id == plan.id)
                       .values(submitted_at=NOW - dt.timedelta(days=5)))
    fasil2 = plan_people["fasil2"]
    db.session.execute(UserRole.__table__.delete().where(UserRole.user_id == fasil2.id))
    db.session.add(UserRole(user_id=fasil2.id, role=Role.PARTICIPANT))
    assert db.session.scalar(select(CohortFacilitator).where(
        CohortFacilitator.user_id == fasil2.id)) is not None  # still listed on the cohort
    db.session.commit()
    assert send_reminders(NOW, dt.date(2026, 12, 20)) == 1  # after the end, not closed
    db.session.commit()
    assert [n.kind for n in reminders_of("fasil")] == [NotificationKind.REVIEW_OVERDUE]
    assert reminders_of("fasil2") == []
