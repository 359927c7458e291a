"""What needs a facilitator's attention: action plans waiting for a grader, reviews that are
overdue, and participants who are stuck.

Plain functions of cohorts and dates, with no request and no logged-in user, so that the
dashboard and a periodic reminder job share them. Each runs a fixed number of queries however
many participants the cohorts hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, union_all

from leans.assessments.plans.models import ActionPlan, PlanUpdate, PlanVersion
from leans.assessments.plans.states import AWAITING_GRADER, PlanState
from leans.assessments.quizzes.models import QuizAttempt
from leans.assessments.tasks.models import TaskAnswer
from leans.content import get_catalogue
from leans.content.model import Catalogue
from leans.core.cohorts import CohortStatus, cohort_status
from leans.core.extensions import db
from leans.core.models import Cohort, Enrolment, User, utcnow
from leans.modules.facts import load_facts
from leans.modules.models import LessonCompletion
from leans.modules.progress import ModuleProgress, training_progress
from leans.modules.training import training_modules

#: States whose review can be overdue: the plan waits and nobody has started reviewing it.
UNREVIEWED = frozenset({PlanState.SUBMITTED, PlanState.RESUBMITTED})


@dataclass(frozen=True)
class WaitingPlan:
    """A plan waiting for a grader."""

    plan_id: int
    state: PlanState
    #: The title of the version waiting.
    title: str
    user: User
    cohort: Cohort
    #: When the version waiting was submitted.
    since: dt.datetime
    #: Whole days it has waited (as of the ``now`` it was computed for).
    days: int


@dataclass(frozen=True)
class StuckParticipant:
    """A participant of a running cohort with nothing done for a while, not finished."""

    user: User
    cohort: Cohort
    enrolment_id: int
    #: The last lesson marked done, test submitted or plan saved, submitted or updated.
    last_activity: dt.datetime | None
    #: The day counted from: the last activity's, else the day the training began for them.
    since: dt.date
    days: int


def plans_waiting(cohorts: Iterable[Cohort], now: dt.datetime | None = None
                  ) -> list[WaitingPlan]:
    """Plans of active enrolments in the cohorts that wait for a grader (submitted,
    resubmitted or in review, as the grading queue's "waiting"), oldest first."""
    by_id = {c.id: c for c in cohorts}
    if not by_id:
        return []
    now = now or utcnow()
    latest = (select(PlanVersion.plan_id, func.max(PlanVersion.number).label("number"))
              .group_by(PlanVersion.plan_id).subquery())
    rows = db.session.execute(
        select(ActionPlan.id, ActionPlan.state, PlanVersion.submitted_at,
               PlanVersion.content["title"].as_string(), Enrolment.cohort_id, User)
        .join(Enrolment, Enrolment.id == ActionPlan.enrolment_id)
        .join(User, User.id == Enrolment.user_id)
        .join(latest, latest.c.plan_id == ActionPlan.id)
        .join(PlanVersion, (PlanVersion.plan_id == ActionPlan.id)
              & (PlanVersion.number == latest.c.number))
        .where(Enrolment.cohort_id.in_(list(by_id)), Enrolment.unenrolled_at.is_(None),
               ActionPlan.state.in_([str(s) for s in AWAITING_GRADER]))
        .order_by(PlanVersion.submitted_at, ActionPlan.id))
    return [WaitingPlan(plan_id, PlanState(state), title or "", user, by_id[cohort_id], since,
                        max(0, (now - since).days))
            for plan_id, state, since, title, cohort_id, user in rows]


def is_overdue(plan: WaitingPlan, now: dt.datetime, days: int) -> bool:
    """Submitted or resubmitted, nobody reviewing it, and waiting more than ``days`` days."""
    return plan.state in UNREVIEWED and now - plan.since > dt.timedelta(days=days)


def overdue_reviews(cohorts: Iterable[Cohort], now: dt.datetime, days: int
                    ) -> list[WaitingPlan]:
    """Plans submitted or resubmitted more than ``days`` days before ``now`` that nobody has
    started reviewing, oldest first (LEANS_REVIEW_OVERDUE_DAYS)."""
    return [plan for plan in plans_waiting(cohorts, now) if is_overdue(plan, now, days)]


def _last_activity(enrolment_ids):
    """Per enrolment (of the ``enrolment_ids`` subquery), the newest of its lesson
    completions, submitted tests, task answers saved or sent, and plan saves, submissions and
    progress updates."""
    plan_of = select(ActionPlan.id).where(ActionPlan.enrolment_id.in_(enrolment_ids))
    sources = union_all(
        select(LessonCompletion.enrolment_id.label("enrolment_id"),
               LessonCompletion.completed_at.label("at"))
        .where(LessonCompletion.enrolment_id.in_(enrolment_ids)),
        select(QuizAttempt.enrolment_id, QuizAttempt.submitted_at)
        .where(QuizAttempt.enrolment_id.in_(enrolment_ids),
               QuizAttempt.submitted_at.is_not(None)),
        select(ActionPlan.enrolment_id, ActionPlan.draft_saved_at)
        .where(ActionPlan.id.in_(plan_of), ActionPlan.draft_saved_at.is_not(None)),
        select(ActionPlan.enrolment_id, PlanVersion.submitted_at)
        .join(PlanVersion, PlanVersion.plan_id == ActionPlan.id)
        .where(ActionPlan.id.in_(plan_of)),
        select(ActionPlan.enrolment_id, PlanUpdate.created_at)
        .join(PlanUpdate, PlanUpdate.plan_id == ActionPlan.id)
        .where(ActionPlan.id.in_(plan_of)),
        select(TaskAnswer.enrolment_id, TaskAnswer.draft_saved_at)
        .where(TaskAnswer.enrolment_id.in_(enrolment_ids),
               TaskAnswer.draft_saved_at.is_not(None)),
        select(TaskAnswer.enrolment_id, TaskAnswer.submitted_at)
        .where(TaskAnswer.enrolment_id.in_(enrolment_ids),
               TaskAnswer.submitted_at.is_not(None)),
    ).subquery()
    return (select(sources.c.enrolment_id, func.max(sources.c.at).label("at"))
            .group_by(sources.c.enrolment_id).subquery())


def _finished_or_waiting(progress: Sequence[ModuleProgress], plan_state: PlanState | None
                         ) -> bool:
    """Every module complete, or all that is missing is the approval of a plan that waits
    for a grader (then the facilitator has the next move, not the participant)."""
    if progress and all(p.complete for p in progress):
        return True
    return plan_state in AWAITING_GRADER and all(
        m.kind == "action_plan" for p in progress if not p.complete for m in p.missing)


def stuck_participants(cohorts: Iterable[Cohort], today: dt.date, days: int, *,
                       catalogue: Catalogue | None = None, timezone: str = "Asia/Jakarta"
                       ) -> list[StuckParticipant]:
    """Active participants of the cohorts running ``today`` with no lesson, test or plan
    activity for at least ``days`` days (counted from the training's start, or their
    enrolment if later, when they never did anything), who have not finished; longest
    stuck first (LEANS_STUCK_DAYS). Dates are days in ``timezone``; ``catalogue`` defaults
    to the app's content."""
    running = {c.id: c for c in cohorts if cohort_status(c, today) is CohortStatus.RUNNING}
    if not running:
        return []
    zone = ZoneInfo(timezone)
    catalogue = catalogue or get_catalogue()
    enrolment_ids = select(Enrolment.id).where(Enrolment.cohort_id.in_(list(running)),
                                                Enrolment.unenrolled_at.is_(None))
    last = _last_activity(enrolment_ids)
    rows = db.session.execute(
        select(Enrolment.id, Enrolment.cohort_id, Enrolment.enrolled_at, last.c.at,
               ActionPlan.state, User)
        .join(User, User.id == Enrolment.user_id)
        .outerjoin(last, last.c.enrolment_id == Enrolment.id)
        .outerjoin(ActionPlan, ActionPlan.enrolment_id == Enrolment.id)
        .where(Enrolment.id.in_(enrolment_ids)))
    candidates = []
    for enrolment_id, cohort_id, enrolled_at, at, plan_state, user in rows:
        cohort = running[cohort_id]
        since = (at.astimezone(zone).date() if at is not None
                 else max(cohort.starts_on, enrolled_at.astimezone(zone).date()))
        if (today - since).days >= days:
            candidates.append((enrolment_id, cohort, user, at, since, plan_state))
    facts = load_facts((c[0] for c in candidates), catalogue)
    stuck = []
    for enrolment_id, cohort, user, at, since, plan_state in candidates:
        progress = training_progress(training_modules(cohort, catalogue),
                                     facts.get(enrolment_id, {}))
        if not _finished_or_waiting(progress, PlanState(plan_state) if plan_state else None):
            stuck.append(StuckParticipant(user, cohort, enrolment_id, at, since,
                                          (today - since).days))
    stuck.sort(key=lambda s: (-s.days, s.user.full_name))
    return stuck
