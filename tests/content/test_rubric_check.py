"""`leans content check` on rubrics: each class of problem with its file:line, the shipped
rubric (scale, bands, minimum levels, weights), and its bands against the configured ranges."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from leans.content.cli import content_group
from leans.content.loader import load_catalogue
from leans.content.rubric import band_mismatches, load_rubric, load_rubrics, parse_thresholds
from leans.core.config import PROJECT_ROOT, load_config
from tests.fixtures.content import small_tree

SHIPPED = PROJECT_ROOT / "content" / "rubrics" / "rencana-aksi.md"
DEFAULT = load_config({})["LEANS_PREDICATE_THRESHOLDS"]

HEAD = """\
---
slug: rubrik-uji
title: Rubrik uji
scale:
  - points: 2
    label: Baik
    score: 100
    predicate: Lulus
  - points: 1
    label: Kurang
    score: 0
    predicate: Tidak Lulus
bands:
  - predicate: Lulus
    above: 50
  - predicate: Tidak Lulus
    from: 0
below_minimum_cap: Tidak Lulus
"""
RUBRIC = HEAD + """\
criteria:
  - id: relevansi
    title: Relevansi
    weight: 50
    min_level: 2
    levels:
      - points: 2
        descriptor: Jelas.
      - points: 1
        descriptor: Tidak jelas.
  - id: relevansi
    title: ""
    weight: 0
    min_level: 3
    levels:
      - points: 1
        descriptor: x
      - points: 1
        descriptor: y
