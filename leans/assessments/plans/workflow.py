"""The action plan workflow: drafts that are never lost, submission, rubric grading with
revision rounds, grade changes with reasons, progress updates; every step audited.

Each step changes the session and flushes; the caller (a view, the demo) commits, or rolls
back on an error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from flask_babel import gettext as _
from sqlalchemy import select, update

from leans.assessments.plans.content import missing_fields, normalize
from leans.assessments.plans.models import ActionPlan, PlanReview, PlanUpdate, PlanVersion
from leans.assessments.plans.scoring import Grade, Threshold, grade
from leans.assessments.plans.states import (
    EDITABLE,
    PlanAction,
    PlanState,
    TransitionError,
    UpdateStatus,
    next_state,
)
from leans.content.rubric import Rubric
from leans.core.audit import record
from leans.core.cohorts import cohort_facilitators
from leans.core.extensions import db
from leans.core.models import Enrolment, User
from leans.core.notifications import NotificationKind, notify, notify_all, resolve
from leans.core.permissions import mentor_can_act

MAX_NOTE = 2000

#: Notifications that ask a facilitator to grade: read once someone starts or decides.
WAITING_FOR_A_GRADER = (NotificationKind.PLAN_SUBMITTED, NotificationKind.PLAN_RESUBMITTED,
                        NotificationKind.REVIEW_OVERDUE)


def plan_topic(plan_id: int) -> str:
    """What notifications about a plan are about."""
    return f"plan:{plan_id}"


class PlanError(Exception):
    """A step that cannot be taken; the message says why and what to do."""


class StaleDraft(PlanError):
    """The draft was saved elsewhere (another tab) after this form was loaded."""


class ConcurrentChange(PlanError):
    """Another facilitator changed the plan after this form was loaded."""

    def __init__(self) -> None:
        super().__init__(_("Someone else changed this plan after you opened it (for example "
                           "another facilitator saved a grade). Nothing was overwritten; your "
                           "input is shown below: check the current state before saving "
                           "again."))


class IncompletePlan(PlanError):
    """The plan cannot be submitted yet; the draft itself was saved (commit to keep it)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def get_or_create_plan(enrolment: Enrolment) -> ActionPlan:
    plan = db.session.scalar(select(ActionPlan).where(ActionPlan.enrolment_id == enrolment.id))
    if plan is None:
        plan = ActionPlan(enrolment_id=enrolment.id, state=PlanState.DRAFT, draft=normalize({}),
                          draft_version=0, state_version=1)
        db.session.add(plan)
        db.session.flush()
    return plan


def save_draft(plan: ActionPlan, content: dict, expected_version: int,
               now: dt.datetime) -> ActionPlan:
    """Store the working copy, unless it changed since the form was loaded."""
    if plan.state not in EDITABLE:
        raise PlanError(_("This plan has been submitted and cannot be edited now."))
    result = db.session.execute(
        update(ActionPlan)
        .where(ActionPlan.id == plan.id, ActionPlan.draft_version == expected_version,
               ActionPlan.state.in_([str(s) for s in EDITABLE]))
        .values(draft=normalize(content), draft_version=ActionPlan.draft_version + 1,
                draft_saved_at=now))
    db.session.refresh(plan)
    if result.rowcount != 1:
        if plan.state not in EDITABLE:
            raise PlanError(_("This plan has been submitted and cannot be edited now."))
        raise StaleDraft(_("A newer version of this draft was saved at %(time)s (perhaps in "
                           "another window). Your text was not saved: it is shown below so "
                           "you can copy what you need, then reload the page.",
                           time=plan.draft_saved_at.strftime("%H:%M:%S")
                           if plan.draft_saved_at else "?"))
    return plan


def lock_plan(plan: ActionPlan, *related: object) -> None:
    """Serialise the steps on one plan that read before they write (two assessors sending at
    once, a double click, two tabs): hold its row until the transaction ends, then read the
    plan, and the RELATED objects loaded from it (its seminars), afresh."""
    db.session.scalar(select(ActionPlan.id).where(ActionPlan.id == plan.id).with_for_update())
    for loaded in (plan, *related):
        db.session.expire(loaded)


def _ensure_fresh(plan: ActionPlan, expected_state_version: int | None) -> None:
    """Refuse a form loaded before someone else changed the plan."""
    if expected_state_version is not None and plan.state_version != expected_state_version:
        raise ConcurrentChange()


def _change_state(plan: ActionPlan, action: PlanAction, expected_state_version: int | None,
                  **values: object) -> PlanState:
    """Move the plan along the workflow atomically; refuse if someone moved it first."""
    _ensure_fresh(plan, expected_state_version)
    try:
        new_state = next_state(PlanState(plan.state), action, plan.enrolment.cohort.full_path)
    except TransitionError:
        raise PlanError(_("This step is not possible while the plan is in its current state; "
                          "reload the page.")) from None
    condition = [ActionPlan.id == plan.id, ActionPlan.state == plan.state]
    if expected_state_version is not None:
        condition.append(ActionPlan.state_version == expected_state_version)
    result = db.session.execute(
        update(ActionPlan).where(*condition)
        .values(state=str(new_state), state_version=ActionPlan.state_version + 1, **values))
    if result.rowcount != 1:
        raise ConcurrentChange()
    db.session.refresh(plan)
    return new_state


