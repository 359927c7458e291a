"""Participant import from CSV and XLSX: errors by row and column, all-or-nothing,
idempotent, encodings, dry run, one-time setup links."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from leans.core.extensions import db
from leans.core.models import Enrolment, Role, User

HEADER = "NIP,Nama,Pangkat/Golongan,Jabatan,Unit/OPD,Kecamatan,Desa,Email,Role"
GOOD = [
    "19860926 201505 2 001,\"Siti Nurhayati, S.E., M.M.\",III/c,Perencana,Bappeda,,,"
    "siti@bojonegoro.example,peserta",
    ",Sutrisno,,Kepala Desa,Pemerintah Desa Tondomulo,Kedungadem,Tondomulo,,peserta",
    "198107152006041005,\"Bambang Irawan, S.Sos., M.AP.\",iii/d,Widyaiswara,BKPP,,,,"
    "fasilitator",
]


def csv_bytes(lines: list[str], encoding: str = "utf-8", bom: bool = False,
              delimiter: str = ",") -> bytes:
    import csv
    rows = list(csv.reader(io.StringIO("\n".join([HEADER, *lines]))))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode(encoding)


def xlsx_bytes(lines: list[str]) -> bytes:
    import csv
    workbook = Workbook()
    sheet = workbook.active
    for row in csv.reader(io.StringIO("\n".join([HEADER, *lines]))):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def cohort(make_cohort, make_user):
    make_user({Role.ADMIN}, username="admin")
    return make_cohort("k", modules=["kepemimpinan-kolaboratif"])


def run(runner, tmp_path, name: str, data: bytes, *extra):
    path = tmp_path / name
    path.write_bytes(data)
    return runner.invoke(args=["users", "import", str(path), "--cohort", "k", *extra])


def snapshot():
    return (db.session.scalar(select(func.count(User.id))),
            db.session.scalar(select(func.count(Enrolment.id))))


def test_a_good_file_imports_and_a_second_run_changes_nothing(runner, tmp_path, cohort):
    first = run(runner, tmp_path, "peserta.csv", csv_bytes(GOOD))
    assert first.exit_code == 0, first.output
    assert "3 rows: 3 new, 0 update, 0 unchanged, 0 with errors." in first.output
    siti = db.session.scalar(select(User).where(User.nip == "198609262015052001"))
    assert siti.full_name == "Siti Nurhayati, S.E., M.M." and siti.golongan == "III/c"
    sutrisno = db.session.scalar(select(User).where(User.full_name == "Sutrisno"))
    assert sutrisno.nip is None and sutrisno.desa == "Tondomulo"
    bambang = db.session.scalar(select(User).where(User.nip == "198107152006041005"))
    assert bambang.roles == {Role.FACILITATOR}
    before = snapshot()
    assert before == (4, 2)  # admin + 3; two participants enrolled
    second = run(runner, tmp_path, "peserta.csv", csv_bytes(GOOD))
    assert "0 new, 0 update, 3 unchanged" in second.output
    assert snapshot() == before


@pytest.mark.parametrize(("line", "message"), [
    ("198609262015053001,Nama,,,,,,,", "row 2, column NIP: Digit 15 NIP adalah kode jenis"),
    ("123,Nama,,,,,,,", "row 2, column NIP: NIP harus terdiri dari 18 angka"),
    (",Nama,III/f,,,,,,", "row 2, column pangkat/golongan: Pangkat/golongan \"III/f\" tidak"),
    (",,III/a,,,,,,", "row 2, column nama: nama belum diisi"),
    (",Nama,,,,,,bukan-email,", "row 2, column email: 'bukan-email' bukan alamat email"),
    (",Nama,,,,,,,kepala", "row 2, column role: peran 'kepala' tidak dikenal"),
    (",Nama,,,,,,,admin", "row 2, column role: impor tidak dapat menjadikan siapa pun "
                          "administrator"),
])
def test_each_error_names_row_column_and_reason(runner, tmp_path, cohort, line, message):
    result = run(runner, tmp_path, "salah.csv", csv_bytes([line]))
    assert result.exit_code != 0
    assert message in result.output.replace("\n", " ")


def test_duplicates_and_emails_of_others_are_errors_and_nothing_is_written(runner, tmp_path, cohort,
                                                                           make_user):
    make_user(username="ada", email="dipakai@bojonegoro.example", full_name="Orang Lain")
    before = snapshot()
    lines = [*GOOD, GOOD[0].replace("siti@", "siti2@"),
             "199201102019031007,Baru,,,Dinas Sosial,,,dipakai@bojonegoro.example,"]
    result = run(runner, tmp_path, "campur.csv", csv_bytes(lines))
    assert result.exit_code != 0
    assert "row 5, column NIP: NIP yang sama sudah ada di baris 2" in result.output
    assert "row 6, column email: dipakai@bojonegoro.example sudah dipakai oleh Orang Lain" \
        in result.output
    assert "Nothing was imported" in result.output
    assert snapshot() == before  # all or nothing


@pytest.mark.parametrize(("name", "data"), [
    ("bom.csv", csv_bytes(GOOD, bom=True)),
    ("excel.csv", csv_bytes(GOOD, encoding="cp1252", delimiter=";")),
    ("peserta.xlsx", xlsx_bytes(GOOD)),
])
def test_bom_windows_1252_semicolons_and_xlsx_give_the_same_result(runner, tmp_path, cohort, name,
                                                                   data):
    result = run(runner, tmp_path, name, data)
    assert result.exit_code == 0, result.output
    assert "3 new" in result.output
    assert db.session.scalar(select(User.full_name).where(
        User.nip == "198609262015052001")) == "Siti Nurhayati, S.E., M.M."


def test_windows_1252_keeps_accented_names(runner, tmp_path, cohort):
    line = ",Désy Ratnasari,,,Dinas Sosial,,,,"
    result = run(runner, tmp_path, "aksen.csv", csv_bytes([line], encoding="cp1252"))
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.full_name == "Désy Ratnasari"))


def test_dry_run_writes_nothing(runner, tmp_path, cohort):
    before = snapshot()
    result = run(runner, tmp_path, "peserta.csv", csv_bytes(GOOD), "--dry-run")
    assert result.exit_code == 0 and "Dry run: nothing was written." in result.output
    assert snapshot() == before


def test_changed_rows_are_updates(runner, tmp_path, cohort):
    run(runner, tmp_path, "peserta.csv", csv_bytes(GOOD))
    changed = [GOOD[0].replace("Perencana", "Perencana Ahli Madya"), *GOOD[1:]]
    result = run(runner, tmp_path, "peserta.csv", csv_bytes(changed))
    assert "0 new, 1 update, 2 unchanged" in result.output
    assert db.session.scalar(select(User.jabatan).where(
        User.nip == "198609262015052001")) == "Perencana Ahli Madya"


def test_the_setup_link_lets_the_person_choose_a_password(app, client, runner, tmp_path, cohort,
                                                          post_form):
    result = run(runner, tmp_path, "peserta.csv", csv_bytes(GOOD[:1]))
    link = re.search(r"/account/setup/(\S+)", result.output).group(0)
    page = client.get(link)
    assert page.status_code == 200 and "siti" in page.get_data(as_text=True)
    response = post_form(client, link, {"new_password": "sawah-hijau-kedungadem-7",
                                        "confirm": "sawah-hijau-kedungadem-7"}, token_page=link)
    assert response.status_code == 302
    assert client.get("/dashboard").status_code == 200
    assert app.test_client().get(link).status_code == 404  # one-time


def test_two_rows_matching_one_account_by_name_are_an_error_not_a_merge(runner, tmp_path,
                                                                        cohort):
    """Two namesakes in one desa without NIP or email: never merged into one account."""
    run(runner, tmp_path, "peserta.csv", csv_bytes(GOOD))
    before = snapshot()
    namesake = GOOD[1].replace("Kepala Desa", "Sekretaris Desa")
    result = run(runner, tmp_path, "kembar.csv", csv_bytes([GOOD[1], namesake]))
    assert result.exit_code != 0
    assert "row 3, column NIP:" in result.output
    assert "Nothing was imported" in result.output
    assert snapshot() == before
    assert db.session.scalar(select(User.jabatan).where(User.full_name == "Sutrisno")) \
        == "Kepala Desa"


def test_a_name_two_accounts_share_matches_neither(runner, tmp_path, cohort, make_user):
    for username in ("sutrisno", "sutrisno2"):
        make_user(username=username, full_name="Sutrisno", unit="Pemerintah Desa Tondomulo")
    before = snapshot()
    result = run(runner, tmp_path, "satu.csv", csv_bytes([GOOD[1]]))
    assert result.exit_code != 0
    assert "row 2, column NIP:" in result.output
    assert snapshot() == before
