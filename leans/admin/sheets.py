"""Reading the spreadsheets BKPP already keeps: CSV (UTF-8 with or without BOM, or the
Windows-1252 Excel writes; comma or semicolon) and XLSX, with row numbers as shown.

Uploaded files come from outside, so every limit is checked before the work it bounds:

- an XLSX file is opened with ``zipfile`` first and refused when its parts unpacked exceed
  ``MAX_UNPACKED_BYTES``, when it has more than ``MAX_PARTS`` parts, when a part is packed like
  a ZIP bomb, or when any part holds a DTD (``check_archive``);
- openpyxl then parses it with defusedxml, in a child process (this file run as a script)
  that may use ``XLSX_SECONDS`` of time and ``XLSX_MEMORY`` of memory: openpyxl parses every
  sheet a workbook lists, styles and all, so a few KB can otherwise keep a server busy for
  minutes; whatever it does, the child is stopped at those limits;
- rows are read one at a time, and reading stops after ``MAX_ROWS`` rows below the header,
  CSV included.

A file is read whole or refused with a ``SheetError`` whose message says why: never partly.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from flask_babel import format_number
from flask_babel import gettext as _

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
    # Optional: the participant's mentor (direct superior), found or made by NIP or email.
    "mentor_nip": ("nip mentor", "nip_mentor", "mentor nip", "mentor's nip"),
    "mentor_name": ("nama mentor", "nama_mentor", "mentor name", "mentor's name", "mentor"),
    "mentor_email": ("email mentor", "email_mentor", "e-mail mentor", "surel mentor",
                     "mentor email", "mentor's email"),
}


#: How every XLSX file (a ZIP archive) begins.
ZIP_SIGNATURE = b"PK\x03\x04"

#: Rows read below the header row, empty ones included (a sheet can hold a million empty rows
#: in a few hundred KB); reading stops at the first one over. 10,000 participants fit.
MAX_ROWS = 10_000
#: Columns read; a header beyond them is refused (cells under no header are never used).
MAX_COLUMNS = 100
#: An XLSX archive: all its parts unpacked, and how many parts it may have.
MAX_UNPACKED_BYTES = 20 * 2**20
MAX_PARTS = 1_000
#: A part larger than RATIO_FROM_BYTES unpacked may be at most MAX_RATIO times its packed
#: size (spreadsheet XML packs 5-20 times; a ZIP bomb a thousand times).
MAX_RATIO = 100
RATIO_FROM_BYTES = 2**20
#: What openpyxl may use, in its own process, to read one workbook: the largest list these
#: limits let through (10,000 rows of 34 columns, 19.5 MB unpacked) takes about 6 s and fits
#: in 384 MB. The preview reads the file, then the confirmation again.
XLSX_SECONDS = 15
XLSX_MEMORY = 512 * 2**20

#: What starts a document type declaration or an entity, as UTF-8 (and every ASCII-based
#: encoding) and UTF-16 XML spell it.
_DTD_MARKERS = tuple(marker.encode(encoding) for marker in ("<!DOCTYPE", "<!ENTITY")
                     for encoding in ("utf-8", "utf-16-le", "utf-16-be"))
_OVERLAP = max(len(marker) for marker in _DTD_MARKERS) - 1
_CHUNK = 2**20

log = logging.getLogger("leans.admin.sheets")


class SheetError(ValueError):
    """The file cannot be read as a participant list; the message says why."""


@dataclass(frozen=True)
class Sheet:
    #: Our field per column position (None for columns we do not use).
    fields: list[str | None]
    #: (row number as the spreadsheet shows it, cell texts).
    rows: list[tuple[int, list[str]]]
    ignored_headers: list[str]


# CSV.

def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError(_("The file is neither UTF-8 nor Windows-1252 text: save it again as "
                       "'CSV UTF-8' or as an Excel workbook (.xlsx)."))


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    """The file's rows, one at a time (a blank line is an empty row)."""
    text = _decode(data)
    first = re.match(r"[^\r\n]*", text).group(0)
    delimiter = ";" if first.count(";") > first.count(",") else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise SheetError(_("The CSV file cannot be read (%(error)s); save it again from the "
                           "spreadsheet program as CSV.", error=exc)) from exc


# XLSX: the archive, checked before any XML in it is parsed.