def submit(plan: ActionPlan, actor: User, content: dict, expected_version: int,
           now: dt.datetime) -> PlanVersion:
    """Save the typed text, check it is complete, and freeze it as the next version: to the
    mentor first when the cohort's full path needs an endorsement not yet given, else to
    the coaches. Raises :class:`IncompletePlan` with the draft saved, so the caller can keep
    it."""
    save_draft(plan, content, expected_version, now)
    problems = missing_fields(plan.draft)
    if problems:
        raise IncompletePlan(problems)
    number = len(plan.versions) + 1
    cohort = plan.enrolment.cohort
    to_mentor = needs_endorsement(plan)
    _change_state(plan, PlanAction.SUBMIT_TO_MENTOR if to_mentor else PlanAction.SUBMIT, None,
                  reviewer_id=None, review_started_at=None)
    version = PlanVersion(plan_id=plan.id, number=number, content=plan.draft, submitted_at=now)
    db.session.add(version)
    db.session.flush()
    record(actor, "plan.submitted", "action_plan", plan.id, at=now, version=number,
           to_mentor=to_mentor)
    resolve(plan_topic(plan.id), [NotificationKind.REVISION_REQUESTED], now)
    if to_mentor:
        endorsers = ([plan.enrolment.mentor] if mentor_can_act(plan.enrolment)
                     else cohort_facilitators(cohort))
        notify_all(endorsers, NotificationKind.ENDORSEMENT_REQUESTED,
                   "project.mentor_plan", {"plan_id": plan.id},
                   subject=plan.enrolment.user.full_name, cohort=cohort,
                   topic=plan_topic(plan.id), at=now)
    else:
        ask_coaches(plan, actor, resubmitted=number > 1, now=now)
    return version


def needs_endorsement(plan: ActionPlan) -> bool:
    """The cohort's full path asks for the mentor's endorsement and the plan has not been
    endorsed yet (an endorsement stands through later revisions). Without a mentor who can
    act, a coach or an admin endorses in the mentor's place."""
    cohort = plan.enrolment.cohort
    return cohort.full_path and cohort.endorsement_required and plan.endorsed_at is None


def ask_coaches(plan: ActionPlan, actor: User, *, resubmitted: bool, now: dt.datetime) -> None:
    """Tell the cohort's facilitators that the plan waits for their review."""
    notify_all([f for f in cohort_facilitators(plan.enrolment.cohort) if f.id != actor.id],
               NotificationKind.PLAN_RESUBMITTED if resubmitted
               else NotificationKind.PLAN_SUBMITTED,
               "grading.screen", {"plan_id": plan.id}, subject=plan.enrolment.user.full_name,
               cohort=plan.enrolment.cohort, topic=plan_topic(plan.id), at=now)


def start_review(plan: ActionPlan, grader: User, expected_state_version: int,
                 now: dt.datetime) -> None:
    _change_state(plan, PlanAction.START_REVIEW, expected_state_version, reviewer_id=grader.id,
                  review_started_at=now)
    record(grader, "plan.review_started", "action_plan", plan.id, at=now,
           version=plan.latest_version.number)
    resolve(plan_topic(plan.id), WAITING_FOR_A_GRADER, now)


def _checked_levels(rubric: Rubric, levels: Mapping[str, int | None]) -> dict[str, int]:
    chosen = {}
    missing = []
    for criterion in rubric.criteria:
        points = levels.get(criterion.id)
        if points is None or criterion.level(points) is None:
            missing.append(criterion.title)
        else:
            chosen[criterion.id] = points
    if missing:
        raise PlanError(_("Choose a level for every criterion: %(list)s.",
                          list=", ".join(missing)))
    return chosen


def _cap_details(result: Grade) -> dict:
    """For the audit trail: the criteria below their minimum and the predicate the score
    alone would have given (nothing when no criterion is below its minimum)."""
    if not result.below_minimum:
        return {}
    return {"below_minimum": list(result.below_minimum), "predicate_by_score": result.by_score}


def _add_review(plan: ActionPlan, grader: User, rubric: Rubric, action: PlanAction,
                levels: dict[str, int], comments: Mapping[str, str], overall_comment: str,
                score: float, label: str, now: dt.datetime, reason: str | None = None
                ) -> PlanReview:
    """The review of the plan's latest version, as graded (comments trimmed, empty ones
    dropped)."""
    review = PlanReview(plan_id=plan.id, version_id=plan.latest_version.id, grader_id=grader.id,
                        decision=action, rubric_slug=rubric.slug, levels=levels,
                        comments={k: v.strip() for k, v in comments.items() if v.strip()},
                        overall_comment=overall_comment.strip(), score=score, predicate=label,
                        reason=reason, created_at=now)
    db.session.add(review)
    db.session.flush()
    return review


