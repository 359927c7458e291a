"""The plan's state machine, rubric scoring, predicate ranges, completeness and diffs."""

from __future__ import annotations

import itertools

import pytest

from leans.assessments.plans.content import diff, missing_fields, normalize
from leans.assessments.plans.scoring import ThresholdError, parse_thresholds, predicate
from leans.assessments.plans.states import (
    TRANSITIONS,
    PlanAction,
    PlanState,
    TransitionError,
    next_state,
)
from leans.core.config import load_config

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


@pytest.mark.parametrize(("score", "expected"), [
    (100, "Sangat Memuaskan"), (90.01, "Sangat Memuaskan"), (90, "Memuaskan"),
    (80.01, "Memuaskan"), (80, "Cukup Memuaskan"), (70.5, "Cukup Memuaskan"),
    (70, "Kurang Memuaskan"), (60.01, "Kurang Memuaskan"), (60, "Tidak Memuaskan"),
    (0, "Tidak Memuaskan")])
def test_predicate_ranges_at_their_boundaries(score, expected):
    assert predicate(score, DEFAULT) == expected


def test_ranges_are_configurable():
    custom = parse_thresholds("Lulus>=75; Tidak Lulus>=0")
    assert predicate(75, custom) == "Lulus" and predicate(74.99, custom) == "Tidak Lulus"


@pytest.mark.parametrize("text", ["Baik=80", "A>50;B>60", ""])
def test_bad_ranges_are_refused(text):
    with pytest.raises(ThresholdError):
        parse_thresholds(text)


def test_weighted_score(app):
    from leans.assessments.plans.scoring import weighted_score
    from leans.content import get_catalogue

    rubric = get_catalogue().rubrics["rencana-aksi"]
    best = {c.id: c.max_points for c in rubric.criteria}
    assert weighted_score(rubric, best) == 100.0
    mixed = {**best, "relevansi-data": 2, "keberlanjutan": 3}
    # weights 25/20/20/20/15: 25*2/4 + 20 + 20 + 20 + 15*3/4 = 12.5 + 60 + 11.25 = 83.75
    assert weighted_score(rubric, mixed) == 83.75
    assert predicate(83.75, DEFAULT) == "Memuaskan"


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