def _unreadable(error: object) -> SheetError:
    return SheetError(_("The file is not a readable Excel workbook (%(error)s).", error=error))


def _dtd() -> SheetError:
    return SheetError(_("The file contains a DTD (a DOCTYPE or ENTITY declaration), which LEANS "
                        "does not accept in uploaded files: open it in Excel and save it again "
                        "as an Excel workbook (.xlsx), or save it as CSV."))


def _holds_dtd(part) -> bool:
    tail = b""
    while chunk := part.read(_CHUNK):
        window = tail + chunk
        if any(marker in window for marker in _DTD_MARKERS):
            return True
        tail = window[-_OVERLAP:]
    return False


def check_archive(data: bytes) -> None:
    """Refuse an XLSX file before any of its XML is parsed: too large unpacked (zipfile never
    unpacks more than the sizes its directory declares, so their sum bounds what openpyxl
    reads), too many parts, a part packed like a ZIP bomb, or a DTD in any part."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except Exception as exc:  # zipfile raises several types for a damaged archive
        raise _unreadable(exc) from exc
    with archive:
        if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED_BYTES:
            raise SheetError(_("The workbook is too big once unpacked: more than %(mb)d MB or "
                               "%(parts)d parts. Save only the sheet with the participants, as "
                               "a new workbook or as CSV.", mb=MAX_UNPACKED_BYTES // 2**20,
                               parts=MAX_PARTS))
        for part in parts:
            if part.file_size > RATIO_FROM_BYTES and \
                    part.file_size > MAX_RATIO * max(part.compress_size, 1):
                raise SheetError(_("The workbook is packed suspiciously tightly (a part unpacks "
                                   "to over %(ratio)d times its size, as ZIP bombs do), so "
                                   "LEANS does not open it. Save the participants again as a "
                                   "new workbook or as CSV.", ratio=MAX_RATIO))
        for part in parts:
            try:
                with archive.open(part) as member:
                    found = _holds_dtd(member)
            except Exception as exc:  # encrypted, damaged, an unknown compression
                raise _unreadable(exc) from exc
            if found:
                raise _dtd()


# XLSX: openpyxl, in a child process.

def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _trimmed(cells: Iterable[object]) -> list[str]:
    texts = [_cell_text(v) for v in cells]
    while texts and not texts[-1].strip():
        texts.pop()
    return texts


def _root_cause(error: BaseException) -> BaseException:
    while error.__cause__ is not None:
        error = error.__cause__
    return error


def workbook_rows(data: bytes) -> dict:
    """The first sheet's rows as the child process reports them: ``{"rows": [...]}`` with the
    header and at most MAX_ROWS + 1 rows below it (one more than allowed says "too many"),
    cut to the header's width (no row below a header wider than MAX_COLUMNS); or
    ``{"refused": "dtd" | "unreadable", "detail": ...}``. openpyxl's read-only mode parses as
    it goes, so an error may come from any row; all of them are reported, none raised."""
    from defusedxml import DefusedXmlException
    from openpyxl import load_workbook
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:
        raise RuntimeError("openpyxl is not using defusedxml")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # never pad rows to the size a file claims for itself
            header = _trimmed(next(sheet.iter_rows(max_row=1, values_only=True), ()))
            rows = [header]
            if len(header) <= MAX_COLUMNS:
                below = sheet.iter_rows(min_row=2, max_col=max(len(header), 1),
                                        values_only=True)
                for values in below:
                    rows.append([_cell_text(v) for v in values])
                    if len(rows) > MAX_ROWS + 1:
                        break
        finally:
            workbook.close()
    except MemoryError:
        raise
    except Exception as exc:  # openpyxl raises many types for a damaged file
        cause = _root_cause(exc)
        if isinstance(cause, DefusedXmlException):
            return {"refused": "dtd", "detail": str(cause)}
        return {"refused": "unreadable", "detail": str(cause) or type(cause).__name__}
    return {"rows": rows}


def _child() -> None:
    """This file run as a script: a workbook on stdin, ``workbook_rows`` as JSON on stdout,
    within the limits the parent set."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Linux
        resource = None
    if resource is not None:
        seconds, memory = int(sys.argv[1]), int(sys.argv[2])
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    data = sys.stdin.buffer.read()
    try:
        report = workbook_rows(data)
    except MemoryError:
        report = {"refused": "heavy"}
    sys.stdout.write(json.dumps(report))


