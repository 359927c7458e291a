"""A cohort's certificates as SIASN course-history records: the mapping, the XLSX, CSV and
JSON export, skipped certificates and who may download it."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from leans.certificates.issuing import issue_all, revoke
from leans.certificates.models import Certificate
from leans.certificates.siasn import FIELDS, SiasnSettings, course_record, split
from leans.core.extensions import db
from leans.core.models import User

URL = "/admin/certificates/k/siasn"
NIP_0 = "197812052003121004"
NIP_1 = "198001012005011002"


@pytest.fixture
def issued(certificate_cohort):
    """Certificates issued to p0 and p1 (with NIPs) and p2 (none: a village official)."""
    cohort = certificate_cohort
    cohort.enrolments[1].user.nip = NIP_1
    db.session.commit()
    assert issue_all(cohort, None).issued == 3
    return cohort


def certificates() -> list[Certificate]:
    db.session.expire_all()
    return list(db.session.scalars(select(Certificate).order_by(Certificate.id)))


def admin() -> User:
    return db.session.scalar(select(User).where(User.username == "admin"))


def test_a_certificate_maps_to_siasn_fields(issued, app):
    first = certificates()[0]
    settings = SiasnSettings(instansi_id="A5EB", jenis_diklat_id="2", jenis_kursus="x",
                             jenis_kursus_sertipikat="S", organiser="BKPP Kabupaten Bojonegoro")
    record = course_record(first, settings)
    assert list(record) == FIELDS
    assert record["nip"] == NIP_0
    assert record["nomorSertipikat"] == first.number
    assert record["kodeVerifikasiLeans"] == first.code
    assert record["jumlahJam"] == int(first.data["jp"]) and isinstance(record["jumlahJam"], int)
    assert record["institusiPenyelenggara"] == "BKPP Kabupaten Bojonegoro"
    assert (record["instansiId"], record["jenisDiklatId"]) == ("A5EB", "2")
    cohort = issued
    assert record["tanggalKursus"] == cohort.starts_on.strftime("%d-%m-%Y")
    assert record["tanggalSelesaiKursus"] == cohort.ends_on.strftime("%d-%m-%Y")
    assert record["tahunKursus"] == cohort.ends_on.year
    # Without an organiser set, the issuing agency printed on the certificate.
    assert course_record(first)["institusiPenyelenggara"] == first.data["agency"]


def test_only_valid_certificates_with_an_18_digit_nip_are_records(issued, app):
    revoke(certificates()[1], admin(), "Data kehadiran tidak sah")
    db.session.commit()
    result = split(certificates())
    assert [r["nip"] for _c, r in result.records] == [NIP_0]
    assert sorted(s.reason for s in result.skipped) == ["no_nip", "revoked"]


def test_xlsx_csv_and_json_exports(issued, logged_in):
    revoke(certificates()[1], admin(), "Data kehadiran tidak sah")
    db.session.commit()
    client = logged_in("admin")
    response = client.get(f"{URL}.xlsx")
    assert response.status_code == 200
    assert 'filename="siasn-k.xlsx"' in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == FIELDS
    assert len(rows) == 2 and rows[1][0] == NIP_0  # the NIP stays text: 18 digits intact

    response = client.get(f"{URL}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert table[0] == FIELDS and table[1][0] == NIP_0 and len(table) == 2

    response = client.get(f"{URL}.json")
    assert response.status_code == 200
    body = json.loads(response.data)
    assert [r["nip"] for r in body["records"]] == [NIP_0]
    assert body["records"][0]["nomorSertipikat"] == certificates()[0].number
    assert {s["alasan"] for s in body["skipped"]} == {"no_nip", "revoked"}
    assert client.get(f"{URL}.pdf").status_code == 404


def test_a_superseded_certificate_is_skipped(issued, app):
    first = certificates()[0]
    first.status = "superseded"
    db.session.commit()
    result = split(certificates())
    assert "superseded" in {s.reason for s in result.skipped}
    assert NIP_0 not in [r["nip"] for _c, r in result.records]


def test_only_admins_may_export(issued, app, logged_in):
    anonymous = app.test_client().get(f"{URL}.xlsx")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert logged_in("fasil").get(f"{URL}.xlsx").status_code == 403
    assert logged_in("p3").get(f"{URL}.json").status_code == 403
    assert logged_in("admin").get("/admin/certificates/nope/siasn.csv").status_code == 404


def test_the_registry_links_to_the_export(issued, logged_in):
    page = logged_in("admin").get("/admin/certificates/k").get_data(as_text=True)
    assert "/admin/certificates/k/siasn.xlsx" in page
