"""Every export has exactly the columns docs/exports.md lists, each documented as a machine
column ("mesin": numbers stay numbers, dates ISO) or a human one ("manusia": labels in
Bahasa Indonesia, dates written out), whatever language the person downloading reads."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from leans.assessments.plans.models import ActionPlan, PlanUpdate
from leans.assessments.quizzes.analytics import ParticipantScores
from leans.certificates.export import build_zip
from leans.certificates.issuing import candidates, issue_batch
from leans.certificates.models import Certificate
from leans.core.config import PROJECT_ROOT
from leans.core.extensions import db
from leans.core.models import Role
from leans.reports.quiz_results import results_table
from tests.fixtures.certificates import MODULE

DOC = PROJECT_ROOT / "docs" / "exports.md"
BKPP_TABLES = ("summary", "modules", "opd", "kecamatan", "desa", "plans", "tests",
               "certificates")
#: The exports of cohort ``k``, by the key docs/exports.md documents them under.
EXPORTS = {
    "/cohorts/<slug>/progress.csv": "/cohorts/k/progress.csv",
    "/cohorts/<slug>/tests/<module>/results.csv": f"/cohorts/k/tests/{MODULE}/results.csv",
    "/cohorts/<slug>/tests/<module>/items.csv": f"/cohorts/k/tests/{MODULE}/items.csv",
    "/cohorts/<slug>/tests/<module>/objectives.csv": f"/cohorts/k/tests/{MODULE}/objectives.csv",
    "/grading/tracker.csv": "/grading/tracker.csv",
    **{f"/admin/reports/{table}.csv": f"/admin/reports/{table}.csv" for table in BKPP_TABLES},
    **{f"/admin/reports/jp-year/{t}.csv": f"/admin/reports/jp-year/{t}.csv"
       for t in ("units", "people")},
}


def documented() -> dict[str, list[tuple[set[str], str]]]:
    """Each export's documented columns, in order: (the names a column may have, its kind).
    A row naming several columns (`` `Selesai`, `Berjalan` ``) stands for each of them;
    names separated by `` / `` are alternatives (one per BKPP group table)."""
    tables: dict[str, list[tuple[set[str], str]]] = {}
    keys: list[str] = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            found = re.findall(r"`([^`]+)`", line)
            keys = [found[0]] if found else []
        elif re.fullmatch(r"`[a-z]+`(, `[a-z]+`)*( \(.*\))?", line):  # a BKPP table's name
            keys = [f"/admin/reports/{name}.csv" for name in re.findall(r"`([a-z]+)`", line)]
        elif line.startswith("| `") and keys:
            column, kind = [cell.strip() for cell in line.strip("|").split("|")[:2]]
            for part in column.split(", "):
                names = set(re.findall(r"`([^`]+)`", part))
                for key in keys:
                    tables.setdefault(key, []).append((names, kind))
    return tables


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


@pytest.fixture
def world(make_user, make_cohort, make_eligible, logged_in, post_form):
    """Cohort ``k`` on MODULE: a participant with a NIP and degrees, eligible, whose plan was
    approved late in the evening of 30 November (UTC), already 1 December in Bojonegoro, and
    who reported one blocked milestone; one certificate issued. The admin reads LEANS in
    English."""
    admin = make_user({Role.ADMIN}, username="admin")
    person = make_user(username="p", full_name="Ir. Budi Santoso, S.T., M.T.",
                       nip="198609262015052001", unit="Dinas Sosial", desa="Kolong")
    cohort = make_cohort("k", modules=[MODULE], participants=[person], facilitators=[admin])
    make_eligible(cohort.enrolments[0])
    plan = db.session.scalar(select(ActionPlan))
    plan.approved_at = dt.datetime(2026, 11, 30, 20, 0, tzinfo=dt.UTC)
    plan.versions[0].content = {"title": "Ayam petelur", "villages": ["Kolong"],
                                "activities": [{"activity": "Kandang", "milestone": "Jadi",
                                                "date": "2027-01-31"}]}
    plan.updates.append(PlanUpdate(activity_index=0, activity_label="Kandang",
                                   status="blocked", reported_on=dt.date(2026, 12, 9)))
    db.session.commit()
    issue_batch(candidates(cohort), admin)
    db.session.commit()
    client = logged_in("admin")
    post_form(client, "/language", {"language": "en"})
    return cohort, client


def test_every_export_has_its_documented_columns(world):
    cohort, client = world
    docs = documented()
    headers = {key: csv_rows(client.get(url).data)[0] for key, url in EXPORTS.items()}
    archive = io.BytesIO()
    build_zip(cohort, archive)
    headers["register.xlsx"] = csv_rows(zipfile.ZipFile(archive).read("register.csv"))[0]
    assert set(docs) == set(headers)
    for key, header in headers.items():
        columns = [({name.replace("<module-slug>", MODULE) for name in names}, kind)
                   for names, kind in docs[key]]
        assert len(header) == len(columns), (key, header)
        for name, (names, kind) in zip(header, columns, strict=True):
            assert name in names, (key, name, names)
            assert kind in ("mesin", "manusia"), (key, name, kind)


def test_machine_columns_keep_values_and_human_columns_are_indonesian(world):
    _cohort, client = world  # who reads LEANS in English: the exports stay Indonesian
    rows = csv_rows(client.get("/grading/tracker.csv").data)
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Disetujui"] == "2026-12-01"  # the day in Asia/Jakarta, not in UTC
    assert row["Pembaruan terakhir"] == "2026-12-09"
    assert row["Nilai"] == "95.0"  # a machine number: decimal point, read by programs
    assert row["Status"] == "Macet" and row["Predikat"] == "Sangat Memuaskan"
    assert row["Disetujui (teks)"] == "1 Desember 2026"
    assert row["Pembaruan terakhir (teks)"] == "9 Desember 2026"
    assert row["Nama"] == "Ir. Budi Santoso, S.T., M.T."
    sheet = load_workbook(io.BytesIO(client.get("/grading/tracker.xlsx").data)).active
    header, values = sheet.iter_rows(max_row=2)
    cells = {name.value: cell for name, cell in zip(header, values, strict=True)}
    assert cells["Nilai"].data_type == "n" and cells["Nilai"].value == 95  # a numeric cell
    assert cells["Disetujui"].is_date and cells["Disetujui"].value.date() == dt.date(2026, 12, 1)
    cells = {name: cell.value for name, cell in cells.items()}
    assert cells["Tonggak"] == 1 and cells["Terhambat"] == 1
    assert cells["Disetujui (teks)"] == "1 Desember 2026"


def test_the_register_gives_the_printed_issue_date(world):
    """Issued at 01:30 in Bojonegoro (18:30 UTC the day before): the certificate says
    1 December, and so does the register."""
    cohort, _client = world
    certificate = db.session.scalar(select(Certificate))
    certificate.issued_at = dt.datetime(2026, 11, 30, 18, 30, tzinfo=dt.UTC)
    certificate.data = {**certificate.data, "issued_on": "2026-12-01"}
    db.session.commit()
    archive = io.BytesIO()
    build_zip(cohort, archive)
    files = zipfile.ZipFile(archive)
    rows = csv_rows(files.read("register.csv"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Tanggal terbit"] == "2026-12-01"
    assert row["Tanggal terbit (teks)"] == "1 Desember 2026"
    assert row["Status"] == "Berlaku" and row["NIP"] == "19860926 201505 2 001"
    sheet = load_workbook(io.BytesIO(files.read("register.xlsx"))).active
    values = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert values[8].date() == dt.date(2026, 12, 1) and values[9] == "1 Desember 2026"


def test_scores_and_hours_have_no_float_noise(world):
    """post − pre of 2-decimal scores (83.33 − 66.67) is written 16.66, not
    16.659999999999997; JP, a sum, has two decimals at most."""
    _cohort, client = world
    user = db.session.scalar(select(ActionPlan)).enrolment.user
    table = results_table([(user, ParticipantScores(1, 66.67, 83.33, True, 1))])
    assert table.rows[0][5] == 16.66
    rows = csv_rows(client.get("/cohorts/k/progress.csv").data)
    assert rows[0][-2] == "JP" and re.fullmatch(r"\d+(\.\d{1,2})?", rows[1][-2])
