"""Scoring every question type, and drawing questions reproducibly."""

from __future__ import annotations

import pytest

from leans.assessments.quizzes.scoring import draw, score_attempt, score_question
from leans.content.quiz import load_quiz
from tests.fixtures.quizzes import write_bank


@pytest.fixture
def quiz(tmp_path):
    bank, problems = load_quiz(write_bank(tmp_path, draw=3, shuffle="true"))
    assert problems == []
    return bank


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
    first = draw(quiz, seed=12345)
    assert len(first) == 3 and len({q["id"] for q in first}) == 3
    assert draw(quiz, seed=12345) == first
    draws = {tuple(q["id"] for q in draw(quiz, seed)) for seed in range(40)}
    assert len(draws) > 10  # subsets and orders vary
    option_orders = {tuple(o["text"] for o in q["options"])
                     for seed in range(40) for q in draw(quiz, seed) if q["id"] == "dua"}
    assert len(option_orders) > 1  # options shuffled too


def test_true_false_options_are_never_shuffled(quiz):
    for seed in range(30):
        for question in draw(quiz, seed):
            if question["type"] == "truefalse":
                assert [o["text"] for o in question["options"]] == ["Benar", "Salah"]


def test_without_shuffle_the_bank_order_is_kept(tmp_path):
    bank, _ = load_quiz(write_bank(tmp_path, draw=5, shuffle="false"))
    assert [q["id"] for q in draw(bank, 7)] == ["satu", "dua", "tiga", "empat", "lima"]
    assert [o["text"] for o in draw(bank, 7)[1]["options"]] == ["A", "B", "C", "D"]
