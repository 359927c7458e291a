"""What a participant sees on the dashboard: each training's modules, its one next step, the
action plan's state, and JP."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from leans.assessments.plans.content import missing_fields, normalize
from leans.assessments.plans.models import ActionPlan, PlanReview, PlanVersion
from leans.assessments.plans.states import AWAITING_GRADER, PlanAction, PlanState
from leans.assessments.quizzes.models import QuizAttempt
from leans.content.model import Catalogue, Lesson, Module
from leans.content.quiz import QuizKind
from leans.core.extensions import db
from leans.core.labels import Labelled
from leans.core.models import Cohort, Enrolment, User
from leans.modules.facts import load_facts
from leans.modules.ledger import JpSummary, credits, summarize
from leans.modules.progress import (
    ModuleProgress,
    ProgressStatus,
    overall_percent,
    training_progress,
)
from leans.modules.training import training_modules

#: Full path: the plan waits for the mentor or a seminar's assessors.
AWAITING_OTHERS = frozenset({PlanState.AWAITING_ENDORSEMENT, PlanState.DESIGN_SEMINAR,
                             PlanState.DESIGN_MODERATION, PlanState.REPORT_SEMINAR,
                             PlanState.REPORT_MODERATION})

class NextStepKind(Labelled):
    """The one thing a participant should do next in a training."""

    PRE_TEST = "pre_test"
    CONTINUE_LESSON = "continue_lesson"
    POST_TEST = "post_test"
    REVISE_PLAN = "revise_plan"
    SUBMIT_PLAN = "submit_plan"
    AWAIT_GRADING = "await_grading"
    CARRY_OUT_PLAN = "carry_out_plan"
    DOWNLOAD_CERTIFICATE = "download_certificate"
    COMPLETE = "complete"


@dataclass(frozen=True)
class RevisionNote:
    """The facilitator's words on the latest review that sent the plan back."""

    comment: str
    grader: str
    at: dt.datetime


@dataclass(frozen=True)
class PlanSnapshot:
    """What the dashboard needs of a participant's action plan."""

    id: int
    state: PlanState
    #: The draft holds something the participant typed.
    has_content: bool
    #: The draft could be submitted as it is (nothing required is missing).
    ready: bool
    #: When the latest version was submitted, if one was.
    submitted_at: dt.datetime | None = None
    revision: RevisionNote | None = None
    #: The cohort's full path expects milestones reported and an implementation report.
    report_expected: bool = False


class IssuedCertificate(Protocol):
    """A valid certificate, as the certificate registry hands it over."""

    id: int
    number: str


@dataclass(frozen=True)
class NextStep:
    """One primary next step, with what the page needs to say and link it."""

    kind: NextStepKind
    #: PRE_TEST, POST_TEST: the module; CONTINUE_LESSON: the module and its lesson (None:
    #: the module's page).
    module: Module | None = None
    lesson: Lesson | None = None
    #: AWAIT_GRADING: when the plan was submitted.
    since: dt.datetime | None = None
    #: REVISE_PLAN: the facilitator's comment.
    revision: RevisionNote | None = None
    #: SUBMIT_PLAN: whether the draft already holds something, and all that is required.
    plan_has_content: bool = False
    plan_ready: bool = False
    #: DOWNLOAD_CERTIFICATE: the certificate.
    certificate: IssuedCertificate | None = None


def _learning_step(p: ModuleProgress, pre_tests_taken: Collection[str],
                   closed: bool) -> NextStep | None:
    """The module's pre-test (before any of its lessons), next lesson or post-test."""
    if p.status in (ProgressStatus.COMPLETE, ProgressStatus.LOCKED):
        return None
    module = p.module
    if (module.quiz_for(QuizKind.PRE) is not None and module.slug not in pre_tests_taken
            and not p.done and not closed):
        return NextStep(NextStepKind.PRE_TEST, module)
    slug = p.next_lesson_slug()
    if slug:
        return NextStep(NextStepKind.CONTINUE_LESSON, module, module.lesson(slug))
    task = next((m for m in p.missing if m.kind == "task"), None)
    if task is not None:  # every lesson read, a task not yet sent: back to its lesson
        return NextStep(NextStepKind.CONTINUE_LESSON, module, module.lesson(task.slug))
    if ("post_test" in module.completion and not p.post_test_passed
            and module.quiz_for(QuizKind.POST) is not None):
        return NextStep(NextStepKind.POST_TEST, module)
    return None


