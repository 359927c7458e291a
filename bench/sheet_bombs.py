"""Benchmark: how fast hostile participant lists are refused, and what the largest list the
limits let through costs (target: every refusal < 2 s and < 50 MB in the app's process,
except the workbook that keeps openpyxl busy, stopped at XLSX_SECONDS; the largest list read
in < XLSX_SECONDS / 2).

    .venv/bin/python bench/sheet_bombs.py

The hostile files are the ones ``tests/admin/test_hostile_sheets.py`` builds. Times are for
``read_sheet`` alone (the import page adds the preview's queries); memory is the peak of the
app's own process (openpyxl's work happens in the child process, under its own limits).
"""

from __future__ import annotations

import io
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook

from leans import create_app
from leans.admin import sheets
from leans.admin.sheets import SheetError, read_sheet
from tests.admin.test_hostile_sheets import HOSTILE, TWO_ROWS, sheet_xml, workbook


def largest_list() -> bytes:
    """10,000 participants with 34 columns: about the most 20 MB unpacked holds."""
    book = Workbook()
    sheet = book.active
    sheet.append(["NIP", "Nama", "Pangkat/Golongan", "Jabatan", "Unit/OPD", "Kecamatan", "Desa",
                  "Email", *(f"Kolom {n}" for n in range(26))])
    for n in range(10_000):
        sheet.append([f"1986092620150520{n % 100:02d}", f"Peserta Nomor {n}", "III/a", "Staf",
                      "Dinas Sosial", "Kedungadem", "Tondomulo", f"p{n}@contoh.go.id",
                      *(f"nilai {n} {k}" for k in range(26))])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def measure(data: bytes) -> tuple[float, float, str]:
    tracemalloc.start()
    start = time.perf_counter()
    try:
        outcome = f"read, {len(read_sheet('peserta.xlsx', data).rows)} rows"
    except SheetError as error:
        outcome = f"refused: {str(error)[:60]}"
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return seconds, peak, outcome


def main() -> int:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    files = {kind: build() for kind, (build, _message) in HOSTILE.items()}
    files["listed 2,000 times"] = workbook(sheet_xml(TWO_ROWS + "<a/>" * 200_000),
                                           sheet_count=2000)
    ok = True
    with app.test_request_context():
        print(f"{'file':34} {'size':>10} {'seconds':>8} {'MB':>6}  outcome")
        for kind, data in files.items():
            seconds, peak, outcome = measure(data)
            limit = sheets.XLSX_SECONDS + 1 if kind == "listed 2,000 times" else 2
            ok &= seconds < limit and peak < 50 and outcome.startswith("refused")
            print(f"{kind:34} {len(data):>10,} {seconds:>8.2f} {peak:>6.1f}  {outcome}")
        data = largest_list()
        seconds, peak, outcome = measure(data)
        ok &= seconds < sheets.XLSX_SECONDS / 2 and outcome.startswith("read")
        print(f"{'largest list (10,000 x 34)':34} {len(data):>10,} {seconds:>8.2f} "
              f"{peak:>6.1f}  {outcome}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
