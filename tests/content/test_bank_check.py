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
    form: post
    objectives: [tujuan-1]
    type: essay
    text: ""
    explanation: x
  - id: satu
    form: post
    objectives: [tujuan-1]
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
    assert "8: field 'type' must be one of single, multiple, truefalse (got 'essay')" in found
    assert "9: field 'text' must be non-empty text (got '')" in found
    assert ("16: a single-choice question needs exactly one correct option, this one has 2"
            in found)
    assert "2: draw is 3 but the pre pool has only 0 questions (form: pre): add 3 or lower " \
           "draw" in found
    assert "2: draw is 3 but the post pool has only 2 questions (form: post): add 1 or lower " \
           "draw" in found


def test_duplicate_ids_missing_answer_and_multiple_rules(tmp_path):
    path = write(tmp_path, """\
pass_mark: 70
draw: 1
questions:
  - {id: sama, form: pre, objectives: [a],
     type: truefalse,
     text: Pernyataan.,
     explanation: x}
  - id: sama
    form: post
    objectives: [a]
    type: multiple
    scoring: partial
    text: Pilih.
    options:
      - {text: A, correct: true}
      - {text: B, correct: true}
    explanation: x
  - id: lain
    form: post
    objectives: [a]
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
    assert ("14: a multiple-choice question needs at least one correct and one incorrect option"
            in found)
    assert "22: 'scoring' applies to multiple-choice only" in found
    assert any(p.startswith("26: unknown field 'hint' in question 3") for p in found)


def test_duplicate_id_is_reported_with_both_lines(tmp_path):
    path = write(tmp_path, """\
pass_mark: 70
draw: 1
use_as: [post]
questions:
  - id: sama
    form: post
    objectives: [a]
    type: truefalse
    text: Satu.
    answer: true
    explanation: x
  - id: sama
    form: post
    objectives: [a]
    type: truefalse
    text: Dua.
    answer: false
    explanation: x
""")
    assert problems_of(path) == ["12: duplicate question id 'sama' (also on line 5)"]


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
        "pass_mark: 70\ndraw: 1\nuse_as: [pre]\nquestions:\n  - id: a\n    form: pre\n"
        "    objectives: [tujuan-1]\n    type: truefalse\n"
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


def test_form_and_objectives_are_required_with_what_to_write(tmp_path):
    path = write(tmp_path, """\
pass_mark: 70
draw: 1
questions:
  - id: satu
    type: truefalse
    text: T.
    answer: true
    explanation: x
  - id: dua
    form: keduanya
    objectives: kk-1
    type: truefalse
    text: T.
    answer: true
    explanation: x
  - id: tiga
    form: post
    objectives: []
    type: truefalse
    text: T.
    answer: true
    explanation: x
""")
    assert problems_of(path) == [
        "4: required field 'form' is missing: write 'form: pre' or 'form: post' (the test "
        "whose pool holds the item; the two pools never share an item)",
        "4: required field 'objectives' is missing: write 'objectives: [kk-1]' with the ids of "
        "the module's objectives this item assesses",
        "10: field 'form' must be pre or post (got 'keduanya')",
        "11: field 'objectives' must be a list of one or more objective ids, e.g. [kk-1] "
        "(got 'kk-1')",
        "18: field 'objectives' must be a list of one or more objective ids, e.g. [kk-1] "
        "(got [])",
        "2: draw is 1 but the pre pool has only 0 questions (form: pre): add 1 or lower draw",
    ]


def test_an_item_may_name_only_the_module_s_objectives(tmp_path):
    path = write(tmp_path, """\
pass_mark: 70
draw: 1
questions:
  - {id: a, form: pre, objectives: [kk-1, kk-9], type: truefalse, text: T., answer: true,
     explanation: x}
  - {id: b, form: post, objectives: [kk-2], type: truefalse, text: T., answer: false,
     explanation: x}
""")
    _quiz, found = load_quiz(path, ("kk-1", "kk-2"))
    assert [f"{p.line}: {p.message}" for p in found] == [
        "4: question 'a': unknown objective 'kk-9' (objectives of this module: kk-1, kk-2)"]
    quiz, found = load_quiz(path)  # read on its own: ids are not checked
    assert found == [] and quiz.questions[0].objectives == ("kk-1", "kk-9")


def test_pools_hold_each_form_s_items_in_file_order(tmp_path):
    path = write(tmp_path, """\
pass_mark: 70
draw: 2
use_as: [pre, post]
time_limit_minutes: 10
questions:
  - {id: p1, form: pre, objectives: [a], type: truefalse, text: T., answer: true, explanation: x}
  - {id: q1, form: post, objectives: [a], type: truefalse, text: T., answer: true,
     explanation: x}
  - {id: p2, form: pre, objectives: [a, b], type: truefalse, text: T., answer: false,
     explanation: x}
  - {id: q2, form: post, objectives: [b], type: truefalse, text: T., answer: false,
     explanation: x}
""")
    quiz, found = load_quiz(path, ("a", "b"))
    assert found == []
    assert [q.id for q in quiz.pool("pre")] == ["p1", "p2"]
    assert [q.id for q in quiz.pool("post")] == ["q1", "q2"]
    assert [(q.form, q.objectives) for q in quiz.pool("pre")] == [("pre", ("a",)),
                                                                  ("pre", ("a", "b"))]
    assert quiz.pool("pre")[1].line == 9 and quiz.lines["questions"] == 5


def test_draw_is_checked_against_each_pool_the_bank_serves_as(tmp_path):
    text = """\
pass_mark: 70
draw: 2
use_as: [{use}]
questions:
  - {{id: p1, form: pre, objectives: [a], type: truefalse, text: T., answer: true,
     explanation: x}}
  - {{id: q1, form: post, objectives: [a], type: truefalse, text: T., answer: true,
     explanation: x}}
  - {{id: q2, form: post, objectives: [a], type: truefalse, text: T., answer: false,
     explanation: x}}
"""
    assert problems_of(write(tmp_path, text.format(use="post"))) == []  # pre pool unused
    assert problems_of(write(tmp_path, text.format(use="pre, post"))) == [
        "2: draw is 2 but the pre pool has only 1 questions (form: pre): add 1 or lower draw"]
