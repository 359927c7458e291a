"""The plan's state machine, rubric scoring, predicate ranges, completeness and diffs."""

from __future__ import annotations

import itertools

import pytest

from leans.assessments.plans.content import diff, missing_fields, normalize
from leans.assessments.plans.scoring import (
    Grade,
    ThresholdError,
    cap,
    grade,
    parse_thresholds,
    predicate,
    weighted_score,
)
from leans.assessments.plans.states import (
    TRANSITIONS,
    PlanAction,
    PlanState,
    TransitionError,
    next_state,
)
from leans.content.rubric import load_rubric
from leans.core.config import PROJECT_ROOT, load_config

ALLOWED = {
    (PlanState.DRAFT, PlanAction.SUBMIT): PlanState.SUBMITTED,
    (PlanState.SUBMITTED, PlanAction.START_REVIEW): PlanState.IN_REVIEW,
    (PlanState.IN_REVIEW, PlanAction.REQUEST_REVISION): PlanState.REVISION_REQUESTED,
    (PlanState.REVISION_REQUESTED, PlanAction.SUBMIT): PlanState.RESUBMITTED,
    (PlanState.RESUBMITTED, PlanAction.START_REVIEW): PlanState.IN_REVIEW,
    (PlanState.IN_REVIEW, PlanAction.APPROVE): PlanState.APPROVED,
    (PlanState.APPROVED, PlanAction.CHANGE_GRADE): PlanState.APPROVED,
}


@pytest.mark.parametrize(("state", "action"), list(itertools.product(PlanState, PlanAction)))
def test_every_transition_is_allowed_or_refused(state, action):
    if (state, action) in ALLOWED:
        assert next_state(state, action) is ALLOWED[(state, action)]
    else:
        with pytest.raises(TransitionError):
            next_state(state, action)


def test_the_table_is_exactly_the_documented_workflow():
    assert TRANSITIONS == ALLOWED


DEFAULT = parse_thresholds(load_config({})["LEANS_PREDICATE_THRESHOLDS"])
RUBRIC_PATH = PROJECT_ROOT / "content" / "rubrics" / "rencana-aksi.md"


@pytest.mark.parametrize(("score", "expected"), [
    (100, "Sangat Memuaskan"), (90.01, "Sangat Memuaskan"), (90, "Memuaskan"),
    (89.99, "Memuaskan"), (80.01, "Memuaskan"), (80, "Cukup Memuaskan"),
    (79.99, "Cukup Memuaskan"), (70.01, "Cukup Memuaskan"), (70, "Kurang Memuaskan"),
    (69.99, "Kurang Memuaskan"), (60.01, "Kurang Memuaskan"), (60, "Tidak Memuaskan"),
    (59.99, "Tidak Memuaskan"), (0, "Tidak Memuaskan")])
def test_predicate_ranges_just_above_at_and_below_each_boundary(score, expected):
    assert predicate(score, DEFAULT) == expected


def test_ranges_are_configurable():
    custom = parse_thresholds("Lulus>=75; Tidak Lulus>=0")
    assert predicate(75, custom) == "Lulus" and predicate(74.99, custom) == "Tidak Lulus"


@pytest.mark.parametrize("text", ["Baik=80", "A>50;B>60", ""])
def test_bad_ranges_are_refused(text):
    with pytest.raises(ThresholdError):
        parse_thresholds(text)


@pytest.fixture(scope="module")
def rubric():
    """The shipped rubric, checked against the default ranges."""
    loaded, problems = load_rubric(RUBRIC_PATH, load_config({})["LEANS_PREDICATE_THRESHOLDS"])
    assert problems == []
    return loaded


def levels(rubric, default: int, **changed: int) -> dict[str, int]:
    """Every criterion at DEFAULT points, except CHANGED (criterion id with '_' for '-')."""
    chosen = {c.id: default for c in rubric.criteria}
    chosen.update({cid.replace("_", "-"): points for cid, points in changed.items()})
    return chosen


def test_the_lowest_level_everywhere_scores_0_and_the_highest_100(rubric):
    assert weighted_score(rubric, levels(rubric, 1)) == 0.0
    assert weighted_score(rubric, levels(rubric, 4)) == 100.0


