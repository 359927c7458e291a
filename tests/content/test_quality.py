"""`leans content check`, course quality: honest JP and balanced banks. Each rule is shown
failing on a small tree that otherwise passes (``clean_tree``)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from leans.cli import main
from leans.content.loader import load_catalogue
from leans.content.quality import check_course
from tests.fixtures.content import (
    balanced_questions,
    bank,
    clean_tree,
    lesson_meta,
    module_meta,
    write_doc,
    write_module,
    write_quiz,
)

QUIZ = "modules/01-satu/quiz.yaml"


def findings(root: Path, jp_minutes: int = 45) -> list[str]:
    catalogue = load_catalogue(root)
    assert catalogue.ok, catalogue.problems
    return [str(p).replace(f"{root}/", "") for p in check_course(catalogue, jp_minutes)]


def with_bank(root: Path, questions=None, **settings) -> Path:
    clean_tree(root)
    write_quiz(root / "modules/01-satu", bank(questions, **settings))
    return root


def single(qid: str, form: str, options: list[str], key: int) -> dict:
    return {"id": qid, "form": form, "objectives": ["tujuan-1"], "type": "single",
            "text": "Soal?", "explanation": "x",
            "options": [{"text": text, "correct": i == key} for i, text in enumerate(options)]}


def test_the_clean_tree_passes_every_rule(tmp_path):
    assert findings(clean_tree(tmp_path)) == []
    result = CliRunner().invoke(main, ["content", "check", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output == f"OK: 1 modules, 2 lessons in {tmp_path}.\n"


def test_declared_jp_must_be_within_a_quarter_of_the_estimate(tmp_path):
    clean_tree(tmp_path)
    meta = module_meta("satu", 1, completion=["lessons", "tasks", "post_test"])
    write_doc(tmp_path / "modules/01-satu/module.md", {**meta, "jp": 2.5}, "Ringkasan.\n")
    assert findings(tmp_path) == []  # 112.5 minutes against 90: exactly 25% more
    write_doc(tmp_path / "modules/01-satu/module.md", {**meta, "jp": 4}, "Ringkasan.\n")
    assert findings(tmp_path) == [
        "modules/01-satu/module.md:5: jp is 4 (180 minutes at 45 per JP) but the estimate is "
        "90 minutes (lessons 60, tests 30): +100% of the estimate, more than 25%; write a jp "
        "from 1.5 to 2.5, or change the material"]
    assert findings(tmp_path, jp_minutes=25) == []  # 4 JP of 25 minutes: 100 against 90
    write_doc(tmp_path / "modules/01-satu/module.md", {**meta, "jp": 1}, "Ringkasan.\n")
    assert findings(tmp_path) == [
        "modules/01-satu/module.md:5: jp is 1 (45 minutes at 45 per JP) but the estimate is "
        "90 minutes (lessons 60, tests 30): -50% of the estimate, more than 25%; write a jp "
        "from 1.5 to 2.5, or change the material"]


def test_the_check_command_reads_the_jp_length(tmp_path, monkeypatch):
    clean_tree(tmp_path)
    meta = module_meta("satu", 1, jp=4, completion=["lessons", "tasks", "post_test"])
    write_doc(tmp_path / "modules/01-satu/module.md", meta, "Ringkasan.\n")
    result = CliRunner().invoke(main, ["content", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert "module.md:5: jp is 4 (180 minutes at 45 per JP)" in result.output
    assert "1 problem(s) in" in result.output
    result = CliRunner().invoke(main, ["content", "check", "--jp-minutes", "25", str(tmp_path)])
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("LEANS_JP_MINUTES", "25")
    assert CliRunner().invoke(main, ["content", "check", str(tmp_path)]).exit_code == 0


def test_a_bank_needs_24_questions_in_all(tmp_path):
    with_bank(tmp_path, balanced_questions(per_form=11))
    assert findings(tmp_path) == [
        f"{QUIZ}:8: the bank has 22 questions; a module needs at least 24 in all (both forms "
        "together): add 2"]


def test_each_objective_needs_two_items_in_each_form_served(tmp_path):
    clean_tree(tmp_path)
    objectives = [{"id": "a-1", "text": "Satu."}, {"id": "a-2", "text": "Dua."},
                  {"id": "a-3", "text": "Tiga."}]
    meta = module_meta("satu", 1, objectives=objectives,
                       completion=["lessons", "tasks", "post_test"])
    write_doc(tmp_path / "modules/01-satu/module.md", meta, "Ringkasan.\n")
    questions = balanced_questions(("a-1", "a-2"))
    questions[-1]["objectives"] = ["a-1", "a-3"]  # the post pool's only a-3 item
    write_quiz(tmp_path / "modules/01-satu", bank(questions))
    assert findings(tmp_path) == [
        f"{QUIZ}:8: objective 'a-3' has 0 item(s) in the pre pool; each objective needs at "
        "least 2 in each form the bank serves as: add 2 with 'form: pre' and "
        "'objectives: [a-3]'",
        f"{QUIZ}:8: objective 'a-3' has 1 item(s) in the post pool; each objective needs at "
        "least 2 in each form the bank serves as: add 1 with 'form: post' and "
        "'objectives: [a-3]'",
    ]


def test_items_of_a_form_the_bank_does_not_serve_as(tmp_path):
    questions = balanced_questions()
    for question in questions[:12]:
        question["form"] = "post"
    questions[0]["form"] = "pre"
    with_bank(tmp_path, questions, use_as=["post"], time_limit_minutes=30)
    assert findings(tmp_path) == [
        f"{QUIZ}:8: question 'pre-1' is in the pre pool but the bank is not used as pre-test "
        "(use_as: post): change its form or use_as"]


def test_the_key_is_the_longest_option_in_at_most_a_third(tmp_path):
    questions = balanced_questions()
    longest = [q for q in questions if q["type"] == "single"][:5]
    for question in longest:
        for option in question["options"]:
            if option.get("correct"):
                option["text"] = "Pilihan keliru nomor X"  # as long as the longest: tied
    with_bank(tmp_path, questions)
    assert findings(tmp_path) == [
        f"{QUIZ}:8: the key is the longest option (alone or tied) in 5 of 12 single-choice "
        "items, more than a third (at most 4): make a wrong option at least as long in 1 of: "
        + ", ".join(q["id"] for q in longest)]


def test_no_option_position_holds_more_than_40_percent_of_the_keys(tmp_path):
    questions = [q for q in balanced_questions(per_form=16) if q["type"] != "single"]
    options = ["Pilihan keliru"] * 3
    keys = [0, 0, 0, 1, 2, 3, 1, 2]  # option 1 holds 3 of 8 keys = 37.5%: fine
    questions += [single(f"s-{i}", "pre" if i % 2 else "post", [*options[:k], "Ya",
                                                                 *options[k:]], k)
                  for i, k in enumerate(keys)]
    with_bank(tmp_path, questions)
    assert findings(tmp_path) == []
    questions[-1] = single("s-7", "pre", ["Ya", *options], 0)  # now 4 of 8
    with_bank(tmp_path, questions)
    assert findings(tmp_path) == [
        f"{QUIZ}:8: the key is option 1 in 4 of 8 single-choice items (50%, more than 40%): "
        "move some keys to other positions"]


def test_positions_are_not_judged_below_five_single_choice_items(tmp_path):
    questions = [q for q in balanced_questions(per_form=20) if q["type"] != "single"]
    questions += [single(f"s-{i}", "pre" if i % 2 else "post", ["Ya", "Pilihan keliru"], 0)
                  for i in range(4)]
    with_bank(tmp_path, questions)
    assert findings(tmp_path) == []


def test_multiple_answer_items_do_not_all_have_the_same_number_of_keys(tmp_path):
    questions = balanced_questions()
    for question in questions:
        if question["type"] == "multiple":
            for k, option in enumerate(question["options"]):
                option["correct"] = k < 2
    with_bank(tmp_path, questions)
    assert findings(tmp_path) == [
        f"{QUIZ}:8: every multiple-answer item has 2 correct options (6 items): vary the number "
        "of correct options"]


def test_true_false_items_do_not_all_have_the_same_key(tmp_path):
    questions = balanced_questions()
    for question in questions:
        if question["type"] == "truefalse":
            question["answer"] = False
    with_bank(tmp_path, questions)
    assert findings(tmp_path) == [
        f"{QUIZ}:8: every true/false item has the answer false (6 items): make some "
        "statements true"]


def test_v1_estimated_minutes_is_reported_for_deletion(tmp_path):
    clean_tree(tmp_path)
    write_doc(tmp_path / "modules/01-satu/02-b.md",
              lesson_meta("b", 2, activity_minutes=28, estimated_minutes=20),
              "Diskusi kelas tentang B.\n")
    assert findings(tmp_path) == [
        "modules/01-satu/02-b.md:6: field 'estimated_minutes' is no longer used: minutes are "
        "computed from the text (content format v2); delete this line"]


def test_modules_with_loader_problems_are_not_judged_on_jp_and_banks(tmp_path):
    clean_tree(tmp_path)
    write_module(tmp_path, "02-dua", module_meta("dua", 2, jp=40),
                 {"01-a.md": (lesson_meta("a", 1), "[rusak](tidak-ada.md)\n")})
    catalogue = load_catalogue(tmp_path)
    assert len(catalogue.problems) == 1
    assert check_course(catalogue, 45) == []
    result = CliRunner().invoke(main, ["content", "check", str(tmp_path)])
    assert result.exit_code == 1 and "broken link" in result.output


def test_check_command_reports_loader_problems_before_judging_the_module(tmp_path):
    with_bank(tmp_path, balanced_questions(per_form=11))
    write_doc(tmp_path / "modules/01-satu/02-b.md", lesson_meta("b", 2, activity_minutes=28),
              "Lihat [hilang](x.md).\n")
    result = CliRunner().invoke(main, ["content", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert "broken link: 'x.md' does not exist" in result.output
    assert "a module needs at least 24" not in result.output  # judged once the module loads
