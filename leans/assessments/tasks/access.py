"""Which tasks and answers a user may reach: load-and-check helpers (the questions
themselves are answered in ``leans.core.permissions``)."""

from __future__ import annotations

from flask import abort

from leans.assessments.tasks.models import TaskAnswer
from leans.content import get_catalogue
from leans.content.model import Lesson, Module, Task
from leans.core.extensions import db
from leans.core.models import Cohort, User
from leans.core.permissions import can_read_task_answer


def cohort_modules(cohort: Cohort) -> list[Module]:
    """The cohort's modules in its order; slugs missing from the content are skipped."""
    catalogue = get_catalogue()
    return [m for slug in cohort.module_slugs if (m := catalogue.module(slug)) is not None]


def find_task(cohort: Cohort, module_slug: str, task_id: str) -> tuple[Module, Lesson, Task]:
    """An answerable task of one of the cohort's modules, with its module and lesson; 404
    when the cohort has no such module or the module no such task."""
    module = get_catalogue().module(module_slug) if module_slug in cohort.module_slugs else None
    found = next(((lesson, task) for lesson, task in module.tasks if task.id == task_id),
                 None) if module is not None else None
    if found is None:
        abort(404)
    return module, found[0], found[1]


def get_answer_or_404(cohort: Cohort, answer_id: int, user: User) -> TaskAnswer:
    """An answer of the cohort that USER may read (staff: sent answers only) by someone still
    enrolled; 404 otherwise, so identifiers reveal nothing."""
    answer = db.session.get(TaskAnswer, answer_id)
    if (answer is None or answer.enrolment.cohort_id != cohort.id
            or answer.enrolment.unenrolled_at is not None
            or not can_read_task_answer(user, answer)):
        abort(404)
    return answer
