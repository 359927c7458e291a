"""Completion rules and the JP ledger as plain functions, on hand-made modules and facts."""

from __future__ import annotations

import datetime as dt

from leans.modules.ledger import JpCredit, credits, summarize
from leans.modules.progress import (
    ModuleFacts,
    ProgressStatus,
    module_progress,
    overall_percent,
    training_progress,
)
from tests.fixtures.content import make_module

T0 = dt.datetime(2026, 10, 6, 3, tzinfo=dt.UTC)


def F(lessons: dict, post: dt.datetime | None = None) -> ModuleFacts:  # noqa: N802
    return ModuleFacts(lessons, post)


def at(days: float) -> dt.datetime:
    return T0 + dt.timedelta(days=days)


def test_status_follows_the_facts():
    module = make_module("m", ["a", "b", "c"])
    assert module_progress(module, F({})).status is ProgressStatus.NOT_STARTED
    partial = module_progress(module, F({"a": at(0)}))
    assert partial.status is ProgressStatus.IN_PROGRESS and partial.percent == 33
    assert [m.slug for m in partial.missing] == ["b", "c"]
    assert partial.next_lesson_slug() == "b"
    done = module_progress(module, F({"a": at(0), "c": at(5), "b": at(2)}))
    assert done.status is ProgressStatus.COMPLETE and done.percent == 100
    assert done.completed_at == at(5) and done.missing == () and done.jp_earned == 3


def test_a_removed_lesson_no_longer_counts_and_nothing_exceeds_100():
    before = make_module("m", ["a", "b", "c"])
    facts = {"a": at(0), "b": at(1), "c": at(2)}
    assert module_progress(before, F(facts)).complete
    after = make_module("m", ["a", "b"])  # lesson c removed from the content
    progress = module_progress(after, F(facts))
    assert progress.lessons_done == 2 and progress.percent == 100
    assert progress.completed_at == at(1)  # the removed lesson's date no longer counts
    grown = make_module("m", ["a", "b", "c", "d"])  # a lesson added: completion recomputed
    progress = module_progress(grown, F(facts))
    assert not progress.complete and progress.percent == 75
    assert [m.slug for m in progress.missing] == ["d"]


def test_facts_for_unknown_lessons_are_ignored():
    module = make_module("m", ["a"])
    progress = module_progress(module, F({"a": at(0), "hantu": at(1), "lain": at(2)}))
    assert progress.lessons_done == 1 and progress.percent == 100
    assert overall_percent([progress]) == 100


def test_prerequisites_lock_until_complete_and_only_within_the_training():
    first = make_module("satu", ["a", "b"])
    second = make_module("dua", ["c"], prerequisites=["satu", "tidak-dipakai"])
    progress = training_progress([first, second], {"satu": F({"a": at(0)}), "dua": F({"c": at(1)})})
    assert progress[1].status is ProgressStatus.LOCKED
    assert [(m.kind, m.slug) for m in progress[1].missing] == [("prerequisite", "satu")]
    assert not progress[1].complete and progress[1].jp_earned == 0
    progress = training_progress([first, second],
                                 {"satu": F({"a": at(0), "b": at(1)}), "dua": F({"c": at(2)})})
    assert [p.status for p in progress] == [ProgressStatus.COMPLETE, ProgressStatus.COMPLETE]


def test_a_prerequisite_cycle_does_not_hang():
    one = make_module("satu", ["a"], prerequisites=["dua"])
    two = make_module("dua", ["b"], prerequisites=["satu"])
    progress = training_progress([one, two], {})
    assert len(progress) == 2


def test_overall_percent_counts_lessons_across_modules():
    one, two = make_module("satu", ["a", "b", "c"]), make_module("dua", ["d"])
    progress = training_progress([one, two], {"satu": F({"a": at(0)}), "dua": F({"d": at(1)})})
    assert overall_percent(progress) == 50


def test_jp_is_credited_on_completion_and_totalled_per_year_across_trainings():
    first = training_progress([make_module("a", ["x"], jp=3), make_module("b", ["y"], jp=4)],
                              {"a": F({"x": dt.datetime(2026, 3, 1, tzinfo=dt.UTC)}),
                               "b": F({"y": dt.datetime(2025, 12, 1, tzinfo=dt.UTC)})})
    second = training_progress([make_module("c", ["z"], jp=5), make_module("d", ["w"], jp=2)],
                               {"c": F({"z": dt.datetime(2026, 11, 1, tzinfo=dt.UTC)})})
    ledger = credits("Angkatan I", first) + credits("Angkatan II", second)
    assert sorted(c.jp for c in ledger) == [3, 4, 5]
    summary = summarize(second, ledger, annual_target=20, today=dt.date(2026, 11, 28),
                        timezone="Asia/Jakarta")
    assert summary.this_training == 5 and summary.training_total == 7
    assert summary.this_year == 8  # 3 (Angkatan I, 2026) + 5 (Angkatan II); 2025 excluded
    assert summary.year_remaining == 12 and summary.year_percent == 40


def test_the_year_of_a_credit_is_the_local_year():
    late = JpCredit("A", "M", 2, dt.datetime(2026, 12, 31, 18, tzinfo=dt.UTC))  # 01:00 WIB
    summary_2027 = summarize([], [late], annual_target=20, today=dt.date(2027, 1, 2),
                             timezone="Asia/Jakarta")
    assert summary_2027.this_year == 2
    summary_2026 = summarize([], [late], annual_target=20, today=dt.date(2026, 12, 31),
                             timezone="Asia/Jakarta")
    assert summary_2026.this_year == 0


def test_post_test_rule_needs_a_pass_and_dates_completion():
    module = make_module("m", ["a", "b"], completion=("lessons", "post_test"))
    lessons = {"a": at(0), "b": at(1)}
    waiting = module_progress(module, F(lessons))
    assert waiting.status is ProgressStatus.IN_PROGRESS and waiting.percent == 66
    assert [(m.kind, m.slug) for m in waiting.missing] == [("post_test", "m")]
    passed = module_progress(module, F(lessons, post=at(3)))
    assert passed.complete and passed.completed_at == at(3) and passed.percent == 100
    only_test = module_progress(module, F({}, post=at(3)))  # passing alone is not enough
    assert not only_test.complete
    assert [m.kind for m in only_test.missing] == ["lesson", "lesson"]
