"""CSV cells are neutralised part by part, not only at their start."""

from __future__ import annotations

import csv
import io

import pytest

from leans.core.spreadsheets import Table, csv_safe, formula_like, to_csv


@pytest.mark.parametrize(("value", "safe"), [
    ("=1+1", "'=1+1"),
    ("Kolong;=cmd|' /C calc'!A0;", "Kolong;'=cmd|' /C calc'!A0;"),
    ("Kolong,+SUM(A1)", "Kolong,'+SUM(A1)"),
    ("  =1+1", "'  =1+1"),
    ("\u00a0@SUM(A1)", "'\u00a0@SUM(A1)"),
    ("\uff1dcmd", "'\uff1dcmd"),
    ("a\n=1+1", "a\n'=1+1"),
    ("\t=1+1", "'\t'=1+1"),
    ("x;-cmd|' /C calc'!A0", "x;'-cmd|' /C calc'!A0"),
    ("  -1+1", "'  -1+1"),
    ("Tondomulo, Kolong", "Tondomulo, Kolong"),
    # Indonesian notations that look like signs but start no formula stay as typed.
    ("Rp 5.000,-", "Rp 5.000,-"),
    ("Catatan:\n- pelatihan\n- panen", "Catatan:\n- pelatihan\n- panen"),
    ("Gain; -5", "Gain; -5"),
    ("Rp 1.500.000", "Rp 1.500.000"),
    (12, 12),
    (None, None),
])
def test_every_part_that_could_start_a_formula_gets_an_apostrophe(value, safe):
    assert csv_safe(value) == safe
    assert formula_like(value) is (safe != value)


def test_every_field_is_quoted():
    body = to_csv(Table("t", ["Nama", "Desa"], [["Siti", "Kolong;Nganti"], [3, None]]))
    text = body.decode("utf-8-sig")
    assert text.splitlines() == ['"Nama","Desa"', '"Siti","Kolong;Nganti"', '"3",""']
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == ["Siti", "Kolong;Nganti"]
