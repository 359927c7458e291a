"""Loading the recorded facts that completion rules are applied to, in a fixed number of
queries: lesson completions, post-test results, approved plans and sent task answers."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, literal, null, select, union_all

from leans.assessments.plans.models import ActionPlan
from leans.assessments.plans.states import DESIGN_APPROVED
from leans.assessments.quizzes.attempts import post_test_passed_at
from leans.assessments.quizzes.models import QuizAttempt
from leans.assessments.tasks.models import TaskAnswer
from leans.content.model import Catalogue
from leans.core.extensions import UTCDateTime, db
from leans.core.models import Enrolment
from leans.modules.models import LessonCompletion
from leans.modules.progress import ModuleFacts

#: enrolment id -> module slug -> facts
FactsByEnrolment = dict[int, dict[str, ModuleFacts]]


#: Stands for "done, time not loaded" when a report needs only what is done, not when.
UNKNOWN_TIME = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _collect(rows: Iterable, catalogue: Catalogue) -> FactsByEnrolment:
    """Group the uniform fact rows (kind, enrolment, module, item, at, passed, score, number)
    by enrolment and module, and apply each bank's best/last policy to the post-tests."""
    lesson_times: dict[tuple[int, str], dict[str, dt.datetime]] = defaultdict(dict)
    task_times: dict[tuple[int, str], dict[str, dt.datetime]] = defaultdict(dict)
    post_attempts: dict[tuple[int, str], list] = defaultdict(list)
    approved: dict[int, dt.datetime] = {}
    for kind, enrolment_id, module_slug, item, at, passed, score, number in rows:
        if kind == "l":
            lesson_times[(enrolment_id, module_slug)][item] = at or UNKNOWN_TIME
        elif kind == "t":
            task_times[(enrolment_id, module_slug)][item] = at or UNKNOWN_TIME
        elif kind == "q":
            post_attempts[(enrolment_id, module_slug)].append(
                _Attempt(number, at, bool(passed), score))
        else:
            approved[enrolment_id] = at
    plan_modules = [m.slug for m in catalogue.modules if "action_plan" in m.completion]
    keys = lesson_times.keys() | post_attempts.keys() | task_times.keys()
    keys |= {(enrolment_id, slug) for enrolment_id in approved for slug in plan_modules}
    facts: FactsByEnrolment = defaultdict(dict)
    for key in keys:
        enrolment_id, module_slug = key
        module = catalogue.module(module_slug)
        quiz = module.quiz_for("post") if module else None
        passed_at = (post_test_passed_at(post_attempts[key], quiz.score_policy)
                     if quiz and key in post_attempts else None)
        facts[enrolment_id][module_slug] = ModuleFacts(
            lesson_times.get(key, {}), passed_at, approved.get(enrolment_id),
            task_times.get(key, {}))
    return facts


@dataclass(frozen=True)
class _Attempt:
    number: int
    submitted_at: dt.datetime
    passed: bool
    score: float | None


def _facts_query(enrolments, with_times: bool = True):
    """One UNION ALL of lesson completions, submitted post-tests, approved plans and sent
    task answers of the enrolments the ``enrolments`` condition (a column clause on
    ``enrolment_id``) selects."""
    lesson_time = (LessonCompletion.completed_at if with_times
                   else literal(None, UTCDateTime))  # keeps the column's type for the union
    task_time = TaskAnswer.first_submitted_at if with_times else literal(None, UTCDateTime)
    none = null()
    lessons = select(literal("l"), LessonCompletion.enrolment_id, LessonCompletion.module_slug,
                     LessonCompletion.lesson_slug, lesson_time, none, none, none).where(
        enrolments(LessonCompletion.enrolment_id))
    attempts = select(literal("q"), QuizAttempt.enrolment_id, QuizAttempt.module_slug, none,
                      QuizAttempt.submitted_at, QuizAttempt.passed, QuizAttempt.score,
                      QuizAttempt.number).where(
        enrolments(QuizAttempt.enrolment_id), QuizAttempt.kind == "post",
        QuizAttempt.submitted_at.is_not(None))
    plans = select(literal("p"), ActionPlan.enrolment_id, none, none, ActionPlan.approved_at,
                   none, none, none).where(
        enrolments(ActionPlan.enrolment_id),
        ActionPlan.state.in_([str(s) for s in DESIGN_APPROVED]))
    tasks = select(literal("t"), TaskAnswer.enrolment_id, TaskAnswer.module_slug,
                   TaskAnswer.task_id, task_time, none, none, none).where(
        enrolments(TaskAnswer.enrolment_id), TaskAnswer.submitted_at.is_not(None))
    return union_all(lessons, attempts, plans, tasks)


#: Built once: the participant pages run it on every request.
_BY_IDS = _facts_query(lambda column: column.in_(bindparam("ids", expanding=True)))


def load_facts(enrolment_ids: Iterable[int], catalogue: Catalogue) -> FactsByEnrolment:
    """Facts of some enrolments (a participant's trainings), in one query."""
    ids = list(enrolment_ids)
    if not ids:
        return defaultdict(dict)
    return _collect(db.session.execute(_BY_IDS, {"ids": ids}), catalogue)


def load_cohort_facts(cohort_id: int, catalogue: Catalogue,
                      with_times: bool = True) -> FactsByEnrolment:
    """Facts of every enrolment of a cohort; reports that need only *what* is done skip
    reading lesson times (the slowest part with thousands of participants)."""
    in_cohort = select(Enrolment.id).where(Enrolment.cohort_id == cohort_id).scalar_subquery()
    query = _facts_query(lambda column: column.in_(in_cohort), with_times)
    return _collect(db.session.execute(query), catalogue)