def _too_heavy() -> SheetError:
    return SheetError(_("Reading the workbook needed more than %(seconds)d seconds or %(mb)d MB "
                        "of memory, far more than any participant list: it holds much more "
                        "than the participants. Save only the sheet with the participants, as "
                        "a new workbook or as CSV.", seconds=XLSX_SECONDS,
                        mb=XLSX_MEMORY // 2**20))


def _xlsx_rows(data: bytes) -> list[list[str]]:
    check_archive(data)
    command = [sys.executable, "-I", os.path.abspath(__file__), str(XLSX_SECONDS),
               str(XLSX_MEMORY)]
    environment = {"PATH": os.environ.get("PATH", ""), "OPENPYXL_DEFUSEDXML": "True"}
    try:
        done = subprocess.run(command, input=data, capture_output=True, env=environment,  # noqa: S603
                              timeout=XLSX_SECONDS, check=False)
    except subprocess.TimeoutExpired as exc:
        raise _too_heavy() from exc
    try:
        report = json.loads(done.stdout)
    except ValueError as exc:  # no report: the child was stopped at a limit, or failed
        log.warning("reading a workbook stopped (exit status %s): %s", done.returncode,
                    done.stderr.decode(errors="replace")[-2000:])
        raise _too_heavy() from exc
    refused = report.get("refused")
    if refused == "dtd":
        raise _dtd()
    if refused == "unreadable":
        raise _unreadable(report.get("detail", ""))
    if refused:
        raise _too_heavy()
    return report["rows"]


# Both formats.

def _table(rows: Iterable[list[str]]) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the non-empty rows below it (numbered as shown), reading no more than
    ``MAX_ROWS`` rows below the header."""
    rows = iter(rows)
    header = next(rows, None)
    if header is None:
        raise SheetError(_("The file is empty."))
    header = _trimmed(header)
    if len(header) > MAX_COLUMNS:
        raise SheetError(_("Row 1 has more than %(n)d columns; LEANS reads at most %(n)d. "
                           "Delete the columns the participant list does not need.",
                           n=MAX_COLUMNS))
    width = len(header)
    found = []
    for number, row in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            raise SheetError(_("The file has more than %(limit)s rows below the header (empty "
                               "rows that keep formatting count too); LEANS imports at most "
                               "%(limit)s from one file. Split the list into several files, "
                               "or delete the empty rows below it.",
                               limit=format_number(MAX_ROWS)))
        cells = [c.strip() for c in row[:width]]
        if any(cells):
            found.append((number, cells))
    return header, found


def read_sheet(filename: str, data: bytes) -> Sheet:
    """Parse the file; header names are matched case-insensitively."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        if not data.startswith(ZIP_SIGNATURE):
            raise SheetError(_("The file is named .xlsx but is not an Excel workbook: save it "
                               "again as 'Excel Workbook (.xlsx)' or as CSV."))
        header, rows = _table(_xlsx_rows(data))
    elif name.endswith((".csv", ".txt")):
        if data.startswith(ZIP_SIGNATURE):
            raise SheetError(_("The file is named .csv but is an Excel workbook: rename it to "
                               ".xlsx, or save it as CSV."))
        if b"\x00" in data:
            raise SheetError(_("The file is not plain text (it holds binary data, as 'Unicode "
                               "text' exports do): save it as 'CSV UTF-8' or as .xlsx."))
        header, rows = _table(_csv_rows(data))
    else:
        raise SheetError(_("Use a .csv or .xlsx file."))
    lookup = {alias: field for field, aliases in HEADERS.items() for alias in aliases}
    fields, ignored = [], []
    for cell in header:
        key = " ".join(cell.strip().lower().split())
        fields.append(lookup.get(key))
        if key and key not in lookup:
            ignored.append(cell.strip())
    if "name" not in fields:
        raise SheetError(_("Row 1 needs a 'nama' (or 'name') column; found: %(headers)s.",
                           headers=", ".join(h for h in header if h.strip()) or "—"))
    if not rows:
        raise SheetError(_("The file has a header row but no participants below it."))
    return Sheet(fields, rows, ignored)


if __name__ == "__main__":
    _child()
