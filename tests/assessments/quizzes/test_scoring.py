"""Scoring every question type; drawing from one form's pool, reproducibly, least seen first;
the score per objective."""

from __future__ import annotations

import pytest

from leans.assessments.quizzes.scoring import (
    ObjectiveScore,
    draw,
    least_seen,
    objective_scores,
    score_attempt,
    score_question,
    times_seen,
)
from leans.content.quiz import load_quiz
from tests.fixtures.content import balanced_questions, bank, write_quiz


def v2_bank(tmp_path, **settings):
    """A content format v2 bank: 12 items in each form (ids pre-1.., post-1..), objectives
    ob-a and ob-b in turn."""
    loaded, problems = load_quiz(write_quiz(tmp_path, bank(
        balanced_questions(("ob-a", "ob-b")), **settings)))
    assert problems == []
    return loaded


@pytest.fixture
def quiz(tmp_path):
    return v2_bank(tmp_path, draw=3)


def snapshot(qtype: str, correct: list[bool], scoring: str = "exact") -> dict:
    return {"type": qtype, "scoring": scoring,
            "options": [{"text": str(i), "correct": c} for i, c in enumerate(correct)]}


@pytest.mark.parametrize(("chosen", "points"), [({0}, 1.0), ({1}, 0.0), (set(), 0.0)])
def test_single_choice(chosen, points):
    assert score_question(snapshot("single", [True, False, False]), chosen) == points


@pytest.mark.parametrize(("chosen", "points"), [({1}, 1.0), ({0}, 0.0), (set(), 0.0)])
def test_true_false(chosen, points):
    assert score_question(snapshot("truefalse", [False, True]), chosen) == points


@pytest.mark.parametrize(("chosen", "points"), [
    ({0, 1}, 1.0), ({0}, 0.5), ({0, 1, 2}, 0.5), ({0, 2}, 0.0), ({2, 3}, 0.0), (set(), 0.0),
    ({0, 1, 2, 3}, 0.0)])
def test_multiple_partial_credit(chosen, points):
    question = snapshot("multiple", [True, True, False, False], "partial")
    assert score_question(question, chosen) == points


@pytest.mark.parametrize(("chosen", "points"), [({0, 1}, 1.0), ({0}, 0.0), ({0, 1, 2}, 0.0)])
def test_multiple_all_or_nothing(chosen, points):
    question = snapshot("multiple", [True, True, False], "all_or_nothing")
    assert score_question(question, chosen) == points


def test_attempt_percentage():
    questions = [snapshot("single", [True, False]),
                 snapshot("multiple", [True, True, False, False], "partial"),
                 snapshot("truefalse", [True, False]), snapshot("single", [False, True])]
    percent, points = score_attempt(questions, {"0": [0], "1": [0], "2": [1]})
    assert points == [1.0, 0.5, 0.0, 0.0]
    assert percent == 37.5


def test_draw_is_a_random_subset_reproducible_from_the_seed(quiz):
    first = draw(quiz, "post", seed=12345)
    assert len(first) == 3 and len({q["id"] for q in first}) == 3
    assert draw(quiz, "post", seed=12345) == first
    draws = {tuple(q["id"] for q in draw(quiz, "post", seed)) for seed in range(40)}
    assert len(draws) > 10  # subsets and orders vary
    option_orders = {tuple(o["text"] for o in q["options"])
                     for seed in range(40) for q in draw(quiz, "post", seed)
                     if q["type"] == "single"}
    assert len(option_orders) > 1  # options shuffled too


def test_the_pools_never_mix(quiz):
    for seed in range(60):
        assert all(q["id"].startswith("pre-") for q in draw(quiz, "pre", seed))
        assert all(q["id"].startswith("post-") for q in draw(quiz, "post", seed))
    every_pre = {q["id"] for seed in range(200) for q in draw(quiz, "pre", seed)}
    assert every_pre == {f"pre-{n}" for n in range(1, 13)}  # the whole pool gets used


def test_the_draw_stores_each_item_s_objectives(quiz):
    drawn = draw(quiz, "pre", seed=3)
    by_id = {q.id: q for q in quiz.questions}
    assert all(q["objectives"] == list(by_id[q["id"]].objectives) for q in drawn)
    assert {o for q in draw(quiz, "pre", 4) for o in q["objectives"]} <= {"ob-a", "ob-b"}


