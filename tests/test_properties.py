"""Property-based tests: the parsers of outside input never crash, they answer or explain."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leans.admin.sheets import SheetError, read_sheet
from leans.content.loader import load_catalogue
from leans.content.quiz import load_quiz
from leans.identity import IdentityError, format_nip, parse_nip

#: Derandomized so CI is repeatable; run with --hypothesis-seed=random to explore further.
FAST = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(st.text(alphabet="0123456789 -/xX", max_size=30))
def test_nip_parser_answers_or_explains(raw):
    try:
        digits = parse_nip(raw, today=dt.date(2026, 11, 28))
    except IdentityError as error:
        assert str(error)
    else:
        assert len(digits) == 18 and digits.isdigit()
        assert parse_nip(format_nip(digits), today=dt.date(2026, 11, 28)) == digits


@FAST
@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(1990, 12, 31)),
       st.integers(2010, 2025), st.integers(1, 12), st.sampled_from("12"),
       st.integers(1, 999))
def test_every_well_formed_nip_is_accepted(birth, year, month, sex, seq):
    raw = f"{birth:%Y%m%d}{year}{month:02d}{sex}{seq:03d}"
    assert parse_nip(raw, today=dt.date(2026, 11, 28)) == raw


@FAST
@given(st.text(max_size=400))
def test_quiz_parser_never_crashes(text):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "quiz.yaml"
        path.write_text(text, encoding="utf-8")
        quiz, problems = load_quiz(path)
        assert (quiz is None) == bool(problems)
        assert all(p.line >= 1 and p.message for p in problems)


@FAST
@given(st.text(max_size=300), st.text(max_size=300))
def test_content_loader_never_crashes(front, body):
    with tempfile.TemporaryDirectory() as folder:
        module = Path(folder) / "modules" / "01-x"
        module.mkdir(parents=True)
        (module / "module.md").write_text(f"---\n{front}\n---\n{body}", encoding="utf-8")
        (module / "01-a.md").write_text(f"---\n{front}\n---\n{body}", encoding="utf-8")
        catalogue = load_catalogue(folder)
        assert all(p.line >= 1 and p.message for p in catalogue.problems)


@FAST
@given(st.binary(max_size=500), st.sampled_from(["a.csv", "a.xlsx", "a.txt", "a.pdf"]))
def test_spreadsheet_reader_never_crashes(data, name):
    try:
        sheet = read_sheet(name, data)
    except SheetError as error:
        assert str(error)
    else:
        assert "name" in sheet.fields


def test_front_matter_with_a_key_that_is_not_text_is_a_problem_not_a_crash(tmp_path):
    """Found by hypothesis: "?" parses as a mapping with a None key."""
    module = tmp_path / "modules" / "01-x"
    module.mkdir(parents=True)
    (module / "module.md").write_text("---\n?\n---\nTeks\n", encoding="utf-8")
    problems = [str(p) for p in load_catalogue(tmp_path).problems]
    assert any("text keys" in p for p in problems)
