"""Hostile participant lists: XLSX bombs (a million rows in a few KB, ZIP bombs, DTDs and
entities, sheets wider than Excel, XML broken deep inside a sheet, workbooks that make openpyxl
work for minutes) and CSV files that never end. Each is built here, byte by byte, and sent to
the real import page and to ``leans users import``: a 400 with a message that says what is
wrong, nothing written, nothing stored. How fast the refusals are is measured by
``bench/sheet_bombs.py``, not here."""

from __future__ import annotations

import functools
import io
import zipfile

import flask_babel
import pytest
from sqlalchemy import func, select

from leans.admin import sheets
from leans.core.audit import AuditEvent
from leans.core.extensions import db
from leans.core.models import Enrolment, Role, User

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CONTENT_TYPES = (
    f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{PACKAGE}/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/>'
    '</Relationships>')
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{OFFICE}/worksheet" Target="worksheets/sheet1.xml"/>'
    '</Relationships>')


def workbook_xml(sheet_count: int = 1) -> str:
    """The workbook part, listing the one worksheet SHEET_COUNT times."""
    listed = "".join(f'<sheet name="Peserta {n}" sheetId="{n}" r:id="rId1"/>'
                     for n in range(1, sheet_count + 1))
    return (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
            f'xmlns:r="{OFFICE}"><sheets>{listed}</sheets></workbook>')


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


#: The header and one participant, as rows 1 and 2 of a sheet.
TWO_ROWS = (f'<row r="1">{cell("A1", "Nama")}{cell("B1", "Unit")}</row>'
            f'<row r="2">{cell("A2", "Siti Nurhayati")}{cell("B2", "Bappeda")}</row>')


def sheet_xml(rows: str, *, prolog: str = "", dimension: str = "") -> str:
    dimension = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN}">'
            f"{dimension}<sheetData>{rows}</sheetData></worksheet>")


