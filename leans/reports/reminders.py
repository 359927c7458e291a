"""The daily reminders to facilitators: reviews waiting too long and participants stuck, each
sent once (per submitted version; per stretch without progress). Run by the worker every
morning, or by ``leans reminders`` from cron."""

from __future__ import annotations

import datetime as dt

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from leans.assessments.plans.workflow import plan_topic
from leans.core.cohorts import CohortStatus, all_cohorts, cohort_facilitators, cohort_status
from leans.core.extensions import db
from leans.core.i18n import local_today
from leans.core.models import Cohort, User, utcnow
from leans.core.notifications import NotificationKind, notify_all, requeue_unsent
from leans.reports.attention import overdue_reviews, stuck_participants

#: 07:00 in Bojonegoro (WIB, UTC+7): the worker's schedule is in UTC.
REMINDER_HOUR_UTC = 0


def send_reminders(now: dt.datetime, today: dt.date) -> int:
    """Notify each running cohort's facilitators of overdue reviews and stuck participants
    (LEANS_REVIEW_OVERDUE_DAYS, LEANS_STUCK_DAYS); how many notifications were recorded.
    Flushes; the caller commits."""
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
    """Send today's reminders to facilitators (the worker also does this daily at 07:00 WIB)."""
    click.echo(f"{run_reminders()} reminders recorded.")


def init_app(app: Flask) -> None:
    app.extensions["leans.queue"].daily("leans.reminders", REMINDER_HOUR_UTC)(run_reminders)
    app.cli.add_command(reminders_command)
