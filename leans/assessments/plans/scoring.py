"""Rubric scoring and qualification predicates: plain functions on plain values."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from leans.content.rubric import Rubric

_THRESHOLD_RE = re.compile(r"^\s*(.+?)\s*(>=|>)\s*(\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Threshold:
    predicate: str
    inclusive: bool
    value: float

    def admits(self, score: float) -> bool:
        return score >= self.value if self.inclusive else score > self.value


class ThresholdError(ValueError):
    pass


def parse_thresholds(text: str) -> list[Threshold]:
    """``"Sangat Memuaskan>90;Memuaskan>80;...;Tidak Memuaskan>=0"``, highest first."""
    thresholds = []
    for part in filter(str.strip, text.split(";")):
        match = _THRESHOLD_RE.match(part)
        if not match:
            raise ThresholdError(f"predicate range {part.strip()!r} must look like "
                                 "'Memuaskan>80' or 'Tidak Memuaskan>=0'")
        name, op, value = match.groups()
        thresholds.append(Threshold(name, op == ">=", float(value)))
    if not thresholds:
        raise ThresholdError("no predicate ranges configured")
    values = [t.value for t in thresholds]
    if values != sorted(values, reverse=True):
        raise ThresholdError("predicate ranges must go from the highest to the lowest score")
    return thresholds


def predicate(score: float, thresholds: list[Threshold]) -> str:
    """The first predicate whose range admits the score (ranges are highest first)."""
    for threshold in thresholds:
        if threshold.admits(score):
            return threshold.predicate
    return thresholds[-1].predicate


def weighted_score(rubric: Rubric, levels: Mapping[str, int]) -> float:
    """Total score 0-100: each criterion's points as a share of its best level, weighted."""
    total_weight = sum(c.weight for c in rubric.criteria)
    score = 0.0
    for criterion in rubric.criteria:
        points = levels[criterion.id]
        score += criterion.weight * points / criterion.max_points
    return round(score * 100 / total_weight, 2)
