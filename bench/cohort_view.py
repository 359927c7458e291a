"""Benchmark: the facilitator's cohort view and its XLSX export with 2,000 participants and
8 modules (issue 4 target: each within 1 second on the project's 2-core machine).

    .venv/bin/python bench/cohort_view.py [--participants 2000] [--runs 3] [--database URL]

Builds a throw-away SQLite database (or uses --database, e.g. an empty PostgreSQL database),
a copy of the content with an eighth module, and progress for every participant; then times
the real pages through Flask's test client (the whole request: auth, queries, rendering).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import frontmatter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import ROOT, log_in
from flask_migrate import upgrade
from sqlalchemy import insert, select

from leans import create_app
from leans.auth.passwords import hash_password
from leans.content import get_catalogue
from leans.core.extensions import db
from leans.core.models import Cohort, CohortFacilitator, Enrolment, Role, User, UserRole
from leans.modules.models import LessonCompletion

PASSWORD = "bench-password-2026"


def content_with_eight_modules(target: Path) -> Path:
    shutil.copytree(ROOT / "content", target)
    source = target / "modules" / "06-keberlanjutan"
    extra = target / "modules" / "08-modul-tambahan"
    shutil.copytree(source, extra)
    post = frontmatter.load(extra / "module.md")
    post["slug"], post["order"], post["title"] = "modul-tambahan", 8, "Modul Tambahan"
    (extra / "module.md").write_text(frontmatter.dumps(post), encoding="utf-8")
    return target


def populate(participants: int) -> None:
    password_hash = hash_password(PASSWORD)
    modules = list(get_catalogue().modules)
    cohort = Cohort(slug="besar", name="Angkatan Besar", starts_on=dt.date(
        2026, 10, 5), ends_on=dt.date(2026, 12, 18), place="BKPP")
    cohort.set_modules([m.slug for m in modules])
    db.session.add(cohort)
    facilitator = User(username="fasil", full_name="Fasilitator", password_hash=password_hash)
    facilitator.set_roles({Role.FACILITATOR})
    cohort.facilitator_rows.append(CohortFacilitator(user=facilitator))
    db.session.commit()
    users = [{"username": f"p{n:05d}", "full_name": f"Peserta {n:05d}, S.Sos.",
              "password_hash": password_hash, "unit": f"Dinas {n % 25}", "active": True,
              "must_change_password": False, "session_version": 1,
              "created_at": dt.datetime.now(
                  dt.UTC)} for n in range(participants)]
    db.session.execute(insert(User), users)
    ids = db.session.scalars(select(User.id).where(User.username.like("p%"))).all()
    db.session.execute(insert(UserRole), [{"user_id": i, "role": Role.PARTICIPANT} for i in ids])
    now = dt.datetime.now(dt.UTC)
    db.session.execute(insert(Enrolment), [{"cohort_id": cohort.id, "user_id": i,
                                            "enrolled_at": now} for i in ids])
    enrolments = db.session.scalars(select(Enrolment.id)).all()
    sequence = [(m.slug, lesson.slug) for m in modules for lesson in m.lessons]
    rng = random.Random(4)
    rows = []
    for enrolment_id in enrolments:
        for module_slug, lesson_slug in sequence[: rng.randrange(len(sequence) + 1)]:
            rows.append({"enrolment_id": enrolment_id, "module_slug": module_slug,
                         "lesson_slug": lesson_slug, "completed_at": now})
    db.session.execute(insert(LessonCompletion), rows)
    db.session.commit()
    print(f"data: {participants} participants, {len(modules)} modules, "
          f"{len(rows)} lesson completions")


def time_page(client, url: str, runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        content = content_with_eight_modules(Path(tmp) / "content")
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": args.database or f"sqlite:///{tmp}/bench.sqlite3",
            "LEANS_CONTENT_DIR": str(content), "SECRET_KEY": "bench-" + "k" * 40})
        with app.app_context():
            upgrade()
            populate(args.participants)
            client = app.test_client()
            log_in(client, "fasil", PASSWORD)
            print(f"{'page':28}{'best s':>10}{'median s':>10}  target < 1 s")
            ok = True
            for url in ("/cohorts/besar/progress", "/cohorts/besar/progress.xlsx",
                        "/cohorts/besar/progress.csv"):
                timings = time_page(client, url, args.runs)
                ok &= statistics.median(timings) < 1
                print(f"{url:28}{min(timings):>10.3f}{statistics.median(timings):>10.3f}")
            print("PASS" if ok else "FAIL")


if __name__ == "__main__":
    main()
