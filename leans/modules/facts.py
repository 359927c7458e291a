"""Loading the recorded facts that completion rules are applied to, in a fixed number of
queries: lesson completions and post-test results."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import Select, null, select

from leans.assessments.models import QuizAttempt
from leans.assessments.plan_models import ActionPlan
from leans.assessments.plan_states import PlanState
from leans.assessments.quizzes import post_test_passed_at
from leans.content.model import Catalogue
from leans.extensions import db
from leans.models import Enrolment
from leans.modules.models import LessonCompletion
from leans.modules.progress import ModuleFacts

#: enrolment id -> module slug -> facts
FactsByEnrolment = dict[int, dict[str, ModuleFacts]]


#: Stands for "done, time not loaded" when a report needs only what is done, not when.
UNKNOWN_TIME = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _collect(lessons: Select, attempts: Select, plans: Select,
             catalogue: Catalogue) -> FactsByEnrolment:
    lesson_times: dict[tuple[int, str], dict[str, dt.datetime]] = defaultdict(dict)
    for enrolment_id, module_slug, lesson_slug, completed_at in db.session.execute(lessons):
        lesson_times[(enrolment_id, module_slug)][lesson_slug] = completed_at or UNKNOWN_TIME
    post_attempts: dict[tuple[int, str], list] = defaultdict(list)
    for attempt in db.session.execute(attempts):
        post_attempts[(attempt.enrolment_id, attempt.module_slug)].append(attempt)
    approved = dict(db.session.execute(plans).all())
    plan_modules = [m.slug for m in catalogue.modules if "action_plan" in m.completion]
    keys = lesson_times.keys() | post_attempts.keys()
    keys |= {(enrolment_id, slug) for enrolment_id in approved for slug in plan_modules}
    facts: FactsByEnrolment = defaultdict(dict)
    for key in keys:
        enrolment_id, module_slug = key
        module = catalogue.module(module_slug)
        quiz = module.quiz_for("post") if module else None
        passed_at = (post_test_passed_at(post_attempts[key], quiz.score_policy)
                     if quiz and key in post_attempts else None)
        facts[enrolment_id][module_slug] = ModuleFacts(lesson_times.get(key, {}), passed_at,
                                                       approved.get(enrolment_id))
    return facts


_LESSON_COLUMNS = (LessonCompletion.enrolment_id, LessonCompletion.module_slug,
                   LessonCompletion.lesson_slug, LessonCompletion.completed_at)
_PLAN_COLUMNS = (ActionPlan.enrolment_id, ActionPlan.approved_at)
_ATTEMPT_COLUMNS = (QuizAttempt.enrolment_id, QuizAttempt.module_slug, QuizAttempt.number,
                    QuizAttempt.submitted_at, QuizAttempt.passed, QuizAttempt.score)


def load_facts(enrolment_ids: Iterable[int], catalogue: Catalogue) -> FactsByEnrolment:
    """Facts of some enrolments (a participant's trainings)."""
    ids = list(enrolment_ids)
    if not ids:
        return defaultdict(dict)
    return _collect(
        select(*_LESSON_COLUMNS).where(LessonCompletion.enrolment_id.in_(ids)),
        select(*_ATTEMPT_COLUMNS).where(QuizAttempt.enrolment_id.in_(ids),
                                        QuizAttempt.kind == "post",
                                        QuizAttempt.submitted_at.is_not(None)),
        select(*_PLAN_COLUMNS).where(ActionPlan.enrolment_id.in_(ids),
                                     ActionPlan.state == PlanState.APPROVED),
        catalogue)


def load_cohort_facts(cohort_id: int, catalogue: Catalogue,
                      with_times: bool = True) -> FactsByEnrolment:
    """Facts of every enrolment of a cohort; reports that need only *what* is done skip
    reading lesson times (the slowest part with thousands of participants)."""
    columns = _LESSON_COLUMNS if with_times else (*_LESSON_COLUMNS[:3], null())
    return _collect(
        select(*columns).join(Enrolment, Enrolment.id == LessonCompletion.enrolment_id)
        .where(Enrolment.cohort_id == cohort_id),
        select(*_ATTEMPT_COLUMNS).join(Enrolment, Enrolment.id == QuizAttempt.enrolment_id)
        .where(Enrolment.cohort_id == cohort_id, QuizAttempt.kind == "post",
               QuizAttempt.submitted_at.is_not(None)),
        select(*_PLAN_COLUMNS).join(Enrolment, Enrolment.id == ActionPlan.enrolment_id)
        .where(Enrolment.cohort_id == cohort_id, ActionPlan.state == PlanState.APPROVED),
        catalogue)
