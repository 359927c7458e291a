"""The import template: the headers the importer accepts (``sheets.HEADERS``), one example
row of a fictional person, and a note per column (a second sheet "Petunjuk" in the XLSX;
a CSV holds one table only, so it has the headers and the example row)."""

from __future__ import annotations

import io

from flask import Response
from flask_babel import gettext as _
from openpyxl import load_workbook
from openpyxl.styles import Font

from leans.admin.sheets import HEADERS
from leans.core.spreadsheets import XLSX_MIMETYPE, Table, to_csv, to_xlsx

#: The header each column of the template has, in the order of ``HEADERS`` (each one a name
#: the importer accepts).
COLUMNS = {"nip": "NIP", "name": "Nama", "golongan": "Pangkat/Golongan", "jabatan": "Jabatan",
           "unit": "Unit/OPD", "kecamatan": "Kecamatan", "desa": "Desa", "email": "Email",
           "role": "Peran", "mentor_nip": "NIP Mentor", "mentor_name": "Nama Mentor",
           "mentor_email": "Email Mentor"}
#: A fictional person and their fictional mentor, marked as examples in the names; the row
#: itself imports cleanly.
EXAMPLE = {"nip": "199001012015031002", "name": "Budi Contoh (CONTOH)",
           "golongan": "III/a", "jabatan": "Analis Kebijakan", "unit": "Kecamatan Kapas",
           "kecamatan": "Kapas", "desa": "Bakalan", "email": "budi.contoh@example.com",
           "role": "peserta", "mentor_nip": "197203151998031007",
           "mentor_name": "Dra. Sri Contoh, M.Si. (CONTOH)",
           "mentor_email": "sri.contoh@example.com"}
FILENAME = "templat-impor-peserta"



def _notes() -> dict[str, str]:
    return {
        "nip": _("18 digits, with or without spaces; optional. It identifies the person: an "
                 "import with a NIP already in LEANS updates that account."),
        "name": _("Required. The full name, with titles as they should appear on the "
                  "certificate."),
        "golongan": _("Optional. A code from I/a to IV/e (e.g. III/b), or the rank's name."),
        "jabatan": _("Optional. The position."),
        "unit": _("Optional. The unit or OPD (agency) the person works in."),
        "kecamatan": _("Optional. The sub-district."),
        "desa": _("Optional. The village (desa/kelurahan)."),
        "email": _("Optional, but needed to send the setup link by email; one email per "
                   "person."),
        "role": _("peserta (participant, the default when empty) or fasilitator "
                  "(facilitator)."),
        "mentor_nip": _("Optional, participants only: the NIP of the participant's mentor "
                        "(direct superior), 18 digits. LEANS finds the mentor's account by "
                        "this NIP, else by the mentor's email; a mentor not yet in LEANS gets "
                        "an account with a setup link."),
        "mentor_name": _("The mentor's full name with titles; required when the mentor is "
                         "not yet in LEANS. Write it the same way in every row that names "
                         "this mentor."),
        "mentor_email": _("Optional: the mentor's email, to find the account when there is no "
                          "NIP and to send the setup link. One mentor may mentor several "
                          "participants; nobody is their own mentor."),
    }


def template_table() -> Table:
    """The headers and the example row."""
    return Table("Peserta", [COLUMNS[f] for f in HEADERS], [[EXAMPLE[f] for f in HEADERS]])


def notes_table() -> Table:
    notes = _notes()
    return Table("Petunjuk", [_("Column"), _("Note")],
                 [[COLUMNS[f], notes[f]] for f in HEADERS]
                 + [[_("Example"), _("Row 2 is a fictional example: replace it with the "
                                     "participants (or delete it) before importing.")]])


def template_csv() -> bytes:
    """Semicolon-separated (Excel in an Indonesian locale), UTF-8 with a BOM."""
    return to_csv(template_table(), delimiter=";")


def template_xlsx() -> bytes:
    """The template sheet first (the importer reads the first sheet), then "Petunjuk"."""
    workbook = load_workbook(io.BytesIO(to_xlsx(template_table())))
    notes = notes_table()
    sheet = workbook.create_sheet(notes.name)
    for number, row in enumerate([notes.header, *notes.rows], start=1):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=number, column=column, value=value)
            cell.data_type = "s"  # typed text, never a formula
            if number == 1:
                cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download_template(fmt: str) -> Response:
    body, mimetype = ((template_csv(), "text/csv; charset=utf-8") if fmt == "csv"
                      else (template_xlsx(), XLSX_MIMETYPE))
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{FILENAME}.{fmt}"'})
