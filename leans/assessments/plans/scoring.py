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

__all__ = ["Grade", "SeminarGrade", "Threshold", "ThresholdError", "cap", "combine", "grade",
           "level_gap", "parse_thresholds", "predicate", "weighted_score"]


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


@dataclass(frozen=True)
class SeminarGrade:
    """Two assessors' scoring combined: the criteria they differ on by more than the gap
    (moderation needed while any is unresolved), and, once none is, the grade."""

    #: Criterion ids on which the two differ by more than the allowed gap, in rubric order.
    disputed: tuple[str, ...]
    #: The combined grade; None while a disputed criterion is unresolved.
    grade: Grade | None


def level_gap(rubric: Rubric, criterion_id: str, a: int, b: int) -> int:
    """How many levels apart two points of one criterion are."""
    criterion = next(c for c in rubric.criteria if c.id == criterion_id)
    order = sorted(level.points for level in criterion.levels)
    return abs(order.index(a) - order.index(b))


def combine(rubric: Rubric, examiner: Mapping[str, int], coach: Mapping[str, int], *,
            examiner_weight: int, gap: int, thresholds: list[Threshold],
            resolved: Mapping[str, int] | None = None) -> SeminarGrade:
    """Combine the examiner's and the coach's levels: on each criterion, the level scores
    weighted (EXAMINER_WEIGHT percent for the examiner), or the examiner's RESOLVED level
    after moderation. The predicate is capped when a criterion's combined score is below its
    minimum level's score."""
    resolved = resolved or {}
    disputed = tuple(c.id for c in rubric.criteria
                     if level_gap(rubric, c.id, examiner[c.id], coach[c.id]) > gap)
    if any(cid not in resolved for cid in disputed):
        return SeminarGrade(disputed, None)
    total_weight = sum(c.weight for c in rubric.criteria)
    score, below = 0.0, []
    for criterion in rubric.criteria:
        if criterion.id in resolved:
            value = criterion.level(resolved[criterion.id]).score
        else:
            value = (examiner_weight * criterion.level(examiner[criterion.id]).score
                     + (100 - examiner_weight) * criterion.level(coach[criterion.id]).score
                     ) / 100
        if value < criterion.minimum.score:
            below.append(criterion.id)
        score += criterion.weight * value
    score = round(score / total_weight, 2)
    by_score = predicate(score, thresholds)
    label = cap(by_score, rubric.below_minimum_cap, thresholds) if below else by_score
    return SeminarGrade(disputed, Grade(score, label, by_score, tuple(below)))