def workbook(sheet: str | bytes, *, parts: dict | None = None, sheet_count: int = 1) -> bytes:
    """A minimal XLSX file, written part by part with zipfile (no openpyxl)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", workbook_xml(sheet_count))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, data in (parts or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zeros_part(megabytes: int) -> bytes:
    """A workbook with an extra part of MEGABYTES MB of zero bytes (a ZIP bomb's kernel),
    written in chunks so the test never holds it."""
    buffer = io.BytesIO(workbook(sheet_xml(TWO_ROWS)))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive, \
            archive.open("xl/media/image1.png", "w", force_zip64=True) as part:
        for _ in range(megabytes):
            part.write(bytes(2**20))
    return buffer.getvalue()


@functools.cache
def million_rows() -> bytes:
    """A million rows (16 MB of XML) packed into about 2 MB, dimension and all, as the
    workbook that once took 82 s and 1.5 GB."""
    rows = "".join(f'<row r="{n}"/>' for n in range(3, 1_000_001))
    return workbook(sheet_xml(TWO_ROWS + rows, dimension="A1:B1000000"))


def sparse_million() -> bytes:
    """Row 1,000,000 and nothing between it and row 2: openpyxl fills in the empty rows, so
    a file of 1.5 KB reads as a million rows."""
    return workbook(sheet_xml(TWO_ROWS + '<row r="1000000"><c r="A1000000" s="1"/></row>'))


LAUGHS = ('<!DOCTYPE worksheet [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'
                    for n in range(1, 10)) + "]>")


def billion_laughs() -> bytes:
    rows = TWO_ROWS + f'<row r="3">{cell("A3", "&lol9;")}</row>'
    return workbook(sheet_xml(rows, prolog=LAUGHS))


def external_entity() -> bytes:
    rows = TWO_ROWS + f'<row r="3">{cell("A3", "&rahasia;")}</row>'
    return workbook(sheet_xml(rows, prolog='<!DOCTYPE worksheet [<!ENTITY rahasia SYSTEM '
                                           '"file:///etc/passwd">]>'))


def dtd_in_utf16_properties() -> bytes:
    """The DTD in another part than the sheet, in UTF-16 (no ASCII bytes to find)."""
    properties = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE p [<!ENTITY x "x">]>'
                  "<p>&x;</p>").encode("utf-16")
    return workbook(sheet_xml(TWO_ROWS), parts={"docProps/custom.xml": properties})


def many_parts() -> bytes:
    return workbook(sheet_xml(TWO_ROWS),
                    parts={f"xl/media/image{n}.png": b"" for n in range(sheets.MAX_PARTS)})


def wider_than_allowed() -> bytes:
    """A header cell in column XFD, the last Excel has (openpyxl would make every row
    16,384 cells wide)."""
    rows = (f'<row r="1">{cell("A1", "Nama")}{cell("XFD1", "Catatan")}</row>'
            f'<row r="2">{cell("A2", "Siti Nurhayati")}</row>')
    return workbook(sheet_xml(rows))


def broken_deep_inside() -> bytes:
    """Rows 1-3 parse; row 4 is not XML. openpyxl's read-only mode finds out only when the
    reading gets there."""
    rows = (TWO_ROWS + f'<row r="3">{cell("A3", "Sutrisno")}</row>'
            '<row r="4"><c r="A4"><v>1</v></row>')
    return workbook(sheet_xml(rows))


def endless_number() -> bytes:
    """A number of 5,000 digits, beyond what Python converts to an int."""
    return workbook(sheet_xml(TWO_ROWS + f'<row r="3"><c r="B3"><v>{"9" * 5000}</v></c></row>'))


#: (file, what the page must say), each refused before any row is imported.
HOSTILE = {
    "a million rows": (million_rows, "has more than 10,000 rows below the header"),
    "a million rows, sparse": (sparse_million, "has more than 10,000 rows below the header"),
    "billion laughs": (billion_laughs, "The file contains a DTD"),
    "external entity": (external_entity, "The file contains a DTD"),
    "DTD in UTF-16, in another part": (dtd_in_utf16_properties, "The file contains a DTD"),
    "ZIP bomb": (lambda: zeros_part(25), "too big once unpacked: more than 20 MB or 1000 parts"),
    "ZIP bomb under the size limit": (lambda: zeros_part(5), "packed suspiciously tightly"),
    "too many parts": (many_parts, "too big once unpacked: more than 20 MB or 1000 parts"),
    "a header in column XFD": (wider_than_allowed, "Row 1 has more than 100 columns"),
    "XML broken in row 4": (broken_deep_inside, "is not a readable Excel workbook"),
    "a 5,000-digit number": (endless_number, "is not a readable Excel workbook"),
}


def snapshot(imports_folder) -> tuple:
    """Accounts, enrolments, audit events and stored previews."""
    stored = sorted(imports_folder.iterdir()) if imports_folder.exists() else []
    return (db.session.scalar(select(func.count(User.id))),
            db.session.scalar(select(func.count(Enrolment.id))),
            db.session.scalar(select(func.count(AuditEvent.id))), stored)


@pytest.fixture
def imports_folder(app, tmp_path, monkeypatch):
    """The app's instance folder for this test only, so stored previews can be counted."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    return tmp_path / "imports"


@pytest.fixture
def admin(make_user, make_cohort, logged_in, post_form, imports_folder):
    """An admin's client, reading English (the messages below are quoted in English); cohort
    k exists."""
    make_user({Role.ADMIN}, username="admin")
    make_cohort("k", modules=["kepemimpinan-kolaboratif"])
    client = logged_in("admin")
    post_form(client, "/language", {"language": "en"})
    return client


@pytest.fixture
def upload(csrf_token):
    """``upload(client, data, name)``: send a file to cohort k's import page."""

    def send(client, data: bytes, name: str = "peserta.xlsx"):
        token = csrf_token(client, "/admin/cohorts/k/import")
        return client.post("/admin/cohorts/k/import", data={
            "file": (io.BytesIO(data), name), "csrf_token": token},
            content_type="multipart/form-data")

    return send


def refused(response, message: str, imports_folder, before) -> None:
    """The page says MESSAGE with a 400, and nothing was written or stored since BEFORE."""
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert 'name="token"' not in page  # no preview to confirm
    assert snapshot(imports_folder) == before


@pytest.mark.parametrize("kind", HOSTILE)
def test_the_import_page_refuses_a_hostile_workbook_clearly(admin, upload, imports_folder, kind):
    build, message = HOSTILE[kind]
    before = snapshot(imports_folder)
    refused(upload(admin, build()), message, imports_folder, before)


@pytest.fixture
def english_cli(app, monkeypatch):
    """The command line in English (it has no request, so it speaks the default language)."""
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")
    flask_babel.refresh()
    yield
    flask_babel.refresh()


@pytest.mark.parametrize("kind", HOSTILE)
def test_the_import_command_refuses_a_hostile_workbook_clearly(runner, make_cohort, tmp_path,
                                                               english_cli, kind):
    make_cohort("k", modules=["kepemimpinan-kolaboratif"])
    build, message = HOSTILE[kind]
    path = tmp_path / "peserta.xlsx"
    path.write_bytes(build())
    before = snapshot(tmp_path / "imports")
    result = runner.invoke(args=["users", "import", str(path), "--cohort", "k"])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert snapshot(tmp_path / "imports") == before


def test_openpyxl_parses_with_defusedxml_so_a_dtd_the_scan_missed_is_refused_too():
    import openpyxl.xml
    from openpyxl.xml import functions

    assert openpyxl.xml.DEFUSEDXML is True
    assert functions.iterparse.__module__.startswith("defusedxml")
    # The second line of defence on its own: openpyxl (in the reading process) meets the DTD.
    assert sheets.workbook_rows(billion_laughs())["refused"] == "dtd"
    assert sheets.workbook_rows(external_entity())["refused"] == "dtd"


def test_a_workbook_that_keeps_openpyxl_busy_is_stopped_at_the_time_limit(admin, upload,
                                                                          imports_folder,
                                                                          monkeypatch):
    """A few KB listing one big sheet (without its dimensions) two thousand times: openpyxl
    measures that sheet once per listing, for about twenty minutes. The reading process is
    stopped at XLSX_SECONDS (one here) with a message."""
    monkeypatch.setattr(sheets, "XLSX_SECONDS", 1)
    data = workbook(sheet_xml(TWO_ROWS + "<a/>" * 200_000), sheet_count=2000)
    assert len(data) < 20_000
    before = snapshot(imports_folder)
    refused(upload(admin, data), "Reading the workbook needed more than 1 seconds",
            imports_folder, before)


@pytest.mark.parametrize("name", ["peserta.csv", "peserta.xlsx"])
def test_the_row_limit_counts_every_row_below_the_header_and_stops_there(admin, upload,
                                                                         imports_folder,
                                                                         monkeypatch, name):
    monkeypatch.setattr(sheets, "MAX_ROWS", 3)

    def file(rows: list[str]) -> bytes:
        if name.endswith(".csv"):
            return "\n".join(["Nama;Unit", *rows]).encode()
        return workbook(sheet_xml("".join(
            f'<row r="{n}">{cell(f"A{n}", text)}</row>' if text else f'<row r="{n}"/>'
            for n, text in enumerate(["Nama", *rows], start=1))))

    three = upload(admin, file(["Siti;Bappeda", "Sutrisno;Desa", "Bayu;Dinsos"]), name)
    assert three.status_code == 200 and "Import these 3 rows" in three.get_data(as_text=True)
    for rows in (["Siti", "Sutrisno", "Bayu", "Ratna"], ["Siti", "", "", "Ratna"]):
        before = snapshot(imports_folder)
        refused(upload(admin, file(rows), name), "has more than 3 rows below the header",
                imports_folder, before)


def test_a_csv_of_endless_empty_lines_is_refused_at_the_row_limit(admin, upload,
                                                                  imports_folder):
    data = b"Nama;Unit\nSiti Nurhayati;Bappeda\n" + b"\r\n" * 4_000_000  # 8 MB
    before = snapshot(imports_folder)
    refused(upload(admin, data, "peserta.csv"), "has more than 10,000 rows below the header",
            imports_folder, before)


def test_a_csv_header_wider_than_the_limit_is_refused(admin, upload, imports_folder):
    header = ";".join(["Nama", *(f"kolom {n}" for n in range(sheets.MAX_COLUMNS))])
    before = snapshot(imports_folder)
    refused(upload(admin, f"{header}\nSiti\n".encode(), "peserta.csv"),
            "Row 1 has more than 100 columns", imports_folder, before)


def test_a_sheet_with_cells_far_right_of_its_header_still_imports(admin, upload):
    """Cells under no header are never used, so a stray cell in column XFD is no reason to
    refuse a list (and openpyxl reads only as far as the header)."""
    rows = TWO_ROWS + f'<row r="3">{cell("A3", "Sutrisno")}{cell("XFD3", "catatan")}</row>'
    response = upload(admin, workbook(sheet_xml(rows)))
    assert response.status_code == 200
    assert "Import these 2 rows" in response.get_data(as_text=True)
