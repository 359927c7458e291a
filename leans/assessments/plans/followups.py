"""Follow-ups after the training: check-ins some months after the cohort's last day (the
cohort's ``followup_months``, e.g. 3 and 6) on how the plan's later milestones move.

The schedule and what is due are plain functions; :func:`submit_follow_up` changes the session
and flushes (the caller commits, or rolls back on an error) and is in the audit trail.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from leans.assessments.plans.models import ActionPlan, FollowUp
from leans.assessments.plans.states import DESIGN_APPROVED, FollowUpStatus, MilestoneStatus
from leans.assessments.plans.workflow import PlanError, plan_topic
from leans.core.audit import record
from leans.core.extensions import db
from leans.core.models import Cohort, User
from leans.core.notifications import NotificationKind, resolve
from leans.core.templating import format_day

#: Longest note of a check-in (characters).
MAX_NOTE = 5000
#: A milestone counts as carried out once reported (awaiting the mentor) or confirmed.
CARRIED_OUT = frozenset({MilestoneStatus.REPORTED, MilestoneStatus.CONFIRMED})


class CheckInError(PlanError):
    """A check-in that cannot be sent; FIELD names the form field at fault, if one is."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def follow_up_topic(plan_id: int, months: int) -> str:
    """What the reminders of one check-in are about: sending it reads them, not the reminders
    of the plan's other check-ins."""
    return f"{plan_topic(plan_id)}:follow-up:{months}"


def add_months(day: dt.date, months: int) -> dt.date:
    """DAY plus MONTHS calendar months; the day clamped to the month's last (31 August plus
    6 months is 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def follow_up_schedule(cohort: Cohort) -> list[tuple[int, dt.date]]:
    """(months, due date) of each check-in: the cohort's last day plus that many months."""
    return [(months, add_months(cohort.ends_on, months)) for months in cohort.followup_schedule]


def due_follow_ups(plan: ActionPlan, today: dt.date) -> list[tuple[int, dt.date]]:
    """The check-ins of a design-approved plan that are due (on or before TODAY) and not yet
    submitted, oldest first."""
    if plan.state not in DESIGN_APPROVED:
        return []
    submitted = {follow_up.months for follow_up in plan.follow_ups}
    return [(months, due_on) for months, due_on in follow_up_schedule(plan.enrolment.cohort)
            if due_on <= today and months not in submitted]


def newest_follow_up(follow_ups: Iterable[FollowUp]) -> FollowUp | None:
    """The check-in submitted last (the later check-in when two were sent together)."""
    return max(follow_ups, key=lambda f: (f.submitted_at, f.months, f.id or 0), default=None)


@dataclass(frozen=True)
class Milestone:
    """A milestone of the approved plan, with its due date and where it stands."""

    index: int
    activity: str
    milestone: str
    #: The date the plan gives; None when it is not a date.
    due_on: dt.date | None
    #: The status of the newest milestone report, None when never reported.
    status: MilestoneStatus | None


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def latest_statuses(reports: Iterable[tuple[int, MilestoneStatus]]) -> dict[int, MilestoneStatus]:
    """The status of each milestone (by activity position) from (position, status) pairs in
    the order they were reported: the newest report wins."""
    return {index: MilestoneStatus(status) for index, status in reports}


def milestones(content: dict, statuses: dict[int, MilestoneStatus]) -> list[Milestone]:
    """The milestones of an approved version's CONTENT, with their newest report's status."""
    return [Milestone(i, row.get("activity", ""), row.get("milestone", ""), _date(row.get("date")),
                      statuses.get(i))
            for i, row in enumerate(content.get("activities") or [])]


def later_milestones(plan: ActionPlan) -> list[Milestone]:
    """The plan's medium-term milestones: those due after the training's last day, which the
    follow-ups ask about. Reads the plan's milestone reports (one query)."""
    if plan.latest_version is None:
        return []
    ends_on = plan.enrolment.cohort.ends_on
    statuses = latest_statuses((r.activity_index, r.status) for r in plan.milestone_reports)
    return [m for m in milestones(plan.latest_version.content, statuses)
            if m.due_on is not None and m.due_on > ends_on]


def _checked(plan: ActionPlan, months: int, status: str, note: str,
             today: dt.date) -> tuple[FollowUpStatus, str]:
    """The status and the trimmed note of a check-in that may be submitted now; else why not."""
    if plan.state not in DESIGN_APPROVED:
        raise CheckInError(_("Follow-ups start once the plan's design is approved."))
    due_on = dict(follow_up_schedule(plan.enrolment.cohort)).get(months)
    if due_on is None:
        raise CheckInError(_("Choose one of the follow-up check-ins of this training."),
                           "months")
    if due_on > today:
        raise CheckInError(_("The %(n)d-month check-in opens on %(date)s.", n=months,
                             date=format_day(due_on)), "months")
    if any(f.months == months for f in plan.follow_ups):
        raise CheckInError(_("The %(n)d-month check-in was already submitted.", n=months),
                           "months")
    if status not in set(FollowUpStatus):
        raise CheckInError(_("Choose how the plan is going: moving, stalled or completed."),
                           "status")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise CheckInError(_("Keep the note under %(n)d characters (it has %(has)d).",
                             n=MAX_NOTE, has=len(note)), "note")
    if status == FollowUpStatus.STALLED and not note:
        raise CheckInError(_("The plan is stalled: say in the note what blocks it, so that "
                             "your mentor and BKPP can help."), "note")
    return FollowUpStatus(status), note


def submit_follow_up(plan: ActionPlan, participant: User, *, months: int, status: str,
                     note: str, now: dt.datetime, today: dt.date) -> FollowUp:
    """The participant's check-in MONTHS months after the training: one per check-in, once it
    is due; a stalled plan needs a note saying what blocks it."""
    chosen, note = _checked(plan, months, status, note, today)
    follow_up = FollowUp(plan_id=plan.id, months=months, status=chosen, note=note,
                         submitted_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(follow_up)
            db.session.flush()
    except IntegrityError:  # sent twice at once (two tabs): the first one stands
        raise CheckInError(_("The %(n)d-month check-in was already submitted.", n=months),
                           "months") from None
    db.session.expire(plan, ["follow_ups"])
    record(participant, "follow_up.submitted", "action_plan", plan.id, at=now, months=months,
           status=str(chosen))
    resolve(follow_up_topic(plan.id, months), [NotificationKind.FOLLOW_UP_DUE], now)
    return follow_up
