"""The shipped report rubric (``content/rubrics/laporan-aksi.md``) for the seminar laporan aksi
perubahan: it loads with the catalogue, its bands are the app's default predicate ranges (and
the plan rubric's), its weights add up to 100, every criterion has every level of the scale,
and the criteria that must not fail carry a minimum level."""

from __future__ import annotations

import pytest

from leans.assessments.plans.scoring import grade
from leans.content.loader import load_catalogue
from leans.content.rubric import band_mismatches, parse_thresholds
from leans.core.config import PROJECT_ROOT, load_config

CONTENT = PROJECT_ROOT / "content"
REPORT = CONTENT / "rubrics" / "laporan-aksi.md"
DEFAULT = load_config({})["LEANS_PREDICATE_THRESHOLDS"]
#: The criteria graded below Cukup cap the predicate; the others only lower the score.
MUST_NOT_FAIL = {"bukti", "hasil-penerima-manfaat", "pelindungan-data"}


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(CONTENT)


@pytest.fixture(scope="module")
def rubric(catalogue):
    return catalogue.rubrics["laporan-aksi"]


def test_the_report_rubric_loads_with_the_catalogue_without_problems(catalogue, rubric):
    assert [str(p) for p in catalogue.problems if "rubrics/" in str(p)] == []
    assert rubric.path == REPORT
    assert rubric.title == "Rubrik Penilaian Laporan Aksi LEANS"


def test_its_bands_are_the_default_predicate_ranges(rubric):
    thresholds = parse_thresholds(DEFAULT)
    assert band_mismatches(rubric, thresholds) == []
    assert list(rubric.bands) == thresholds


def test_its_scale_bands_and_cap_are_the_plan_rubrics(catalogue, rubric):
    plan = catalogue.rubrics["rencana-aksi"]
    assert rubric.scale == plan.scale
    assert rubric.bands == plan.bands
    assert rubric.below_minimum_cap == plan.below_minimum_cap == "Kurang Memuaskan"


def test_the_weights_add_up_to_100(rubric):
    assert 6 <= len(rubric.criteria) <= 8
    assert sum(c.weight for c in rubric.criteria) == 100


def test_every_criterion_has_the_four_levels_of_the_scale(rubric):
    assert [(s.points, s.label, s.score) for s in rubric.scale] == [
        (4, "Sangat baik", 100), (3, "Baik", 85), (2, "Cukup", 75), (1, "Kurang", 0)]
    for criterion in rubric.criteria:
        assert [(lvl.points, lvl.label) for lvl in criterion.levels] == [
            (4, "Sangat baik"), (3, "Baik"), (2, "Cukup"), (1, "Kurang")], criterion.id
        assert all(lvl.descriptor for lvl in criterion.levels), criterion.id
        assert criterion.description, criterion.id


def test_the_criteria_that_must_not_fail_have_a_minimum_level(rubric):
    lowest = min(level.points for level in rubric.scale)
    capping = {c.id: c.minimum.label for c in rubric.criteria if c.min_level > lowest}
    assert capping == dict.fromkeys(MUST_NOT_FAIL, "Cukup")
    assert all(c.min_level == lowest for c in rubric.criteria if c.id not in MUST_NOT_FAIL)


def test_the_guidance_lists_the_weights_and_its_sources(rubric):
    text = rubric.guidance
    for criterion in rubric.criteria:
        assert f"- {criterion.title}: {criterion.weight:g}\n" in text, criterion.id
    for heading in ("## Menilai secara independen", "## Tingkat minimum", "## Sumber"):
        assert heading in text, heading


@pytest.mark.parametrize(("levels", "score", "label"), [
    ({"capaian-tonggak": 4, "hasil-penerima-manfaat": 4}, 91.0, "Sangat Memuaskan"),
    ({"refleksi": 1}, 76.5, "Cukup Memuaskan"),
])
def test_the_worked_examples_in_the_guidance_hold(rubric, levels, score, label):
    result = grade(rubric, {c.id: levels.get(c.id, 3) for c in rubric.criteria},
                   parse_thresholds(DEFAULT))
    assert (result.score, result.predicate, result.capped) == (score, label, False)


@pytest.mark.parametrize("criterion", sorted(MUST_NOT_FAIL))
def test_kurang_on_a_criterion_that_must_not_fail_caps_the_predicate(rubric, criterion):
    levels = {c.id: 1 if c.id == criterion else 4 for c in rubric.criteria}
    result = grade(rubric, levels, parse_thresholds(DEFAULT))
    assert result.below_minimum == (criterion,)
    assert result.predicate == "Kurang Memuaskan" and result.capped
