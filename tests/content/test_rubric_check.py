"""`leans content check` on rubrics: each class of problem with its file:line."""

from __future__ import annotations

from leans.content.loader import load_catalogue
from leans.core.config import PROJECT_ROOT
from tests.fixtures.content import small_tree

RUBRIC = """\
---
slug: rubrik-uji
title: Rubrik uji
criteria:
  - id: relevansi
    title: Relevansi
    weight: 50
    levels:
      - points: 2
        label: Baik
        descriptor: Jelas.
      - points: 1
        label: Kurang
        descriptor: Tidak jelas.
  - id: relevansi
    title: ""
    weight: 0
    levels:
      - points: 1
        label: Satu
        descriptor: x
      - points: 1
        label: Dua
        descriptor: y
---
Panduan.
"""


def test_rubric_problems_are_reported_with_lines(tmp_path):
    small_tree(tmp_path)
    (tmp_path / "rubrics").mkdir()
    path = tmp_path / "rubrics" / "uji.md"
    path.write_text(RUBRIC, encoding="utf-8")
    problems = [str(p).replace(f"{tmp_path}/", "") for p in load_catalogue(tmp_path).problems]
    assert "rubrics/uji.md:16: field 'title' must be non-empty text (got '')" in problems
    assert "rubrics/uji.md:17: field 'weight' must be a number greater than 0 (got 0)" in problems
    assert "rubrics/uji.md:22: two levels have 1 points" in problems
    assert "rubrics/uji.md:15: duplicate criterion id 'relevansi' (also on line 5)" in problems


def test_the_shipped_rubric_loads_with_weights_and_levels():
    rubric = load_catalogue(PROJECT_ROOT / "content").rubrics["rencana-aksi"]
    assert [c.title for c in rubric.criteria] == [
        "Relevansi dengan data kemiskinan", "Kolaborasi lintas sektor", "Hasil yang terukur",
        "Kelayakan", "Keberlanjutan"]
    assert sum(c.weight for c in rubric.criteria) == 100
    assert all([lvl.points for lvl in c.levels] == [4, 3, 2, 1] for c in rubric.criteria)
