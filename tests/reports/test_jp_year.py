"""The BKPP report "JP per year": JP count in the (local) year their module was completed,
per unit and per person, against the annual standard; its exports; admins only."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from leans.content import get_catalogue
from leans.core.extensions import db
from leans.core.i18n import local_today
from leans.core.models import Enrolment, Role, UnitType
from tests.fixtures.certificates import complete_module
from tests.fixtures.html import page_scripts

KK, MK, KPA = ("kepemimpinan-kolaboratif", "memahami-kemiskinan-bojonegoro",
               "kemandirian-profesionalisme-asn")
#: 17:30 UTC on 31 December 2025 is 00:30 on 1 January 2026 in Bojonegoro (WIB).
NEW_YEAR_WIB = dt.datetime(2025, 12, 31, 17, 30, tzinfo=dt.UTC)
PEOPLE_HEADER = ["NIP", "Nama", "Unit", "Jenis unit", "JP", "Mencapai target"]
OPD = "Perangkat daerah (OPD)"  # the unit type's label, never the code
UNITS_HEADER = ["Unit", "Jenis unit", "Peserta", "Mencapai target", "Belum mencapai target",
                "Total JP"]


def complete(enrolment: Enrolment, slug: str, at: dt.datetime) -> None:
    """Every rule of the module met at AT: its lessons, its tasks and a passed post-test."""
    complete_module(enrolment, slug, at)
    db.session.commit()


@pytest.fixture
def world(app, make_user, make_cohort):
    """tepat: exactly 20 JP in 2026 (12 in cohort a26, 8 in b25, one module completed at
    00:30 WIB on 1 January 2026); kurang: 12 JP in 2026 and 8 in 2025; nol: enrolled in
    2026, nothing completed."""
    assert app.config["LEANS_JP_ANNUAL_TARGET"] == 20
    assert [get_catalogue().module(s).jp for s in (KK, MK, KPA)] == [4, 4, 4]
    make_user({Role.ADMIN}, username="admin")
    fasil = make_user({Role.FACILITATOR}, username="fasil")
    opd = {"unit": "Dinas Uji", "unit_type": UnitType.OPD}
    tepat = make_user(username="tepat", full_name="Tepat, S.E.", nip="198609262015051001",
                      **opd)
    kurang = make_user(username="kurang", full_name="Kurang, S.Sos.", **opd)
    nol = make_user(username="nol", full_name="Nol", unit="Kolong",
                    unit_type=UnitType.DESA)
    a26 = make_cohort("a26", modules=[KK, MK, KPA], participants=[tepat, kurang, nol],
                      facilitators=[fasil], starts_on=dt.date(2026, 2, 1),
                      ends_on=dt.date(2026, 11, 30))
    b25 = make_cohort("b25", modules=[KK, MK], participants=[tepat, kurang],
                      starts_on=dt.date(2025, 10, 1), ends_on=dt.date(2025, 12, 20))
    may = dt.datetime(2026, 5, 10, 2, tzinfo=dt.UTC)
    for enrolment in a26.enrolments[:2]:
        for slug in (KK, MK, KPA):
            complete(enrolment, slug, may)
    complete(b25.enrolments[0], KK, NEW_YEAR_WIB)
    complete(b25.enrolments[0], MK, dt.datetime(2026, 1, 5, 2, tzinfo=dt.UTC))
    for slug in (KK, MK):
        complete(b25.enrolments[1], slug, dt.datetime(2025, 11, 1, 2, tzinfo=dt.UTC))


def _csv(client, url: str) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_jp_count_in_the_year_the_module_was_completed(world, logged_in):
    client = logged_in("admin")
    people = _csv(client, "/admin/reports/jp-year/people.csv?year=2026")
    assert people[0] == PEOPLE_HEADER
    assert people[1:] == [  # by unit, then name
        ["", "Kurang, S.Sos.", "Dinas Uji", OPD, "12", "tidak"],
        ["19860926 201505 1 001", "Tepat, S.E.", "Dinas Uji", OPD, "20", "ya"],  # exactly 20
        ["", "Nol", "Kolong", "Desa", "0", "tidak"],
    ]
    units = _csv(client, "/admin/reports/jp-year/units.csv?year=2026")
    assert units[0] == UNITS_HEADER
    assert units[1:] == [["Dinas Uji", OPD, "2", "1", "1", "32"],
                         ["Kolong", "Desa", "1", "0", "1", "0"]]
    # 2025: kurang's 8 JP; tepat, enrolled in b25 that year, completed nothing before
    # midnight WIB.
    people = _csv(client, "/admin/reports/jp-year/people.csv?year=2025")
    assert [row[1:] for row in people[1:]] == [
        ["Kurang, S.Sos.", "Dinas Uji", OPD, "8", "tidak"],
        ["Tepat, S.E.", "Dinas Uji", OPD, "0", "tidak"]]


def test_one_jp_short_of_the_standard_is_not_reached(world, app, logged_in, monkeypatch):
    monkeypatch.setitem(app.config, "LEANS_JP_ANNUAL_TARGET", 21)
    people = _csv(logged_in("admin"), "/admin/reports/jp-year/people.csv?year=2026")
    assert [people[2][1], people[2][4], people[2][5]] == ["Tepat, S.E.", "20", "tidak"]


def test_the_page_and_the_xlsx(world, logged_in):
    client = logged_in("admin")
    page = client.get("/admin/reports/jp-year?year=2026").get_data(as_text=True)
    assert "Tepat, S.E." in page and "Dinas Uji" in page and not page_scripts(page)
    assert '<option value="2025"' in page and '<option value="2026" selected' in page
    assert "/admin/reports/jp-year" in client.get("/admin/reports").get_data(as_text=True)
    response = client.get("/admin/reports/jp-year/people.xlsx?year=2026")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == PEOPLE_HEADER
    assert rows[2][4] == 20 and isinstance(rows[2][4], int | float)  # a number, not text
    assert rows[2][0] == "19860926 201505 1 001"  # text: no digit lost


@pytest.mark.parametrize("year", [
    "abc", "99999", "-1", "1999", "2026.5", "9" * 500, "", "²", "٢٠٢٦"])
def test_a_bad_year_gives_this_year(world, app, logged_in, year):
    client = logged_in("admin")
    with app.test_request_context():
        this_year = local_today().year
    response = client.get(f"/admin/reports/jp-year?year={year}")
    assert response.status_code == 200
    assert f'<option value="{this_year}" selected' in response.get_data(as_text=True)
    response = client.get(f"/admin/reports/jp-year/units.csv?year={year}")
    assert response.status_code == 200 and f"laporan-jp-{this_year}-units.csv" in \
        response.headers["Content-Disposition"]


def test_admins_only(world, app, logged_in):
    for url in ("/admin/reports/jp-year", "/admin/reports/jp-year/people.csv",
                "/admin/reports/jp-year/units.xlsx"):
        assert logged_in("fasil").get(url).status_code == 403
        assert logged_in("tepat").get(url).status_code == 403
        assert app.test_client().get(url).status_code == 302
    assert logged_in("admin").get("/admin/reports/jp-year/other.csv").status_code == 404
