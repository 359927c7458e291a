"""BKPP reports: completion per module, OPD, kecamatan and desa; JP delivered; action-plan
states; pre/post gains; certificates. Plain tables (header + rows) for pages and exports."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from leans.assessments.plans.content import PILOT_VILLAGES
from leans.assessments.plans.models import ActionPlan
from leans.assessments.plans.states import PlanState
from leans.assessments.quizzes.analytics import participant_scores, summarize
from leans.assessments.quizzes.models import QuizAttempt
from leans.certificates.models import Certificate, CertificateStatus
from leans.content.model import Catalogue
from leans.core.extensions import db
from leans.core.identity import format_nip
from leans.core.labels import label_id
from leans.core.models import Cohort, Enrolment, User
from leans.core.spreadsheets import Table
from leans.modules.cohort_progress import ParticipantRow, cohort_report
from leans.modules.ledger import JpCredit, credit_year, credits_by_user, jp_in_year


@dataclass(frozen=True)
class Report:
    tables: dict[str, Table]


def _group_table(key: str, label: str, rows: Sequence[ParticipantRow], group_of,
                 highlight: frozenset = frozenset()) -> Table:
    groups: dict[str, list[ParticipantRow]] = defaultdict(list)
    for row in rows:
        name = group_of(row)
        if name:
            groups[name].append(row)
    table = []
    for name, members in sorted(groups.items()):
        complete = sum(r.complete for r in members)
        average = round(sum(r.overall_percent for r in members) / len(members))
        table.append([name, len(members), complete, round(complete * 100 / len(members)),
                      average])
    return Table(key, [label, "Peserta", "Tuntas", "Persen tuntas", "Rata-rata kemajuan"],
                 table, highlight)


def build_report(cohorts: Sequence[Cohort], catalogue: Catalogue) -> Report:
    reports = [cohort_report(cohort, catalogue, summary=True) for cohort in cohorts]
    rows = [row for report in reports for row in report.rows]
    per_module: dict[str, list[int]] = {}
    titles = {}
    for report in reports:
        for row in report.rows:
            for progress in row.progress:
                counts = per_module.setdefault(progress.module.slug, [0, 0])
                counts[0] += 1
                counts[1] += progress.complete
                titles[progress.module.slug] = f"{progress.module.order}. {progress.module.title}"
    modules = Table("modules", ["Modul", "Peserta", "Selesai", "Persen selesai"],
                    [[titles[s], n, done, round(done * 100 / n) if n else 0]
                     for s, (n, done) in per_module.items()])
    tables = {
        "modules": modules,
        "opd": _group_table("opd", "OPD", rows, lambda r: r.user.unit
                            if r.user.unit_type and r.user.unit_type.value == "opd" else None),
        "kecamatan": _group_table("kecamatan", "Kecamatan", rows, lambda r: r.user.kecamatan),
        "desa": _group_table("desa", "Desa", rows, lambda r: r.user.desa,
                             frozenset(PILOT_VILLAGES)),
        "plans": _plan_table([row.enrolment.id for row in rows]),
        "tests": _test_table(cohorts, catalogue),
        "certificates": _certificate_table(cohorts),
    }
    jp = sum(row.jp_earned for row in rows)
    tables["summary"] = Table("summary", ["Ukuran", "Nilai"], [
        ["Angkatan", len(cohorts)], ["Peserta", len(rows)],
        ["Peserta tuntas", sum(r.complete for r in rows)], ["JP diberikan", jp]])
    return Report(tables)


def _plan_table(enrolment_ids: list[int]) -> Table:
    counts = Counter(db.session.scalars(select(ActionPlan.state).where(
        ActionPlan.enrolment_id.in_(enrolment_ids)))) if enrolment_ids else Counter()
    without = len(enrolment_ids) - sum(counts.values())
    return Table("plans", ["Status rencana aksi", "Jumlah"],
                 [[label_id(state), counts[state]] for state in PlanState]
                 + [["Belum ada", without]])


def _test_table(cohorts: Sequence[Cohort], catalogue: Catalogue) -> Table:
    ids = [c.id for c in cohorts]
    attempts = db.session.scalars(
        select(QuizAttempt).join(Enrolment, Enrolment.id == QuizAttempt.enrolment_id)
        .where(Enrolment.cohort_id.in_(ids), Enrolment.unenrolled_at.is_(None),
               QuizAttempt.submitted_at.is_not(None))).all() if ids else []
    by_module: dict[str, list] = defaultdict(list)
    for attempt in attempts:
        by_module[attempt.module_slug].append(attempt)
    rows = []
    for module in catalogue.modules:
        if module.quiz is None or module.slug not in by_module:
            continue
        s = summarize(participant_scores(by_module[module.slug],
                                         module.quiz.score_policy).values())
        rows.append([f"{module.order}. {module.title}", s.pre_average, s.post_average, s.gain,
                     s.normalized_gain, s.pass_rate])
    return Table("tests", ["Modul", "Rata-rata pre-test", "Rata-rata post-test", "Peningkatan",
                           "Peningkatan ternormalisasi", "Tingkat kelulusan"], rows,
                 shares=frozenset({5}))  # the pass rate: 0.857 in the files, 85,7% on the page


def _certificate_table(cohorts: Sequence[Cohort]) -> Table:
    ids = [c.id for c in cohorts]
    counts = dict(db.session.execute(
        select(Certificate.status, func.count(Certificate.id))
        .join(Enrolment, Enrolment.id == Certificate.enrolment_id)
        .where(Enrolment.cohort_id.in_(ids)).group_by(Certificate.status)).all()) if ids else {}
    return Table("certificates", ["Status sertifikat", "Jumlah"],
                 [[label_id(status), counts.get(status, 0)] for status in CertificateStatus])


#: The years the JP report can be asked for: LEANS has no data before, and none far ahead.
FIRST_YEAR = 2000
#: The unit of a participant who has none recorded, in the JP report.
NO_UNIT = "(tanpa unit)"


@dataclass(frozen=True)
class JpYearReport:
    """Who reached the annual JP standard through LEANS in a year, per unit and per person."""

    year: int
    target: float
    #: Years with data (a cohort running or JP credited), newest first: the year selector.
    years: list[int]
    tables: dict[str, Table]


def _cohort_years(cohort: Cohort) -> range:
    return range(cohort.starts_on.year, cohort.ends_on.year + 1)


def jp_years(cohorts: Sequence[Cohort], ledger: dict[int, list[JpCredit]], timezone: str,
             last_year: int) -> list[int]:
    """Years with a cohort running or JP credited, within [FIRST_YEAR, last_year]."""
    years = {y for cohort in cohorts for y in _cohort_years(cohort)}
    years |= {credit_year(c, timezone) for credits in ledger.values() for c in credits}
    return sorted((y for y in years if FIRST_YEAR <= y <= last_year), reverse=True)


def jp_year_report(cohorts: Sequence[Cohort], catalogue: Catalogue, *, year: int,
                   target: float, timezone: str, last_year: int) -> JpYearReport:
    """Participants of a year: enrolled (still) in a cohort running that year, or credited
    JP that year. JP of a year are those of modules completed in it (the ledger's rule)."""
    ledger = credits_by_user(cohorts, catalogue)
    running = [c.id for c in cohorts if year in _cohort_years(c)]
    ids = set(db.session.scalars(select(Enrolment.user_id).where(
        Enrolment.cohort_id.in_(running), Enrolment.unenrolled_at.is_(None)))) \
        if running else set()
    jp = {user_id: round(jp_in_year(credits, year, timezone), 2)
          for user_id, credits in ledger.items()}
    ids |= {user_id for user_id, value in jp.items() if value}
    people = sorted(db.session.scalars(select(User).where(User.id.in_(ids))).all(),
                    key=lambda u: ((u.unit or "").casefold(), u.full_name.casefold())) \
        if ids else []
    rows = [[format_nip(u.nip) if u.nip else "", u.full_name, u.unit or "",
             label_id(u.unit_type) if u.unit_type else "", jp.get(u.id, 0),
             "ya" if jp.get(u.id, 0) >= target else "tidak"] for u in people]
    tables = {"units": _jp_unit_table(rows), "people": Table(
        "people", ["NIP", "Nama", "Unit", "Jenis unit", "JP", "Mencapai target"], rows)}
    return JpYearReport(year, target, jp_years(cohorts, ledger, timezone, last_year), tables)


def _jp_unit_table(people: Sequence[Sequence]) -> Table:
    groups: dict[tuple[str, str], list[Sequence]] = defaultdict(list)
    for row in people:
        groups[(row[2] or NO_UNIT, row[3])].append(row)
    return Table("units", ["Unit", "Jenis unit", "Peserta", "Mencapai target",
                           "Belum mencapai target", "Total JP"],
                 [[unit, kind, len(rows), sum(r[5] == "ya" for r in rows),
                   sum(r[5] != "ya" for r in rows), round(sum(r[4] for r in rows), 2)]
                  for (unit, kind), rows in sorted(groups.items())])
