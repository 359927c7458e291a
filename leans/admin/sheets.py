"""Reading the spreadsheets BKPP already keeps: CSV (UTF-8 with or without BOM, or the
Windows-1252 Excel writes; comma or semicolon) and XLSX, with row numbers as shown."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import gettext as _
from openpyxl import load_workbook

#: Our field -> header names accepted (case-insensitive), Indonesian and English.
HEADERS: dict[str, tuple[str, ...]] = {
    "nip": ("nip", "nip/ni pppk", "nomor induk pegawai"),
    "name": ("nama", "nama lengkap", "name", "full name"),
    "golongan": ("pangkat/golongan", "golongan", "pangkat", "gol", "rank", "grade"),
    "jabatan": ("jabatan", "position", "job title"),
    "unit": ("unit/opd", "unit", "opd", "unit kerja", "instansi", "agency"),
    "kecamatan": ("kecamatan", "sub-district", "subdistrict", "district"),
    "desa": ("desa", "desa/kelurahan", "kelurahan", "village"),
    "email": ("email", "e-mail", "surel"),
    "role": ("role", "peran"),
}


#: How every XLSX file (a ZIP archive) begins.
ZIP_SIGNATURE = b"PK\x03\x04"


class SheetError(ValueError):
    """The file cannot be read as a participant list; the message says why."""


@dataclass(frozen=True)
class Sheet:
    #: Our field per column position (None for columns we do not use).
    fields: list[str | None]
    #: (row number as the spreadsheet shows it, cell texts).
    rows: list[tuple[int, list[str]]]
    ignored_headers: list[str]


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError(_("The file is neither UTF-8 nor Windows-1252 text: save it again as "
                       "'CSV UTF-8' or as an Excel workbook (.xlsx)."))


def _csv_rows(data: bytes) -> list[list[str]]:
    text = _decode(data)
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise SheetError(_("The CSV file cannot be read (%(error)s); save it again from the "
                           "spreadsheet program as CSV.", error=exc)) from exc


def _xlsx_rows(data: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a damaged file
        raise SheetError(_("The file is not a readable Excel workbook (%(error)s).",
                           error=exc)) from exc
    sheet = workbook.worksheets[0]
    rows = []
    for values in sheet.iter_rows(values_only=True):
        rows.append(["" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer()
                                         else str(v)) for v in values])
    workbook.close()
    return rows


def read_sheet(filename: str, data: bytes) -> Sheet:
    """Parse the file; header names are matched case-insensitively."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        if not data.startswith(ZIP_SIGNATURE):
            raise SheetError(_("The file is named .xlsx but is not an Excel workbook: save it "
                               "again as 'Excel Workbook (.xlsx)' or as CSV."))
        raw = _xlsx_rows(data)
    elif name.endswith((".csv", ".txt")):
        if data.startswith(ZIP_SIGNATURE):
            raise SheetError(_("The file is named .csv but is an Excel workbook: rename it to "
                               ".xlsx, or save it as CSV."))
        if b"\x00" in data:
            raise SheetError(_("The file is not plain text (it holds binary data, as 'Unicode "
                               "text' exports do): save it as 'CSV UTF-8' or as .xlsx."))
        raw = _csv_rows(data)
    else:
        raise SheetError(_("Use a .csv or .xlsx file."))
    if not raw:
        raise SheetError(_("The file is empty."))
    lookup = {alias: field for field, aliases in HEADERS.items() for alias in aliases}
    fields, ignored = [], []
    for header in raw[0]:
        key = " ".join(header.strip().lower().split())
        fields.append(lookup.get(key))
        if key and key not in lookup:
            ignored.append(header.strip())
    if "name" not in fields:
        raise SheetError(_("Row 1 needs a 'nama' (or 'name') column; found: %(headers)s.",
                           headers=", ".join(h for h in raw[0] if h.strip()) or "—"))
    rows = [(number, [c.strip() for c in row]) for number, row in enumerate(raw[1:], start=2)
            if any(c.strip() for c in row)]
    if not rows:
        raise SheetError(_("The file has a header row but no participants below it."))
    return Sheet(fields, rows, ignored)
