"""Benchmark: importing 10,000 participants (XLSX and CSV) and the cross-cohort report with
10,000 participants (issue 8 targets: XLSX < 10 s, CSV < 5 s, report < 1 s).

    .venv/bin/python bench/admin.py [--rows 10000] [--database URL]

Each import runs on an empty database (a throw-away SQLite file unless --database names an
empty PostgreSQL database): read, check every row, write every row in one transaction.
The report is the admin page /admin/reports for all cohorts, requested through Flask's test
client after the imports (participants spread over 5 cohorts, with progress).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import downgrade, upgrade
from openpyxl import Workbook
from sqlalchemy import insert, select

from leans import create_app
from leans.admin.importing import apply_import, plan_import
from leans.admin.sheets import read_sheet
from leans.auth.passwords import hash_password
from leans.content import get_catalogue
from leans.core.extensions import db
from leans.core.models import Cohort, Enrolment, Role, User
from leans.modules.models import LessonCompletion

HEADER = ["NIP", "Nama", "Pangkat/Golongan", "Jabatan", "Unit/OPD", "Kecamatan", "Desa",
          "Email"]
UNITS = ["Dinas Sosial", "Bappeda", "Dinas Kesehatan", "Dinas Pendidikan", "Kecamatan Ngraho"]
VILLAGES = ["Tondomulo", "Kolong", "Nganti", "Sumberarum", "Pandan"]


def rows(count: int) -> list[list[str]]:
    out = []
    for n in range(count):
        birth = dt.date(1955, 1, 1) + dt.timedelta(days=n)  # unique per row
        nip = f"{birth:%Y%m%d}{2005 + n % 15}{1 + n % 12:02d}{1 + n % 2}{n % 999 + 1:03d}"
        out.append([nip, f"Peserta Uji {n:05d}, S.Sos.", "III/b", "Analis", UNITS[n % 5],
                    "Ngraho", VILLAGES[n % 5], f"peserta{n:05d}@contoh.go.id"])
    return out


def as_csv(data: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *data])
    return buffer.getvalue().encode("utf-8")


def as_xlsx(data: list[list[str]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for row in data:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def fresh_cohort(slug: str) -> Cohort:
    cohort = Cohort(slug=slug, name=slug, starts_on=dt.date(2026, 10, 5),
                    ends_on=dt.date(2026, 12, 18), place="BKPP")
    cohort.set_modules([m.slug for m in get_catalogue().modules])
    db.session.add(cohort)
    db.session.commit()
    return cohort


def timed_import(name: str, data: bytes) -> float:
    downgrade(revision="base")
    upgrade()
    cohort = fresh_cohort("impor")
    start = time.perf_counter()
    plan = plan_import(read_sheet(name, data), cohort)
    assert plan.ok, [r.errors for r in plan.results if r.errors][:3]
    apply_import(plan, cohort, None)
    db.session.commit()
    return time.perf_counter() - start


def report_data(count: int) -> None:
    downgrade(revision="base")
    upgrade()
    cohorts = [fresh_cohort(f"angkatan-{i}") for i in range(1, 6)]
    password = hash_password("bench-password-2026")
    admin = User(username="admin", full_name="Admin", password_hash=password)
    admin.set_roles({Role.ADMIN})
    db.session.add(admin)
    db.session.commit()
    ids = db.session.scalars(insert(User).returning(User.id), [
        {"username": f"u{n}", "full_name": f"Peserta {n}", "password_hash": "!",
         "unit": UNITS[n % 5], "desa": VILLAGES[n % 5], "kecamatan": "Ngraho",
         "active": True, "must_change_password": False, "session_version": 1,
         "created_at": dt.datetime.now(dt.UTC)} for n in range(count)]).all()
    now = dt.datetime.now(dt.UTC)
    enrolment_ids = db.session.scalars(insert(Enrolment).returning(Enrolment.id), [
        {"cohort_id": cohorts[i % 5].id, "user_id": uid, "enrolled_at": now}
        for i, uid in enumerate(ids)]).all()
    sequence = [(m.slug, lesson.slug) for m in get_catalogue().modules for lesson in m.lessons]
    rng = random.Random(8)
    db.session.execute(insert(LessonCompletion), [
        {"enrolment_id": e, "module_slug": m, "lesson_slug": lesson, "completed_at": now}
        for e in enrolment_ids for m, lesson in sequence[:rng.randrange(len(sequence))]])
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    data = rows(args.rows)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": args.database
                          or f"sqlite:///{tmp}/bench.sqlite3", "SECRET_KEY": "bench" * 8,
                          "LEANS_QUEUE_IMMEDIATE": True})
        with app.app_context():
            upgrade()
            xlsx = timed_import("peserta.xlsx", as_xlsx(data))
            csv_seconds = timed_import("peserta.csv", as_csv(data))
            report_data(args.rows)
            client = app.test_client()
            page = client.get("/login").get_data(as_text=True)
            token = page.split('name="csrf_token"')[1].split('value="')[1].split('"')[0]
            client.post("/login", data={"login": "admin", "password": "bench-password-2026",
                                        "csrf_token": token})
            timings = []
            for _ in range(3):
                start = time.perf_counter()
                assert client.get("/admin/reports").status_code == 200
                timings.append(time.perf_counter() - start)
            count = db.session.scalar(select(db.func.count(Enrolment.id)))
    report = sorted(timings)[1]
    print(f"import {args.rows} rows: XLSX {xlsx:.2f} s (target < 10), "
          f"CSV {csv_seconds:.2f} s (target < 5)")
    print(f"cross-cohort report, {count} participants in 5 cohorts: median {report:.2f} s "
          f"(target < 1)")
    print("PASS" if xlsx < 10 and csv_seconds < 5 and report < 1 else "FAIL")


if __name__ == "__main__":
    main()