@pytest.mark.parametrize(("points", "score", "expected"), [
    (4, 100.0, "Sangat Memuaskan"), (3, 85.0, "Memuaskan"), (2, 75.0, "Cukup Memuaskan"),
    (1, 0.0, "Tidak Memuaskan")])
def test_one_level_everywhere_lands_in_the_band_the_rubric_states(rubric, points, score,
                                                                  expected):
    chosen = levels(rubric, points)
    assert weighted_score(rubric, chosen) == score
    assert predicate(score, DEFAULT) == expected
    assert next(s for s in rubric.scale if s.points == points).predicate == expected


def test_the_score_is_the_weighted_mean_of_the_level_scores(rubric):
    # (15*75 + 15*100 + 70*85) / 100 = 11.25 + 15 + 59.5 = 85.75
    mixed = levels(rubric, 3, relevansi_data=2, hasil_terukur=4)
    assert weighted_score(rubric, mixed) == 85.75
    assert grade(rubric, mixed, DEFAULT) == Grade(85.75, "Memuaskan", "Memuaskan", ())


# Through the shipped rubric, without a criterion below its minimum: Cukup costs weight/4,
# Baik weight*0.15. Scores at, just above and just below the boundaries 90 and 80.
@pytest.mark.parametrize(("changed", "score", "expected"), [
    # Cukup on 35 (15+10+10) and Baik on 5: 100 - 8.75 - 0.75
    ({"relevansi-data": 2, "kolaborasi-lintas-sektor": 2, "kepemimpinan": 2,
      "keselarasan-skp": 3}, 90.5, "Sangat Memuaskan"),
    # Cukup on 40 (15+15+10): 100 - 10
    ({"relevansi-data": 2, "hasil-terukur": 2, "kepemimpinan": 2}, 90.0, "Memuaskan"),
    # Cukup on 40 and Baik on 5: 100 - 10 - 0.75
    ({"relevansi-data": 2, "hasil-terukur": 2, "kepemimpinan": 2, "keselarasan-skp": 3},
     89.25, "Memuaskan"),
    # Cukup on 75, Sangat baik on 25 (15+10): 100 - 18.75
    ({c: 2 for c in ("relevansi-data", "kolaborasi-lintas-sektor", "kelayakan",
                     "keberlanjutan", "inovasi", "keselarasan-skp", "inklusi",
                     "pelindungan-data")}, 81.25, "Memuaskan"),
    # Cukup on 80, Sangat baik on 20 (10+10): 100 - 20
    ({c: 2 for c in ("relevansi-data", "hasil-terukur", "kelayakan", "keberlanjutan",
                     "inovasi", "keselarasan-skp", "inklusi", "pelindungan-data")},
     80.0, "Cukup Memuaskan"),
    # Cukup on 90, Baik on 10: 100 - 22.5 - 1.5
    ({**{c: 2 for c in ("relevansi-data", "hasil-terukur", "kelayakan", "keberlanjutan",
                        "inovasi", "keselarasan-skp", "inklusi", "pelindungan-data",
                        "kepemimpinan")}, "kolaborasi-lintas-sektor": 3}, 76.0,
     "Cukup Memuaskan"),
])
def test_scores_around_the_upper_boundaries(rubric, changed, score, expected):
    result = grade(rubric, {**levels(rubric, 4), **changed}, DEFAULT)
    assert (result.score, result.predicate, result.below_minimum) == (score, expected, ())