def next_step(progress: Sequence[ModuleProgress], *, plan: PlanSnapshot | None = None,
              pre_tests_taken: Collection[str] = (),
              certificate: IssuedCertificate | None = None,
              closed: bool = False) -> NextStep:
    """The one next step of a training, first match wins:

    1. revise the action plan the facilitator sent back (with the comment);
    2. download the valid certificate;
    3. submit the action plan when its draft is complete and waiting to be submitted;
    4. the first unfinished, unlocked module's pre-test (while none of its lessons is done
       and the cohort is open), its next lesson, or its post-test;
    5. write and submit the action plan a module still requires;
    6. wait for the plan's grading (since it was submitted), or for the mentor or a
       seminar on the full path;
    7. on the full path, carry out the approved plan: milestones, then the report;
    8. the training is complete; otherwise the first unfinished module's page.
    """
    if plan is not None and plan.state is PlanState.REVISION_REQUESTED:
        return NextStep(NextStepKind.REVISE_PLAN, revision=plan.revision)
    if certificate is not None:
        return NextStep(NextStepKind.DOWNLOAD_CERTIFICATE, certificate=certificate)
    plan_needed = any("action_plan" in p.module.completion and not p.plan_approved
                      for p in progress)
    drafting = plan is None or plan.state is PlanState.DRAFT
    if plan_needed and plan is not None and drafting and plan.ready:
        return NextStep(NextStepKind.SUBMIT_PLAN, plan_has_content=True, plan_ready=True)
    for p in progress:
        step = _learning_step(p, pre_tests_taken, closed)
        if step is not None:
            return step
    if plan_needed and drafting:
        return NextStep(NextStepKind.SUBMIT_PLAN,
                        plan_has_content=plan is not None and plan.has_content)
    if plan is not None and (plan_needed and plan.state in AWAITING_GRADER
                             or plan.state in AWAITING_OTHERS):
        return NextStep(NextStepKind.AWAIT_GRADING, since=plan.submitted_at)
    if plan is not None and plan.state is PlanState.APPROVED and plan.report_expected:
        return NextStep(NextStepKind.CARRY_OUT_PLAN)
    unfinished = next((p for p in progress if not p.complete), None)
    if unfinished is None:
        return NextStep(NextStepKind.COMPLETE)
    return NextStep(NextStepKind.CONTINUE_LESSON, unfinished.module)


@dataclass(frozen=True)
class Training:
    cohort: Cohort
    enrolment: Enrolment
    progress: list[ModuleProgress]
    #: The participant's action plan in this training, if one was started.
    plan: PlanSnapshot | None = None
    #: Slugs of the modules whose pre-test was submitted (loaded only where it matters).
    pre_tests_taken: frozenset[str] = frozenset()

    @property
    def overall_percent(self) -> int:
        return overall_percent(self.progress)

    def next_step(self, certificate: IssuedCertificate | None = None) -> NextStep:
        """The training's one next step (see :func:`next_step`)."""
        return next_step(self.progress, plan=self.plan, pre_tests_taken=self.pre_tests_taken,
                         certificate=certificate, closed=self.cohort.closed)


@dataclass(frozen=True)
class ParticipantOverview:
    trainings: list[Training]
    jp: JpSummary | None
    #: Valid certificates by enrolment id, filled in by the dashboard.
    certificates: dict = field(default_factory=dict)

    def step_of(self, training: Training) -> NextStep:
        """The training's next step, its valid certificate included."""
        return training.next_step(self.certificates.get(training.enrolment.id))


def _snapshot(plan: ActionPlan, submitted_at: dt.datetime | None,
              revision: RevisionNote | None) -> PlanSnapshot:
    draft = normalize(plan.draft or {})
    has_content = any(bool(value) for value in draft.values())
    return PlanSnapshot(plan.id, PlanState(plan.state), has_content,
                        has_content and not missing_fields(draft), submitted_at, revision,
                        plan.enrolment.cohort.full_path)


