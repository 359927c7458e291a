"""Benchmark: the grading page for a resubmitted plan at the field limits, worst case for the
version diff (issue 14 target: < 1 s on the project's 2-core machine).

    .venv/bin/python bench/plan_diff.py [--runs 3]

Two versions whose every text field is at its limit (10,000 characters of words that never
repeat between versions, so the diff finds no anchor), every table at MAX_ROWS rows of
maximal cells, and the most villages; measured side by side with the same page for a small
plan (the ceiling: what the page costs without the diff's work).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import log_in
from flask_migrate import upgrade

from leans import create_app
from leans.assessments.plans.content import (
    MAX_DIFF_TOKENS,
    MAX_ROWS,
    MAX_VILLAGES,
    ROW_FIELDS,
    TEXT_FIELDS,
)
from leans.assessments.plans.models import ActionPlan, PlanVersion
from leans.auth.passwords import hash_password
from leans.core.extensions import db
from leans.core.models import Cohort, CohortFacilitator, Enrolment, Role, User

PASSWORD = "bench-password-2026"
LONG = 10_000


def words(seed: str, limit: int) -> str:
    """Distinct words up to ``limit`` characters (no word repeats across seeds)."""
    out, n = [], 0
    while sum(len(w) + 1 for w in out) < limit - 12:
        out.append(f"{seed}{n:05d}")
        n += 1
    return " ".join(out)[:limit]


def plan_content(seed: str, size: str) -> dict:
    """``small``; ``limits``: every field at its limit; ``cap``: text fields of few repeated
    words just under the count above which the diff gives up (the most work it ever does)."""
    if size == "small":
        return {**{name: f"{seed} teks singkat" for name in TEXT_FIELDS},
                "villages": ["Kolong"], **{name: [] for name in ROW_FIELDS}}
    if size == "cap":  # few distinct words, repeated: the diff's slowest input
        cycle = 7 if seed == "lama" else 5
        text = " ".join(f"kata{i % cycle}" for i in range(MAX_DIFF_TOKENS // 2 - 1))
        return {**{name: text for name in TEXT_FIELDS}, "villages": [],
                **{name: [] for name in ROW_FIELDS}}
    return {**{name: words(f"{seed}{name[:2]}", LONG if name != "title" else 200)
               for name in TEXT_FIELDS},
            "villages": [f"Desa {seed} {n}" for n in range(MAX_VILLAGES)],
            **{name: [{column: words(f"{seed}{i}{column[:2]}", 300) for column in columns}
                      for i in range(MAX_ROWS)] for name, columns in ROW_FIELDS.items()}}


def make_plan(number: int, size: str, cohort: Cohort, password_hash: str) -> int:
    person = User(username=f"peserta{number}", full_name=f"Peserta {number}",
                  password_hash=password_hash)
    person.set_roles({Role.PARTICIPANT})
    enrolment = Enrolment(cohort=cohort, user=person)
    plan = ActionPlan(enrolment=enrolment, state="resubmitted", draft={}, draft_version=2,
                      state_version=3)
    now = dt.datetime.now(dt.UTC)
    plan.versions = [PlanVersion(number=1, content=plan_content("lama", size), submitted_at=now),
                     PlanVersion(number=2, content=plan_content("baru", size), submitted_at=now)]
    db.session.add(plan)
    db.session.commit()
    return plan.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                          "SECRET_KEY": "bench-" + "k" * 40})
        with app.app_context():
            upgrade()
            password_hash = hash_password(PASSWORD)
            cohort = Cohort(slug="k", name="Angkatan", starts_on=dt.date(2026, 10, 5),
                            ends_on=dt.date(2026, 12, 18), place="BKPP")
            coach = User(username="coach", full_name="Coach", password_hash=password_hash)
            coach.set_roles({Role.FACILITATOR})
            cohort.facilitator_rows.append(CohortFacilitator(user=coach))
            db.session.add(cohort)
            plans = {label: make_plan(n, size, cohort, password_hash) for n, (label, size)
                     in enumerate((("small plan (ceiling)", "small"),
                                   ("every field at its limit", "limits"),
                                   ("text just under the diff cap", "cap")))}
            client = app.test_client()
            log_in(client, "coach", PASSWORD)
            print(f"{'grading page':32}{'best s':>10}{'median s':>10}  target < 1 s")
            medians = {}
            for label, plan_id in plans.items():
                timings = []
                for _ in range(args.runs):
                    start = time.perf_counter()
                    response = client.get(f"/grading/plans/{plan_id}")
                    timings.append(time.perf_counter() - start)
                    assert response.status_code == 200, response.status_code
                medians[label] = statistics.median(timings)
                print(f"{label:32}{min(timings):>10.3f}{medians[label]:>10.3f}")
            worst = max(medians.values())
            print(f"slowest {worst:.3f} s, {worst / medians['small plan (ceiling)']:.0f}x the "
                  "ceiling")
            print("PASS" if worst < 1 else "FAIL")


if __name__ == "__main__":
    main()
