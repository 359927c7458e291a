"""Rubric scoring and qualification predicates: plain functions on plain values.

A plan's score is the weighted mean of its levels' scores on the rubric's scale (the lowest
level 0, the highest 100); its predicate is the configured range the score falls in, capped
at the rubric's ``below_minimum_cap`` when a criterion is graded below its ``min_level``.
Predicate ranges are parsed in :mod:`leans.content.rubric`, where the content check compares
them with the rubric's bands; they are re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from leans.content.rubric import Rubric, Threshold, ThresholdError, parse_thresholds, predicate

__all__ = ["Grade", "Threshold", "ThresholdError", "cap", "grade", "parse_thresholds",
           "predicate", "weighted_score"]


def weighted_score(rubric: Rubric, levels: Mapping[str, int]) -> float:
    """Total score 0-100: each criterion's level score (from the scale), weighted."""
    total_weight = sum(c.weight for c in rubric.criteria)
    score = 0.0
    for criterion in rubric.criteria:
        level = criterion.level(levels[criterion.id])
        if level is None:
            raise ValueError(f"{levels[criterion.id]} points is not a level of "
                             f"'{criterion.id}'")
        score += criterion.weight * level.score
    return round(score / total_weight, 2)


def cap(label: str, ceiling: str, thresholds: list[Threshold]) -> str:
    """The lower of two predicates (the ranges are highest first)."""
    order = [t.predicate for t in thresholds]
    if ceiling not in order:
        raise ThresholdError(f"the cap '{ceiling}' is not one of the configured predicates "
                             f"({', '.join(order)})")
    return order[max(order.index(label), order.index(ceiling))]


@dataclass(frozen=True)
class Grade:
    score: float
    #: The predicate given: the score's, capped when a criterion is below its minimum.
    predicate: str
    #: The score's predicate before the cap.
    by_score: str
    #: Ids of the criteria graded below their minimum level, in the rubric's order.
    below_minimum: tuple[str, ...]

    @property
    def capped(self) -> bool:
        return self.predicate != self.by_score


def grade(rubric: Rubric, levels: Mapping[str, int], thresholds: list[Threshold]) -> Grade:
    """The score and the predicate of a plan graded with LEVELS (criterion id -> points)."""
    score = weighted_score(rubric, levels)
    by_score = predicate(score, thresholds)
    below = tuple(c.id for c in rubric.below_minimum(levels))
    label = cap(by_score, rubric.below_minimum_cap, thresholds) if below else by_score
    return Grade(score, label, by_score, below)
