"""The daily reminders: to facilitators, reviews waiting too long and participants stuck, each
sent once (per submitted version; per stretch without progress); to participants and their
mentors, follow-up check-ins that are due, each sent once. Run by the worker every morning, or
by ``leans reminders`` from cron."""

from __future__ import annotations

import datetime as dt

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from leans.assessments.plans.followups import due_follow_ups, follow_up_topic
from leans.assessments.plans.models import ActionPlan
from leans.assessments.plans.states import DESIGN_APPROVED
from leans.assessments.plans.workflow import plan_topic
from leans.core.cohorts import CohortStatus, all_cohorts, cohort_facilitators, cohort_status
from leans.core.extensions import db
from leans.core.i18n import local_today
from leans.core.models import Cohort, Enrolment, User, utcnow
from leans.core.notifications import (
    Notification,
    NotificationKind,
    notify,
    notify_all,
    requeue_unsent,
)
from leans.core.permissions import mentor_can_act
from leans.reports.attention import overdue_reviews, stuck_participants

#: 07:00 in Bojonegoro (WIB, UTC+7): the worker's schedule is in UTC.
REMINDER_HOUR_UTC = 0


def send_reminders(now: dt.datetime, today: dt.date) -> int:
    """Notify each running cohort's facilitators of overdue reviews and stuck participants
    (LEANS_REVIEW_OVERDUE_DAYS, LEANS_STUCK_DAYS), and participants and mentors of follow-ups
    due; how many notifications were recorded. Flushes; the caller commits."""
    config = current_app.config
    # Reviews stay overdue after the last day of the training, until the cohort is closed;
    # participants are stuck only while it runs (stuck_participants keeps to running ones).
    cohorts = [c for c in all_cohorts()
               if cohort_status(c, today) in (CohortStatus.RUNNING, CohortStatus.FINISHED)]
    facilitators: dict[int, list[User]] = {c.id: cohort_facilitators(c) for c in cohorts}

    def tell(cohort: Cohort, kind: NotificationKind, endpoint: str, values: dict,
             person: User, days: int, key: str, topic: str | None = None) -> int:
        return notify_all([f for f in facilitators[cohort.id] if f.id != person.id], kind,
                          endpoint, values,
                          subject=person.full_name, cohort=cohort, days=days, dedupe_key=key,
                          topic=topic, at=now)

    count = 0
    for plan in overdue_reviews(cohorts, now, config["LEANS_REVIEW_OVERDUE_DAYS"]):
        count += tell(plan.cohort, NotificationKind.REVIEW_OVERDUE, "grading.screen",
                      {"plan_id": plan.plan_id}, plan.user, plan.days,
                      f"review-overdue:{plan.plan_id}:{plan.since.isoformat()}",
                      plan_topic(plan.plan_id))
    for stuck in stuck_participants(cohorts, today, config["LEANS_STUCK_DAYS"],
                                    timezone=config["BABEL_DEFAULT_TIMEZONE"]):
        count += tell(stuck.cohort, NotificationKind.PARTICIPANT_STUCK,
                      "cohort_progress.participant",
                      {"cohort_slug": stuck.cohort.slug, "user_id": stuck.user.id},
                      stuck.user, stuck.days, f"stuck:{stuck.enrolment_id}:{stuck.since}")
    return count + send_follow_up_reminders(now, today)


def _followed_plans(today: dt.date) -> list[ActionPlan]:
    """Design-approved plans of active enrolments in open cohorts whose training ended and
    that have follow-ups, with what the reminders read loaded (a fixed number of queries)."""
    return list(db.session.scalars(
        select(ActionPlan).join(Enrolment, Enrolment.id == ActionPlan.enrolment_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .where(Enrolment.unenrolled_at.is_(None), Cohort.closed.is_(False),
               Cohort.followup_months != "", Cohort.ends_on < today,
               ActionPlan.state.in_([str(state) for state in DESIGN_APPROVED]))
        .order_by(ActionPlan.id)
        .options(selectinload(ActionPlan.follow_ups),
                 selectinload(ActionPlan.enrolment).selectinload(Enrolment.cohort),
                 selectinload(ActionPlan.enrolment).selectinload(Enrolment.user),
                 selectinload(ActionPlan.enrolment).selectinload(Enrolment.mentor))))


def send_follow_up_reminders(now: dt.datetime, today: dt.date) -> int:
    """Tell the participant and the linked mentor of each follow-up check-in that is due and
    not yet submitted, once per check-in (``follow-up:<plan>:<months>``); how many
    notifications were recorded. Flushes; the caller commits."""
    due = [(plan, months) for plan in _followed_plans(today)
           for months, _due_on in due_follow_ups(plan, today)]
    keys = {f"follow-up:{plan.id}:{months}" for plan, months in due}
    sent = set(db.session.execute(select(Notification.user_id, Notification.dedupe_key).where(
        Notification.dedupe_key.in_(keys)))) if keys else set()
    count = 0
    for plan, months in due:
        enrolment, key = plan.enrolment, f"follow-up:{plan.id}:{months}"
        recipients = [(enrolment.user, "followups.participant",
                       {"cohort_slug": enrolment.cohort.slug})]
        if enrolment.cohort.full_path and mentor_can_act(enrolment):
            recipients.append((enrolment.mentor, "project.mentor_plan", {"plan_id": plan.id}))
        for person, endpoint, values in recipients:
            if (person.id, key) in sent:
                continue
            count += notify(person, NotificationKind.FOLLOW_UP_DUE, endpoint, values,
                            subject=enrolment.user.full_name, cohort=enrolment.cohort,
                            days=months, topic=follow_up_topic(plan.id, months),
                            dedupe_key=key,
                            at=now) is not None
    return count


def run_reminders() -> int:
    """The daily run: today's reminders, and emails the queue could not take earlier."""
    count = send_reminders(utcnow(), local_today())
    db.session.commit()
    requeue_unsent(utcnow())
    return count


@click.command("reminders")
@with_appcontext
def reminders_command() -> None:
    """Send today's reminders to facilitators, and of follow-ups due to participants and
    mentors (the worker also does this daily at 07:00 WIB)."""
    click.echo(f"{run_reminders()} reminders recorded.")


def init_app(app: Flask) -> None:
    app.extensions["leans.queue"].daily("leans.reminders", REMINDER_HOUR_UTC)(run_reminders)
    app.cli.add_command(reminders_command)
