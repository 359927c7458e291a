"""The BKPP reports: figures per module, village and plan state, and their exports."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from leans.content import get_catalogue
from leans.core.extensions import db
from leans.core.models import Cohort, Enrolment
from tests.fixtures.html import page_scripts


@pytest.fixture
def setup(admin_world):
    return admin_world


def test_report_figures_and_export_columns(setup, make_user, logged_in, make_eligible):
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "k"))
    second = make_user(username="kedua", full_name="Peserta B", unit="Bappeda", desa="Nganti")
    cohort.enrolments.append(Enrolment(user=second))
    db.session.commit()
    make_eligible(cohort.enrolments[0])  # Peserta A: module complete, plan approved
    client = logged_in("admin")
    rows = list(csv.reader(io.StringIO(client.get("/admin/reports/modules.csv?cohort=k")
                                       .get_data().decode("utf-8-sig"))))
    assert rows[0] == ["Modul", "Peserta", "Selesai", "Persen selesai"]
    assert rows[1][1:] == ["2", "1", "50"]
    desa = list(csv.reader(io.StringIO(client.get("/admin/reports/desa.csv?cohort=k")
                                       .get_data().decode("utf-8-sig"))))
    assert desa[0] == ["Desa", "Peserta", "Tuntas", "Persen tuntas", "Rata-rata kemajuan"]
    assert desa[1:] == [["Kolong", "1", "1", "100", "100"], ["Nganti", "1", "0", "0", "0"]]
    plans = list(csv.reader(io.StringIO(client.get("/admin/reports/plans.csv?cohort=k")
                                        .get_data().decode("utf-8-sig"))))
    assert ["Disetujui", "1"] in plans and ["Belum ada", "1"] in plans
    summary = client.get("/admin/reports/summary.csv").get_data().decode("utf-8-sig")
    jp = get_catalogue().module("kepemimpinan-kolaboratif").jp  # Peserta A's one module
    assert f'"JP diberikan","{jp}"' in summary
    page = client.get("/admin/reports?cohort=k").get_data(as_text=True)
    assert "<svg" in page and not page_scripts(page)
