"""Learning gain, item analysis and the gain per objective on small data sets computed by
hand."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from leans.assessments.quizzes.analytics import (
    ObjectiveGain,
    counting_attempts,
    item_analysis,
    objective_gains,
    participant_scores,
    summarize,
)
from leans.assessments.quizzes.attempts import effective_attempt, post_test_passed_at

T = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
Q1 = {"id": "q1", "type": "single", "scoring": "exact", "text": "Satu",
      "options": [{"text": "a", "correct": True}, {"text": "b", "correct": False}]}
Q2 = {"id": "q2", "type": "single", "scoring": "exact", "text": "Dua",
      "options": [{"text": "a", "correct": False}, {"text": "b", "correct": True}]}


def attempt(enrolment: int, kind: str, number: int, score: float, answers: dict,
            passed: bool | None = None, day: int = 0):
    return SimpleNamespace(enrolment_id=enrolment, kind=kind, number=number, score=score,
                           passed=score >= 60 if passed is None else passed,
                           submitted_at=T + dt.timedelta(days=day), questions=[Q1, Q2],
                           answers=answers)


# Participant 1: pre 50, posts 40 then 100 -> best 100.  Participant 2: pre 0, post 50.
# Participant 3: pre 100 only.  Participant 4: post 100 only.
ATTEMPTS = [
    attempt(1, "pre", 1, 50, {"0": [0], "1": [0]}),
    attempt(1, "post", 1, 40, {"0": [1], "1": [1]}, passed=False, day=1),
    attempt(1, "post", 2, 100, {"0": [0], "1": [1]}, day=2),
    attempt(2, "pre", 1, 0, {"0": [1], "1": [0]}),
    attempt(2, "post", 1, 50, {"0": [0], "1": [0]}, passed=False, day=1),
    attempt(3, "pre", 1, 100, {"0": [0], "1": [1]}),
    attempt(4, "post", 1, 100, {"0": [0], "1": [1]}, day=1),
]


def test_participant_scores_use_the_counting_attempt():
    scores = participant_scores(ATTEMPTS, "best")
    assert (scores[1].pre, scores[1].post, scores[1].passed, scores[1].post_attempts) == \
        (50, 100, True, 2)
    assert (scores[2].pre, scores[2].post, scores[2].gain) == (0, 50, 50)
    assert scores[3].post is None and scores[4].pre is None
    assert participant_scores(ATTEMPTS, "last")[1].post == 100


def test_summary_figures():
    summary = summarize(participant_scores(ATTEMPTS, "best").values())
    assert summary.pre_count == 3 and summary.post_count == 3
    assert summary.pre_average == 50.0          # (50 + 0 + 100) / 3
    assert summary.post_average == 83.33        # (100 + 50 + 100) / 3
    assert summary.paired_count == 2            # participants 1 and 2
    assert summary.gain == 50.0                 # ((100-50) + (50-0)) / 2
    assert summary.normalized_gain == 0.667     # (75 - 25) / (100 - 25)
    assert summary.pass_rate == 0.667           # 1 and 4 passed, 2 did not


def test_item_analysis_counts_who_missed_each_question():
    pre = item_analysis(counting_attempts(ATTEMPTS, "pre", "best"))
    # q1 missed by participant 2; q2 missed by participants 1 and 2.
    assert [(i.question_id, i.asked, i.missed) for i in pre] == [("q2", 3, 2), ("q1", 3, 1)]
    post = item_analysis(counting_attempts(ATTEMPTS, "post", "best"))
    # Counting posts: 1 -> 100 (none missed), 2 -> q2 missed, 4 -> none missed.
    assert [(i.question_id, i.asked, i.missed) for i in post] == [("q2", 3, 1), ("q1", 3, 0)]
    assert round(post[0].share_missed, 3) == 0.333


def test_best_and_last_policies_for_completion():
    posts = [a for a in ATTEMPTS if a.enrolment_id == 1 and a.kind == "post"]
    assert effective_attempt(posts, "best").number == 2
    assert post_test_passed_at(posts, "best") == T + dt.timedelta(days=2)
    worse_later = [*posts, attempt(1, "post", 3, 10, {}, passed=False, day=3)]
    assert post_test_passed_at(worse_later, "best") == T + dt.timedelta(days=2)
    assert post_test_passed_at(worse_later, "last") is None  # the last attempt failed


def _item(qid: str, objectives: list[str]) -> dict:
    return {**Q1, "id": qid, "objectives": objectives}  # key: the first option


def _on(enrolment: int, kind: str, rights: tuple[bool, bool], objectives=True):
    """An attempt of two items, one on ob-a and one on ob-b, right or wrong as given."""
    questions = [_item(f"{kind}-a", ["ob-a"]), _item(f"{kind}-b", ["ob-b"])]
    if not objectives:
        questions = [{k: v for k, v in q.items() if k != "objectives"} for q in questions]
    answers = {str(i): [0 if right else 1] for i, right in enumerate(rights)}
    return SimpleNamespace(enrolment_id=enrolment, kind=kind, number=1, submitted_at=T,
                           questions=questions, answers=answers, score=None, passed=None)


def test_gain_per_objective_by_hand():
    """ob-a: pre 100, 0, 0 (mean 33.33), post 100, 100 (100), gains 0 and +100 (50).
    ob-b: pre 0, 100, 0 (33.33), post 100, 0 (50), gains +100 and -100 (0). Participant 4's
    post-test was stored without objectives: left out."""
    pre = [_on(1, "pre", (True, False)), _on(2, "pre", (False, True)),
           _on(3, "pre", (False, False))]
    post = [_on(1, "post", (True, True)), _on(2, "post", (True, False)),
            _on(4, "post", (True, True), objectives=False)]
    gains = objective_gains(pre, post, order=["ob-b", "ob-z"])
    assert gains == [
        ObjectiveGain("ob-b", pre_count=3, post_count=2, pre_average=33.33, post_average=50.0,
                      paired_count=2, gain=0.0),
        ObjectiveGain("ob-a", pre_count=3, post_count=2, pre_average=33.33, post_average=100.0,
                      paired_count=2, gain=50.0),
    ]  # the module's order first; ob-z asked by no test: no row


def test_no_objectives_stored_no_gain_per_objective():
    old = [_on(1, "pre", (True, False), objectives=False)]
    assert objective_gains(old, [], order=["ob-a"]) == []