# With Kurang (0) somewhere the cap applies too: the boundaries 70 and 60 decide between
# Kurang Memuaskan and Tidak Memuaskan; the score itself is never changed by the cap.
@pytest.mark.parametrize(("kurang", "rest", "score", "by_score", "expected"), [
    (("pelindungan-data",), 4, 95.0, "Sangat Memuaskan", "Kurang Memuaskan"),
    (("relevansi-data",), 4, 85.0, "Memuaskan", "Kurang Memuaskan"),
    (("relevansi-data", "keselarasan-skp"), 4, 80.0, "Cukup Memuaskan", "Kurang Memuaskan"),
    (("relevansi-data", "kepemimpinan"), 3, 63.75, "Kurang Memuaskan", "Kurang Memuaskan"),
    (("relevansi-data", "hasil-terukur"), 4, 70.0, "Kurang Memuaskan", "Kurang Memuaskan"),
    (("relevansi-data", "hasil-terukur", "keselarasan-skp"), 4, 65.0, "Kurang Memuaskan",
     "Kurang Memuaskan"),
    (("relevansi-data", "hasil-terukur", "kepemimpinan"), 4, 60.0, "Tidak Memuaskan",
     "Tidak Memuaskan"),
    (("relevansi-data", "hasil-terukur", "kepemimpinan", "keselarasan-skp"), 4, 55.0,
     "Tidak Memuaskan", "Tidak Memuaskan"),
])
def test_a_criterion_below_its_minimum_caps_the_predicate(rubric, kurang, rest, score,
                                                          by_score, expected):
    result = grade(rubric, {**levels(rubric, rest), **dict.fromkeys(kurang, 1)}, DEFAULT)
    assert (result.score, result.by_score, result.predicate) == (score, by_score, expected)
    assert result.below_minimum == tuple(c.id for c in rubric.criteria if c.id in kurang)
    assert result.capped is (by_score != expected)


def test_without_a_criterion_below_its_minimum_the_predicate_is_at_least_cukup(rubric):
    assert grade(rubric, levels(rubric, 2), DEFAULT).predicate == "Cukup Memuaskan"
    assert grade(rubric, levels(rubric, 2), DEFAULT).capped is False


def test_the_cap_follows_the_rubric_and_the_ranges():
    thresholds = parse_thresholds("A>90;B>80;C>70;D>=0")
    assert [cap(label, "B", thresholds) for label in "ABCD"] == ["B", "B", "C", "D"]
    with pytest.raises(ThresholdError, match="'X' is not one of the configured predicates"):
        cap("A", "X", thresholds)


def test_a_level_the_rubric_does_not_have_is_refused(rubric):
    with pytest.raises(ValueError, match="5 points is not a level of 'inovasi'"):
        weighted_score(rubric, levels(rubric, 4, inovasi=5))


def test_missing_fields_are_each_named(app):
    plan = normalize({"title": "Judul", "indicators": [{"name": "Pendapatan", "unit": "Rp"}],
                      "stakeholders": [{"role": "pemerintah", "name": "Desa",
                                        "contribution": "Lahan"}],
                      "activities": [{"activity": "Latihan", "milestone": "Lulus",
                                      "date": "1 Februari"}]})
    problems = missing_fields(plan)
    assert "Masalah masih kosong." in problems
    assert "Bukti: data apa, angka berapa masih kosong." in problems
    assert "Sebutkan kelompok sasaran atau pilih paling sedikit satu desa." in problems
    assert "Indikator, baris 1: Baseline masih kosong." in problems
    assert "Indikator, baris 1: Tanggal target masih kosong." in problems
    assert ("Kegiatan dan tonggak capaian, baris 1: Tanggal harus berupa tanggal (TTTT-BB-HH)."
            in problems)
    assert "Sumber anggaran: isi paling sedikit satu baris." in problems
    assert ("Pemangku kepentingan: rencana kolaboratif melibatkan paling sedikit dua peran "
            "pentahelix.") in problems
    assert "Judul masih kosong." not in problems


def test_normalize_drops_empty_rows_and_keeps_text():
    plan = normalize({"title": "  Judul  ", "villages": ["Kolong", "", "Kolong"],
                      "risks": [{"risk": "", "mitigation": ""}, {"risk": "Banjir"}]})
    assert plan["title"] == "Judul" and plan["villages"] == ["Kolong"]
    assert plan["risks"] == [{"risk": "Banjir", "mitigation": ""}]


def test_diff_marks_changed_words_and_rows():
    old = normalize({"title": "Kolam lele untuk Nganti", "problem": "Sama saja",
                     "risks": [{"risk": "Banjir", "mitigation": "Tanggul"}]})
    new = normalize({"title": "Kolam lele bersama untuk Nganti", "problem": "Sama saja",
                     "risks": [{"risk": "Banjir", "mitigation": "Tanggul"},
                               {"risk": "<script>", "mitigation": "x"}]})
    changes = {c.field: c.html for c in diff(old, new)}
    assert set(changes) == {"title", "risks"}
    assert changes["title"] == "Kolam lele <ins>bersama</ins> untuk Nganti"
    assert "<ins>&lt;script&gt; | x</ins>" in changes["risks"]
