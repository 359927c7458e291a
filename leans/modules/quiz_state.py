"""A reader's tests for a module, from their progress and attempts."""

from __future__ import annotations

from leans.assessments.quizzes.attempts import QuizState, attempts_of
from leans.content.model import Module
from leans.core.permissions import can_change
from leans.modules.place import Place
from leans.modules.progress import ModuleProgress, ProgressStatus


def quiz_state(place: Place, module: Module, progress: ModuleProgress) -> QuizState:
    """The reader's tests for a module (no attempts for staff previews)."""
    attempts = attempts_of([place.enrolment.id], module.slug) if place.enrolment else []
    return QuizState(module, attempts,
                     lessons_done=progress.lessons_done == progress.lessons_total,
                     started_reading=progress.lessons_done > 0,
                     locked=progress.status is ProgressStatus.LOCKED,
                     closed=place.cohort is not None and not can_change(place.cohort))
