"""Drawing questions for an attempt and scoring answers: plain functions on plain values.

An attempt stores a snapshot of the questions it drew (text, options in display order, which
are correct, explanation, the objectives each assesses), so scoring, feedback and the score
per objective never depend on later edits of the bank.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass

from leans.content.quiz import Quiz

#: One drawn question as stored: {"id", "type", "scoring", "text", "options": [{"text",
#: "correct"}], "explanation", "objectives": [objective id, ...]}; options are in the order
#: shown. Attempts drawn before content format v2 have no "objectives".
Snapshot = dict


def least_seen(ids: Sequence[str], count: int, seen: Mapping[str, int], seed: int) -> list[str]:
    """The ``count`` ids seen least often (``seen``: times each was drawn before, 0 if
    absent), in ``ids`` order. Ties are broken by a random order fixed by ``seed``: with
    nothing seen it is a plain random subset, and a retake gets different items while the
    pool has unseen ones."""
    order = list(range(len(ids)))
    random.Random(seed).shuffle(order)  # noqa: S311 - fairness, not secrecy
    ranked = sorted(order, key=lambda index: seen.get(ids[index], 0))  # stable: keeps ties
    return [ids[index] for index in sorted(ranked[:count])]


def times_seen(earlier: Iterable[Sequence[Snapshot]]) -> Counter[str]:
    """How many of the given draws (each a list of snapshots) held each question id."""
    return Counter(question["id"] for questions in earlier for question in questions)


def draw(quiz: Quiz, kind: str, seed: int, seen: Mapping[str, int] | None = None
         ) -> list[Snapshot]:
    """The questions of a ``kind`` (pre or post) attempt: ``quiz.draw`` items of that form's
    pool only, the least seen first (:func:`least_seen`), shuffled if the bank says so.

    The same bank, kind, seed and ``seen`` always give the same draw.
    """
    pool = {question.id: question for question in quiz.pool(kind)}
    chosen = least_seen(list(pool), min(quiz.draw, len(pool)), seen or {}, seed)
    rng = random.Random(seed + 1)  # noqa: S311 - fairness, not secrecy
    if quiz.shuffle:
        rng.shuffle(chosen)
    drawn = []
    for question in (pool[qid] for qid in chosen):
        options = [asdict(option) for option in question.options]
        if quiz.shuffle and question.type != "truefalse":
            rng.shuffle(options)
        drawn.append({"id": question.id, "type": question.type, "scoring": question.scoring,
                      "text": question.text, "options": options,
                      "explanation": question.explanation,
                      "objectives": list(question.objectives)})
    return drawn


def score_question(question: Snapshot, chosen: set[int]) -> float:
    """Points (0 to 1) for the chosen option positions."""
    correct = {i for i, option in enumerate(question["options"]) if option["correct"]}
    if question["type"] != "multiple" or question["scoring"] == "all_or_nothing":
        return 1.0 if chosen == correct else 0.0
    right = len(chosen & correct)
    wrong = len(chosen - correct)
    return max(0.0, (right - wrong) / len(correct))


def score_attempt(questions: Sequence[Snapshot], answers: Mapping[str, list[int]]
                  ) -> tuple[float, list[float]]:
    """The attempt's percentage and each question's points; ``answers`` keyed by position."""
    points = [score_question(q, set(answers.get(str(i), []))) for i, q in enumerate(questions)]
    percent = round(sum(points) * 100 / len(questions), 2) if questions else 0.0
    return percent, points


@dataclass(frozen=True)
class ObjectiveScore:
    """One objective's part of an attempt: points earned on its items (a partly right item
    counts for its share) of the items asked."""

    objective_id: str
    earned: float
    asked: int

    @property
    def percent(self) -> float:
        return round(self.earned * 100 / self.asked, 2) if self.asked else 0.0


def objective_scores(questions: Sequence[Snapshot], points: Sequence[float]
                     ) -> list[ObjectiveScore]:
    """The score per objective, from the objectives stored with the drawn questions (an item
    assessing two objectives counts for both), in order of first appearance. Empty for an
    attempt drawn before objectives were stored."""
    earned: dict[str, float] = {}
    asked: Counter[str] = Counter()
    for question, point in zip(questions, points, strict=True):
        for objective_id in question.get("objectives") or ():
            earned[objective_id] = earned.get(objective_id, 0.0) + point
            asked[objective_id] += 1
    return [ObjectiveScore(oid, round(earned[oid], 2), asked[oid]) for oid in earned]