---
Panduan.
"""


def line_of(text: str, needle: str, start: str = "") -> int:
    """The 1-based line of NEEDLE's first occurrence (after START's, if given)."""
    index = text.index(needle, text.index(start) if start else 0)
    return text.count("\n", 0, index) + 1


def check(tmp_path, text: str, thresholds: str = DEFAULT) -> list[str]:
    path = tmp_path / "uji.md"
    path.write_text(text, encoding="utf-8")
    rubric, problems = load_rubric(path, thresholds)
    assert (rubric is None) == bool(problems)
    return [str(p).replace(f"{tmp_path}/", "") for p in problems]


def altered(old: str, new: str) -> str:
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def test_rubric_problems_are_reported_with_lines(tmp_path):
    small_tree(tmp_path)
    (tmp_path / "rubrics").mkdir()
    path = tmp_path / "rubrics" / "uji.md"
    path.write_text(RUBRIC, encoding="utf-8")
    problems = [str(p).replace(f"{tmp_path}/", "") for p in load_catalogue(tmp_path).problems]
    assert "rubrics/uji.md:30: field 'title' must be non-empty text (got '')" in problems
    assert "rubrics/uji.md:31: field 'weight' must be a number greater than 0 (got 0)" in problems
    assert ("rubrics/uji.md:32: field 'min_level' must be the points of a level of the scale "
            "(got 3)") in problems
    assert "rubrics/uji.md:36: two levels have 1 points" in problems
    assert "rubrics/uji.md:29: duplicate criterion id 'relevansi' (also on line 20)" in problems


def test_the_shipped_rubric_passes_the_check():
    rubrics, problems = load_rubrics(SHIPPED.parent, DEFAULT)
    assert problems == [] and set(rubrics) == {"rencana-aksi", "laporan-aksi"}


def test_the_shipped_rubric_has_its_scale_bands_minimums_and_weights():
    rubric, problems = load_rubric(SHIPPED, DEFAULT)
    assert problems == []
    assert [(c.id, c.title, c.weight) for c in rubric.criteria] == [
        ("relevansi-data", "Relevansi dengan data kemiskinan", 15),
        ("kolaborasi-lintas-sektor", "Kolaborasi lintas sektor", 10),
        ("kepemimpinan", "Proses kolaborasi dan kepemimpinan", 10),
        ("hasil-terukur", "Hasil yang terukur", 15),
        ("kelayakan", "Kelayakan", 10),
        ("keberlanjutan", "Keberlanjutan", 10),
        ("inovasi", "Inovasi", 10),
        ("keselarasan-skp", "Keselarasan dengan SKP dan rencana unit kerja", 5),
        ("inklusi", "Inklusi: gender, disabilitas, dan lanjut usia", 10),
        ("pelindungan-data", "Pelindungan data pribadi", 5)]
    assert sum(c.weight for c in rubric.criteria) == 100
    assert [(s.points, s.label, s.score, s.predicate) for s in rubric.scale] == [
        (4, "Sangat baik", 100, "Sangat Memuaskan"), (3, "Baik", 85, "Memuaskan"),
        (2, "Cukup", 75, "Cukup Memuaskan"), (1, "Kurang", 0, "Tidak Memuaskan")]
    for criterion in rubric.criteria:
        assert [(lvl.points, lvl.label) for lvl in criterion.levels] == [
            (4, "Sangat baik"), (3, "Baik"), (2, "Cukup"), (1, "Kurang")]
        assert all(lvl.descriptor for lvl in criterion.levels)
        assert criterion.min_level == 2 and criterion.minimum.label == "Cukup"
    assert list(rubric.bands) == parse_thresholds(DEFAULT)
    assert rubric.below_minimum_cap == "Kurang Memuaskan"


def test_the_guidance_states_the_scale_the_bands_the_cap_and_the_weights():
    rubric, _ = load_rubric(SHIPPED, DEFAULT)
    text = rubric.guidance
    for line in ("Sangat baik = 100", "Baik = 85", "Cukup = 75", "Kurang = 0",
                 "Sangat Memuaskan: nilai lebih dari 90", "Memuaskan: lebih dari 80 sampai 90",
                 "Cukup Memuaskan: lebih dari 70 sampai 80",
                 "Kurang Memuaskan: lebih dari 60 sampai 70", "Tidak Memuaskan: 0 sampai 60",
                 "semua kriteria Baik: 85, Memuaskan",
                 "predikat paling tinggi **Kurang Memuaskan**"):
        assert line in text, line
    for criterion in rubric.criteria:
        title = criterion.title.split(":")[0]
        assert f"{title}" in text and f": {criterion.weight:g}\n" in text, criterion.id


def test_a_band_that_differs_from_the_configured_ranges_is_reported_with_both(tmp_path):
    text = altered("  - predicate: Memuaskan\n    above: 80", "  - predicate: Memuaskan\n"
                                                             "    above: 82")
    line = line_of(text, "  - predicate: Memuaskan")
    assert check(tmp_path, text) == [
        f"uji.md:{line}: band 2 is 'Memuaskan > 82' here but 'Memuaskan > 80' in "
        "LEANS_PREDICATE_THRESHOLDS"]


def test_the_shipped_rubric_fails_when_the_configured_ranges_change(tmp_path):
    changed = "Sangat Memuaskan>=91;Memuaskan>80;Cukup Memuaskan>70;Tidak Memuaskan>=0"
    text = SHIPPED.read_text(encoding="utf-8")
    assert check(tmp_path, text, changed) == [
        f"uji.md:{line_of(text, '  - predicate: Sangat Memuaskan')}: band 1 is "
        "'Sangat Memuaskan > 90' here but 'Sangat Memuaskan >= 91' in LEANS_PREDICATE_THRESHOLDS",
        f"uji.md:{line_of(text, '  - predicate: Kurang Memuaskan')}: band 4 is "
        "'Kurang Memuaskan > 60' here but 'Tidak Memuaskan >= 0' in LEANS_PREDICATE_THRESHOLDS",
        f"uji.md:{line_of(text, 'bands:')}: the rubric has 5 bands but "
        "LEANS_PREDICATE_THRESHOLDS has 4: here 'Sangat Memuaskan > 90; Memuaskan > 80; "
        "Cukup Memuaskan > 70; Kurang Memuaskan > 60; Tidak Memuaskan >= 0', configured "
        "'Sangat Memuaskan >= 91; Memuaskan > 80; Cukup Memuaskan > 70; Tidak Memuaskan >= 0'"]


def test_the_app_can_compare_the_bands_with_its_own_setting():
    rubric, _ = load_rubric(SHIPPED, DEFAULT)
    assert band_mismatches(rubric, parse_thresholds(DEFAULT)) == []
    other = parse_thresholds(DEFAULT.replace("Cukup Memuaskan>70", "Cukup Memuaskan>=70"))
    assert band_mismatches(rubric, other) == [
        f"{SHIPPED}: band 3 is 'Cukup Memuaskan > 70' here but 'Cukup Memuaskan >= 70' in "
        "LEANS_PREDICATE_THRESHOLDS"]


def test_leans_content_check_compares_the_bands_with_the_environment(tmp_path):
    small_tree(tmp_path)
    (tmp_path / "rubrics").mkdir()
    (tmp_path / "rubrics" / "rencana-aksi.md").write_text(SHIPPED.read_text(encoding="utf-8"),
                                                           encoding="utf-8")
    env = {"LEANS_PREDICATE_THRESHOLDS": "Sangat Memuaskan>90;Memuaskan>75;Cukup Memuaskan>70;"
                                         "Kurang Memuaskan>60;Tidak Memuaskan>=0"}
    result = CliRunner().invoke(content_group, ["check", str(tmp_path)], env=env)
    assert result.exit_code == 1
    assert ("band 2 is 'Memuaskan > 80' here but 'Memuaskan > 75' in "
            "LEANS_PREDICATE_THRESHOLDS") in result.output
    rubric_problems = [line for line in result.output.splitlines() if "rubrics/" in line]
    assert len(rubric_problems) == 1
    result = CliRunner().invoke(content_group, ["check", str(tmp_path)],
                                env={"LEANS_PREDICATE_THRESHOLDS": DEFAULT})
    assert "rubrics/" not in result.output


def test_unreadable_configured_ranges_are_reported(tmp_path):
    text = SHIPPED.read_text(encoding="utf-8")
    assert check(tmp_path, text, "Baik=80") == [
        f"uji.md:{line_of(text, 'bands:')}: LEANS_PREDICATE_THRESHOLDS cannot be compared with "
        "the bands: predicate range 'Baik=80' must look like 'Memuaskan>80' or "
        "'Tidak Memuaskan>=0'"]


def test_a_criterion_without_a_minimum_level_fails(tmp_path):
    text = altered("    weight: 10\n    min_level: 2\n", "    weight: 10\n")
    line = line_of(text, "  - id: kolaborasi-lintas-sektor")
    assert check(tmp_path, text) == [f"uji.md:{line}: required field 'min_level' is missing"]


def test_a_rubric_without_a_cap_fails(tmp_path):
    text = altered("below_minimum_cap: Kurang Memuaskan\n", "")
    assert check(tmp_path, text) == ["uji.md:2: required field 'below_minimum_cap' is missing"]


def test_the_cap_must_be_a_band(tmp_path):
    text = altered("below_minimum_cap: Kurang Memuaskan", "below_minimum_cap: Kurang")
    assert check(tmp_path, text) == [
        f"uji.md:{line_of(text, 'below_minimum_cap')}: field 'below_minimum_cap' must be the "
        "predicate of a band (Sangat Memuaskan, Memuaskan, Cukup Memuaskan, Kurang Memuaskan, "
        "Tidak Memuaskan) (got 'Kurang')"]


def test_a_level_whose_stated_predicate_the_maths_contradict_fails(tmp_path):
    text = altered("    score: 85\n", "    score: 80\n")
    line = line_of(text, "predicate: Memuaskan", start="label: Baik")
    assert check(tmp_path, text) == [
        f"uji.md:{line}: every criterion at 'Baik' scores 80, which is 'Cukup Memuaskan' by "
        "the bands, not 'Memuaskan'"]


def test_the_scale_runs_from_0_to_100(tmp_path):
    text = altered("    score: 0\n", "    score: 25\n")
    assert check(tmp_path, text) == [
        f"uji.md:{line_of(text, 'scale:')}: the lowest level ('Kurang') must score 0, not 25"]
    text = HEAD.replace("score: 100", "score: 90") + RUBRIC[len(HEAD):]
    assert "uji.md:4: the highest level ('Baik') must score 100, not 90" in check(tmp_path, text)


def test_scores_rise_with_the_points(tmp_path):
    text = altered("    score: 75\n", "    score: 90\n")
    problems = check(tmp_path, text)
    assert f"uji.md:{line_of(text, 'scale:')}: a level with more points must score more on " \
           "the scale" in problems


def test_the_weights_add_up_to_100(tmp_path):
    text = altered("    weight: 15\n", "    weight: 20\n")
    assert check(tmp_path, text) == [
        f"uji.md:{line_of(text, 'criteria:')}: the criteria's weights add up to 105, not 100"]


def test_every_level_of_the_scale_has_a_descriptor_and_no_other(tmp_path):
    start = "  - id: inovasi"
    text = SHIPPED.read_text(encoding="utf-8")
    block = text.index("      - points: 2\n", text.index(start))
    text = text[:block] + text[block:].replace("      - points: 2\n", "      - points: 5\n", 1)
    assert check(tmp_path, text) == [
        f"uji.md:{line_of(text, '- points: 5')}: 5 points is not a level of the scale",
        f"uji.md:{line_of(text, 'levels:', start=start)}: no descriptor for the scale's "
        "level(s) 2 (Cukup)"]


@pytest.mark.parametrize(("old", "new", "message"), [
    ("    from: 0\n", "    from: 10\n",
     "the lowest band must start 'from: 0', so that every score has a predicate"),
    ("    above: 70\n", "    above: 95\n",
     "bands must go from the highest to the lowest score, each lower than the one before"),
    ("    above: 70\n", "    above: 70\n    from: 70\n",
     "a band needs exactly one of 'above' (score > value) or 'from' (score >= value)"),
])
def test_bands_are_well_formed(tmp_path, old, new, message):
    problems = check(tmp_path, altered(old, new))
    assert any(problem.endswith(message) for problem in problems), problems