def _revision_notes(plan_ids: list[int]) -> dict[int, RevisionNote]:
    """The latest review that requested a revision, of each plan (one query)."""
    if not plan_ids:
        return {}
    rows = db.session.execute(
        select(PlanReview.plan_id, PlanReview.overall_comment, PlanReview.comments,
               PlanReview.created_at, User.full_name)
        .join(User, User.id == PlanReview.grader_id)
        .where(PlanReview.plan_id.in_(plan_ids),
               PlanReview.decision == PlanAction.REQUEST_REVISION)
        .order_by(PlanReview.id))
    notes = {}
    for plan_id, overall, comments, at, grader in rows:
        text = (overall or "").strip() or " · ".join(
            str(c).strip() for c in (comments or {}).values() if str(c or "").strip())
        notes[plan_id] = RevisionNote(text, grader, at)
    return notes


def plan_snapshots(enrolment_ids: Iterable[int]) -> dict[int, PlanSnapshot]:
    """The action plan of each enrolment that has one, by enrolment id (one query, and one
    more when a plan was sent back)."""
    ids = list(enrolment_ids)
    if not ids:
        return {}
    latest = (select(PlanVersion.plan_id, func.max(PlanVersion.submitted_at).label("at"))
              .group_by(PlanVersion.plan_id).subquery())
    rows = db.session.execute(
        select(ActionPlan, latest.c.at).outerjoin(latest, latest.c.plan_id == ActionPlan.id)
        .where(ActionPlan.enrolment_id.in_(ids))).all()
    notes = _revision_notes([plan.id for plan, _at in rows
                             if plan.state == PlanState.REVISION_REQUESTED])
    return {plan.enrolment_id: _snapshot(plan, at, notes.get(plan.id)) for plan, at in rows}


def pre_tests_taken(enrolment_ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """Modules whose pre-test each enrolment submitted (one query)."""
    ids = list(enrolment_ids)
    if not ids:
        return {}
    taken: dict[int, set[str]] = {}
    for enrolment_id, module_slug in db.session.execute(
            select(QuizAttempt.enrolment_id, QuizAttempt.module_slug).distinct()
            .where(QuizAttempt.enrolment_id.in_(ids), QuizAttempt.kind == QuizKind.PRE,
                   QuizAttempt.submitted_at.is_not(None))):
        taken.setdefault(enrolment_id, set()).add(module_slug)
    return {key: frozenset(value) for key, value in taken.items()}


def _may_offer_pre_test(progress: Sequence[ModuleProgress]) -> bool:
    """Whether a pre-test could be the next step, so whether taken ones must be loaded."""
    return any(p.status not in (ProgressStatus.COMPLETE, ProgressStatus.LOCKED)
               and p.module.quiz_for(QuizKind.PRE) is not None and not p.done
               for p in progress)


def participant_overview(user: User, catalogue: Catalogue, *, annual_target: float,
                         today: dt.date, timezone: str) -> ParticipantOverview:
    """All of a participant's trainings in a fixed number of queries."""
    enrolments = list(db.session.scalars(
        select(Enrolment).where(Enrolment.user_id == user.id)
        .options(selectinload(Enrolment.cohort).selectinload(Cohort.module_rows))))
    facts = load_facts((e.id for e in enrolments), catalogue)
    progress = {e.id: training_progress(training_modules(e.cohort, catalogue),
                                        facts.get(e.id, {})) for e in enrolments}
    active_ids = [e.id for e in enrolments if e.unenrolled_at is None]
    plans = plan_snapshots(active_ids)
    taken = pre_tests_taken(i for i in active_ids if _may_offer_pre_test(progress[i]))
    every = [Training(e.cohort, e, progress[e.id], plans.get(e.id),
                      taken.get(e.id, frozenset())) for e in enrolments]
    active = sorted((t for t in every if t.enrolment.unenrolled_at is None),
                    key=lambda t: t.cohort.starts_on, reverse=True)
    all_credits = [c for t in every for c in credits(t.cohort.name, t.progress)]
    jp = None
    if active:
        jp = summarize(active[0].progress, all_credits, annual_target=annual_target,
                       today=today, timezone=timezone)
    return ParticipantOverview(active, jp)
