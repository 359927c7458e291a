"""Drawing questions for an attempt and scoring answers: plain functions on plain values.

An attempt stores a snapshot of the questions it drew (text, options in display order, which
are correct, explanation), so scoring and feedback never depend on later edits of the bank.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import asdict

from leans.content.quiz import Quiz

#: One drawn question as stored: {"id", "type", "scoring", "text", "options": [{"text",
#: "correct"}], "explanation"}; options are in the order shown.
Snapshot = dict


def draw(quiz: Quiz, seed: int) -> list[Snapshot]:
    """The questions of an attempt: a random subset, shuffled if the bank says so.

    The same bank and seed always give the same draw.
    """
    rng = random.Random(seed)  # noqa: S311 - fairness, not secrecy: answers stay on the server
    indexes = sorted(rng.sample(range(len(quiz.questions)), quiz.draw))
    if quiz.shuffle:
        rng.shuffle(indexes)
    drawn = []
    for index in indexes:
        question = quiz.questions[index]
        options = [asdict(option) for option in question.options]
        if quiz.shuffle and question.type != "truefalse":
            rng.shuffle(options)
        drawn.append({"id": question.id, "type": question.type, "scoring": question.scoring,
                      "text": question.text, "options": options,
                      "explanation": question.explanation})
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
