"""Tables and their CSV and XLSX files: every export is a :class:`Table`, written here,
safe against formula injection.

A text cell that a spreadsheet could read as a formula is never written as one. In CSV every
field is quoted, and an apostrophe goes before any part of a cell that starts with ``=``,
``+``, ``-``, ``@`` (or their full-width forms, after any spaces or no-break spaces), whether
at the cell's start or after a separator inside it (``,`` or ``;``: Excel in an Indonesian
locale splits on ``;``), tab or line break: OWASP's advice, widened. In XLSX such text is
stored as typed text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
Cell = str | int | float | dt.date | None
#: A cell that, after blanks (spaces, no-break spaces), starts with a formula sign, ASCII or
#: full-width.
_LEADING_FORMULA = re.compile("^[\\s\u00a0\u3000]*[=+\\-@\uff1d\uff0b\uff0d\uff20]")
#: A part of a cell after a separator or a line break that starts a formula: ``=`` or ``@``
#: always; ``+`` or ``-`` when a name or a bracket follows (``-cmd|...``, ``+SUM(``), so that
#: Indonesian notations such as ``Rp 5.000,-`` or a ``- `` bullet stay as typed.
_INNER_FORMULA = re.compile(
    "([,;|\t\r\n])(?=[\\s\u00a0\u3000]*"
    "(?:[=@\uff1d\uff20]|[+\\-\uff0b\uff0d][^\\s\\d.,;+\\-]))")


@dataclass(frozen=True)
class Table:
    """A header row and data rows, with a short name (the XLSX sheet's title, and the key
    of a report's table in URLs)."""

    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    #: Rows to highlight on the page (e.g. the pilot villages), by their first cell.
    highlight: frozenset = frozenset()
    #: Columns (by index) holding a share from 0 to 1, which a page shows as a percentage
    #: (``0.857`` -> ``86%``: the ``cell`` filter); the files keep the number.
    shares: frozenset[int] = frozenset()


def formula_like(value: Cell) -> bool:
    """Whether a spreadsheet could read any part of this text as a formula."""
    return isinstance(value, str) and (value.startswith(FORMULA_PREFIXES)
                                       or _LEADING_FORMULA.match(value) is not None
                                       or _INNER_FORMULA.search(value) is not None)


def csv_safe(value: Cell) -> Cell:
    """The value with an apostrophe before every part that could start a formula."""
    if not formula_like(value):
        return value
    assert isinstance(value, str)
    safe = _INNER_FORMULA.sub(lambda m: m.group(1) + "'", value)
    leading = value.startswith(FORMULA_PREFIXES) or _LEADING_FORMULA.match(value)
    return "'" + safe if leading else safe


def to_csv(table: Table, delimiter: str = ",") -> bytes:
    """UTF-8 with a BOM, so that Excel opens Indonesian names correctly; ``delimiter=";"``
    for a file an Excel in an Indonesian locale opens by double-click."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL)
    writer.writerow([csv_safe(h) for h in table.header])
    for row in table.rows:
        writer.writerow(["" if v is None else csv_safe(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    """One sheet with a bold, frozen header row; text cells are always stored as text."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.name[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for name in table.header:
        cell = _cell(sheet, name)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in table.rows:
        # Plain values are much faster; only text that could read as a formula is wrapped.
        sheet.append([_cell(sheet, v) if formula_like(v) else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(sheet, value: Cell) -> WriteOnlyCell:
    """A cell stored as typed text, never as a formula."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(filename: str, fmt: str, table: Table) -> Response:
    """The table as a CSV or XLSX file, as an attachment."""
    if fmt == "csv":
        body, mimetype = to_csv(table), "text/csv; charset=utf-8"
    else:
        body, mimetype = to_xlsx(table), XLSX_MIMETYPE
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}.{fmt}"'})
