"""A module's test results as export tables (docs/exports.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from leans.assessments.quizzes.analytics import ItemStat, ObjectiveGain, ParticipantScores
from leans.content.model import Module
from leans.content.quiz import QuizKind
from leans.core.labels import label_id
from leans.core.models import User
from leans.core.spreadsheets import Table


def results_table(rows: Sequence[tuple[User, ParticipantScores | None]]) -> Table:
    """One row per participant: pre and counting post score, gain, passed, attempts."""
    header = ["NIP", "Nama", "Unit", "Pre-test", "Post-test", "Gain", "Lulus",
              "Percobaan post-test"]
    cells = [[user.nip_display or "", user.full_name, user.unit or "",
              s.pre if s else None, s.post if s else None,
              # post - pre of two 2-decimal scores: rounded, so no 16.659999999999997
              round(s.gain, 2) if s and s.gain is not None else None,
              ("ya" if s.passed else "tidak") if s and s.passed is not None else "",
              s.post_attempts if s else 0] for user, s in rows]
    return Table("Hasil", header, cells)


def items_table(items: Mapping[QuizKind, Sequence[ItemStat]]) -> Table:
    """One row per question and test: how often it was asked and missed."""
    header = ["Tes", "ID soal", "Soal", "Ditanyakan", "Salah", "Persen salah"]
    cells = [[label_id(kind), i.question_id, i.text, i.asked, i.missed,
              round(i.share_missed * 100)] for kind in QuizKind for i in items[kind]]
    return Table("Analisis soal", header, cells)


def objectives_table(module: Module, gains: Sequence[ObjectiveGain]) -> Table:
    """One row per objective: mean pre-test and counting post-test score on its items, the
    gain, and how many participants each figure is over."""
    header = ["ID tujuan", "Tujuan", "Pre-test", "Post-test", "Gain", "Peserta pre-test",
              "Peserta post-test", "Peserta keduanya"]
    cells = []
    for g in gains:
        objective = module.objective(g.objective_id)
        cells.append([g.objective_id, objective.text if objective else "", g.pre_average,
                      g.post_average, g.gain, g.pre_count, g.post_count, g.paired_count])
    return Table("Per tujuan", header, cells)
