"""`leans content check` on question banks: each class of problem with its line."""

from __future__ import annotations

from pathlib import Path

from leans.content.loader import load_catalogue
from leans.content.quiz import load_quiz
from tests.fixtures.content import lesson_meta, module_meta, write_module


def problems_of(path: Path) -> list[str]:
    _quiz, problems = load_quiz(path)
    return [f"{p.line}: {p.message}" for p in problems]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "quiz.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_settings_and_question_fields(tmp_path):
    path = write(tmp_path, """\
pass_mark: 150
draw: 3
score: worst
questions:
  - id: Bukan Id
    type: essay
    text: ""
    explanation: x
  - id: satu
    type: single
    text: Soal?
    options:
      - text: A
        correct: true
      - text: B
        correct: true
    explanation: x
""")
    found = problems_of(path)
    assert "1: field 'pass_mark' must be a whole number from 1 to 100 (got 150)" in found
    assert "3: field 'score' must be best or last (got 'worst')" in found
    assert "5: field 'id' must be a-z, 0-9 and '-' (got 'Bukan Id')" in found
    assert "6: field 'type' must be one of single, multiple, truefalse (got 'essay')" in found
    assert "7: field 'text' must be non-empty text (got '')" in found
    assert ("12: a single-choice question needs exactly one correct option, this one has 2"
            in found)
    assert "2: draw is 3 but the bank has only 2 questions" in found


def test_duplicate_ids_missing_answer_and_multiple_rules(tmp_path):
    path = write(tmp_path, """\
pass_mark: 70
draw: 1
questions:
  - id: sama
    type: truefalse
    text: Pernyataan.
    explanation: x
  - id: sama
    type: multiple
    scoring: partial
    text: Pilih.
    options:
      - {text: A, correct: true}
      - {text: B, correct: true}
    explanation: x
  - id: lain
    type: single
    scoring: partial
    text: Soal.
    options: [{text: A, correct: true}, {text: B}]
    explanation: x
    hint: tidak dikenal
""")
    found = problems_of(path)
    assert "4: required field 'answer' is missing" in found
    assert "8: duplicate question id 'sama' (also on line 4)" not in found  # invalid q skipped
    assert ("12: a multiple-choice question needs at least one correct and one incorrect option"
            in found)
    assert "18: 'scoring' applies to multiple-choice only" in found
    assert any(p.startswith("22: unknown field 'hint' in question 3") for p in found)


def test_duplicate_id_is_reported_with_both_lines(tmp_path):
    path = write(tmp_path, """\
pass_mark: 70
draw: 1
questions:
  - id: sama
    type: truefalse
    text: Satu.
    answer: true
    explanation: x
  - id: sama
    type: truefalse
    text: Dua.
    answer: false
    explanation: x
""")
    assert problems_of(path) == ["9: duplicate question id 'sama' (also on line 4)"]


def test_invalid_yaml(tmp_path):
    found = problems_of(write(tmp_path, "pass_mark: 70\nquestions: [\n"))
    assert len(found) == 1 and "not valid YAML" in found[0]


def test_post_test_rule_needs_a_post_test_bank(tmp_path):
    folder = write_module(tmp_path, "01-x", module_meta("x", 1, completion=["lessons",
                                                                           "post_test"]),
                          {"01-a.md": (lesson_meta("a", 1), "Teks.\n")})
    problems = [str(p) for p in load_catalogue(tmp_path).problems]
    assert any("completion rule 'post_test' needs a quiz.yaml" in p for p in problems)
    (folder / "quiz.yaml").write_text(
        "pass_mark: 70\ndraw: 1\nuse_as: [pre]\nquestions:\n  - id: a\n    type: truefalse\n"
        "    text: T.\n    answer: true\n    explanation: x\n", encoding="utf-8")
    problems = [str(p) for p in load_catalogue(tmp_path).problems]
    assert any("completion rule 'post_test' needs a quiz.yaml" in p for p in problems)


def test_broken_bank_fails_the_content_check(tmp_path):
    folder = write_module(tmp_path, "01-x", module_meta("x", 1),
                          {"01-a.md": (lesson_meta("a", 1), "Teks.\n")})
    (folder / "quiz.yaml").write_text("pass_mark: 70\ndraw: 1\nquestions: []\n")
    problems = [str(p) for p in load_catalogue(tmp_path).problems]
    assert problems == [f"{folder}/quiz.yaml:3: field 'questions' must be a non-empty list "
                        "(got [])"]
