"""Every spreadsheet export refuses to write formulas: payloads in every free-text column
(names, units, villages, plan titles) come out inert in CSV and XLSX."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from leans.assessments.plans.models import ActionPlan
from leans.certificates.export import build_zip
from leans.certificates.issuing import candidates, issue_batch
from leans.core.extensions import db
from leans.core.models import Role
from leans.core.spreadsheets import FORMULA_PREFIXES
from tests.fixtures.certificates import MODULE

PAYLOADS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", "\n=1+1",
            "=HYPERLINK(\"http://x\",\"y\")",
            # After a separator: Excel in an Indonesian locale splits unquoted CSV on ";".
            "Kolong;=cmd|' /C calc'!A0;", "Kolong,=cmd|' /C calc'!A0,",
            # Blanks and full-width signs before the trigger.
            "  =1+1", "\u00a0=1+1", "\uff1d1+1", "\uff0bSUM(A1)"]
TRIGGERS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def risky(cell: str) -> bool:
    """A cell a spreadsheet could run as a formula (numbers like -5 are fine): one that,
    after blanks, starts with a trigger."""
    stripped = cell.lstrip(" \t\r\n\u00a0\u3000")
    if not (cell.startswith(FORMULA_PREFIXES) or stripped.startswith(TRIGGERS)):
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False


def csv_cells(body: str) -> list[str]:
    """The cells as a spreadsheet reads the file with either list separator (Excel in an
    English locale uses ",", in an Indonesian one ";"), honouring quotes."""
    return [cell for separator in (",", ";")
            for row in csv.reader(io.StringIO(body, newline=""), delimiter=separator)
            for cell in row]


@pytest.fixture(params=PAYLOADS, ids=range(len(PAYLOADS)))
def world(request, make_user, make_cohort, make_eligible):
    payload = request.param
    admin = make_user({Role.ADMIN}, username="admin")
    person = make_user(username="p", full_name=payload + " Nama", unit=payload + " Unit",
                       desa=payload + " Desa", kecamatan=payload + " Kec")
    cohort = make_cohort("k", modules=[MODULE], participants=[person], facilitators=[admin])
    make_eligible(cohort.enrolments[0])
    plan = db.session.scalar(select(ActionPlan))
    plan.versions[0].content = {"title": payload + " Judul", "villages": [payload + " Desa"],
                                "activities": []}
    db.session.commit()
    issue_batch(candidates(cohort), admin)
    db.session.commit()
    return cohort


EXPORTS = ["/cohorts/k/progress.{fmt}", f"/cohorts/k/tests/{MODULE}/results.{{fmt}}",
           "/grading/tracker.{fmt}", "/admin/reports/opd.{fmt}", "/admin/reports/desa.{fmt}",
           "/admin/reports/kecamatan.{fmt}"]


def test_no_export_writes_a_formula(world, logged_in):
    client = logged_in("admin")
    for template in EXPORTS:
        body = client.get(template.format(fmt="csv")).get_data().decode("utf-8-sig")
        assert not [c for c in csv_cells(body) if risky(c)], template
        sheet = load_workbook(io.BytesIO(client.get(template.format(fmt="xlsx")).data)).active
        assert not [c.coordinate for row in sheet.iter_rows() for c in row
                    if c.data_type == "f"], template
    archive = io.BytesIO()
    build_zip(world, archive)
    register = zipfile.ZipFile(archive).read("register.csv").decode("utf-8-sig")
    assert not [c for c in csv_cells(register) if risky(c)]
    sheet = load_workbook(io.BytesIO(zipfile.ZipFile(archive).read("register.xlsx"))).active
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