def test_true_false_options_are_never_shuffled(quiz):
    for seed in range(30):
        for question in draw(quiz, "post", seed):
            if question["type"] == "truefalse":
                assert [o["text"] for o in question["options"]] == ["Benar", "Salah"]


def test_without_shuffle_the_bank_order_is_kept(tmp_path):
    plain = v2_bank(tmp_path, draw=12, shuffle=False)
    assert [q["id"] for q in draw(plain, "pre", 7)] == [f"pre-{n}" for n in range(1, 13)]
    first_single = next(q for q in plain.pool("pre") if q.type == "single")
    assert [o["text"] for o in draw(plain, "pre", 7)[0]["options"]] == \
        [o.text for o in first_single.options]


def test_least_seen_picks_the_items_seen_least_and_breaks_ties_by_the_seed():
    ids = ["a", "b", "c", "d", "e"]
    seen = {"a": 2, "b": 1, "c": 0, "d": 1}  # e never seen
    assert least_seen(ids, 2, seen, seed=1) == ["c", "e"]  # always the two unseen
    assert least_seen(ids, 2, seen, seed=99) == ["c", "e"]
    # Three: both unseen, then one of the items seen once (b or d), fixed by the seed.
    thirds = {seed: least_seen(ids, 3, seen, seed) for seed in range(30)}
    assert all(set(picked) - {"c", "e"} <= {"b", "d"} and len(picked) == 3
               for picked in thirds.values())
    assert {tuple(picked) for picked in thirds.values()} == {("b", "c", "e"), ("c", "d", "e")}
    assert least_seen(ids, 3, seen, seed=5) == least_seen(ids, 3, seen, seed=5)
    assert least_seen(ids, 5, seen, seed=5) == ids  # in the pool's order


def test_a_retake_draws_the_items_seen_least(tmp_path):
    quiz = v2_bank(tmp_path, draw=4)  # 12 post items: three attempts without a repeat
    earlier: list[list[dict]] = []
    for seed in (11, 12, 13):
        questions = draw(quiz, "post", seed, times_seen(earlier))
        assert not {q["id"] for q in questions} & {q["id"] for a in earlier for q in a}
        earlier.append(questions)
    assert {q["id"] for a in earlier for q in a} == {f"post-{n}" for n in range(1, 13)}
    # Every item seen once: the fourth attempt takes any four, then those seen once again
    # are avoided by the fifth.
    fourth = draw(quiz, "post", 14, times_seen(earlier))
    fifth = draw(quiz, "post", 15, times_seen([*earlier, fourth]))
    assert not {q["id"] for q in fourth} & {q["id"] for q in fifth}


def test_times_seen_counts_the_earlier_draws():
    assert times_seen([[{"id": "a"}, {"id": "b"}], [{"id": "a"}]]) == {"a": 2, "b": 1}


def test_score_per_objective_by_hand():
    """Four items: 1 (ob-a) right, 2 (ob-a, ob-b) half right, 3 (ob-b) wrong, 4 (ob-c) right."""
    questions = [{**snapshot("single", [True, False]), "objectives": ["ob-a"]},
                 {**snapshot("multiple", [True, True, False], "partial"),
                  "objectives": ["ob-a", "ob-b"]},
                 {**snapshot("truefalse", [True, False]), "objectives": ["ob-b"]},
                 {**snapshot("single", [False, True]), "objectives": ["ob-c"]}]
    percent, points = score_attempt(questions, {"0": [0], "1": [0], "2": [1], "3": [1]})
    assert points == [1.0, 0.5, 0.0, 1.0] and percent == 62.5
    scores = objective_scores(questions, points)
    assert scores == [ObjectiveScore("ob-a", 1.5, 2), ObjectiveScore("ob-b", 0.5, 2),
                      ObjectiveScore("ob-c", 1.0, 1)]
    assert [s.percent for s in scores] == [75.0, 25.0, 100.0]


def test_attempts_stored_without_objectives_have_no_breakdown():
    questions = [snapshot("single", [True, False]), snapshot("single", [False, True])]
    assert objective_scores(questions, [1.0, 0.0]) == []
