"""A reader's tests for a module, from their progress and attempts."""

from __future__ import annotations

from collections.abc import Sequence

from leans.assessments.quizzes.attempts import QuizState, attempts_of
from leans.assessments.quizzes.scoring import ObjectiveScore, Snapshot, objective_scores
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


def objective_rows(module: Module, questions: Sequence[Snapshot], points: Sequence[float],
                   min_asked: int = 1) -> list[tuple[str, ObjectiveScore]]:
    """An attempt's score per objective with each objective's text, in the module's order;
    an objective no longer in the module comes last, named by its id. Empty for attempts
    stored without objectives. Objectives asked by fewer than MIN_ASKED questions are left
    out: while the answers are hidden, "1 of 1" would give a key away."""
    order = {objective.id: index for index, objective in enumerate(module.objectives)}
    scores = sorted((s for s in objective_scores(questions, points) if s.asked >= min_asked),
                    key=lambda score: order.get(score.objective_id, len(order)))
    return [(objective.text if (objective := module.objective(s.objective_id))
             else s.objective_id, s) for s in scores]