def decide(plan: ActionPlan, grader: User, rubric: Rubric, thresholds: list[Threshold], *,
           decision: str, levels: Mapping[str, int | None], comments: Mapping[str, str],
           overall_comment: str, expected_state_version: int, now: dt.datetime) -> PlanReview:
    """Request a revision or approve with a grade; the score is computed here."""
    _ensure_fresh(plan, expected_state_version)
    action = {"request_revision": PlanAction.REQUEST_REVISION, "approve": PlanAction.APPROVE}.get(
        decision)
    if action is None:
        raise PlanError(_("Choose a decision: request a revision or approve."))
    if action is PlanAction.APPROVE and plan.enrolment.cohort.full_path:
        raise PlanError(_("In this cohort the plan is graded at the design seminar by the "
                          "examiner and the coach: send it to the seminar instead."))
    chosen = _checked_levels(rubric, levels)
    if action is PlanAction.REQUEST_REVISION and not overall_comment.strip():
        raise PlanError(_("Explain in the overall comment what the participant should revise."))
    result = grade(rubric, chosen, thresholds)
    score, label = result.score, result.predicate
    extra = {"score": score, "predicate": label, "approved_at": now} \
        if action is PlanAction.APPROVE else {}
    _change_state(plan, action, expected_state_version, **extra)
    review = _add_review(plan, grader, rubric, PlanAction(action), chosen, comments,
                         overall_comment, score, label, now)
    record(grader, f"plan.{action}", "action_plan", plan.id, at=now,
           version=plan.latest_version.number, score=score, predicate=label,
           **_cap_details(result))
    approved = action is PlanAction.APPROVE
    resolve(plan_topic(plan.id), WAITING_FOR_A_GRADER, now)
    notify(plan.enrolment.user,
           NotificationKind.PLAN_APPROVED if approved else NotificationKind.REVISION_REQUESTED,
           "plans.plan", {"cohort_slug": plan.enrolment.cohort.slug},
           cohort=plan.enrolment.cohort, detail=review.overall_comment, topic=plan_topic(plan.id),
           at=now)
    return review


def change_grade(plan: ActionPlan, grader: User, rubric: Rubric, thresholds: list[Threshold],
                 *, levels: Mapping[str, int | None], comments: Mapping[str, str],
                 overall_comment: str, reason: str, expected_state_version: int,
                 now: dt.datetime) -> PlanReview:
    """Change a released grade; a reason is required and recorded."""
    _ensure_fresh(plan, expected_state_version)
    if plan.enrolment.cohort.full_path:
        raise PlanError(_("In this cohort the grade comes from the design seminar's two "
                          "assessors; it cannot be changed by one grader."))
    if not reason.strip():
        raise PlanError(_("Give the reason for changing a released grade."))
    chosen = _checked_levels(rubric, levels)
    old = {"score": plan.score, "predicate": plan.predicate}
    result = grade(rubric, chosen, thresholds)
    score, label = result.score, result.predicate
    _change_state(plan, PlanAction.CHANGE_GRADE, expected_state_version, score=score,
                  predicate=label)
    review = _add_review(plan, grader, rubric, PlanAction.CHANGE_GRADE, chosen, comments,
                         overall_comment, score, label, now, reason=reason.strip())
    record(grader, "plan.grade_changed", "action_plan", plan.id, at=now, reason=reason.strip(),
           old_score=old["score"], old_predicate=old["predicate"], score=score,
           predicate=label, **_cap_details(result))
    return review


def post_update(plan: ActionPlan, *, activity_index: int, status: str,
                note: str, indicator_value: str, reported_on: dt.date,
                today: dt.date) -> PlanUpdate:
    """A dated progress report on one milestone of an approved plan."""
    if plan.state != PlanState.APPROVED:
        raise PlanError(_("Progress updates start once the plan is approved."))
    activities = plan.latest_version.content.get("activities", [])
    if not 0 <= activity_index < len(activities):
        raise PlanError(_("Choose one of the plan's milestones."))
    if status not in set(UpdateStatus):
        raise PlanError(_("Choose a status: done, in progress or blocked."))
    if reported_on > today:
        raise PlanError(_("The date of an update cannot be in the future."))
    if len(note) > MAX_NOTE:
        raise PlanError(_("Keep the note under %(n)d characters.", n=MAX_NOTE))
    row = activities[activity_index]
    entry = PlanUpdate(plan_id=plan.id, activity_index=activity_index,
                       activity_label=f"{row['activity']} — {row['milestone']}"[:300],
                       status=status, note=note.strip(), indicator_value=indicator_value.strip(),
                       reported_on=reported_on)
    db.session.add(entry)
    db.session.flush()
    return entry
