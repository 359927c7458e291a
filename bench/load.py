"""Load without loss: 100 simulated participants for 60 s against gunicorn + PostgreSQL,
marking lessons, taking a pre-test and saving plan drafts; then every acknowledged write must
be in the database, with zero 5xx responses (issue 9).

    .venv/bin/python bench/load.py [--users 100] [--seconds 60] [--workers 4]

Needs a running PostgreSQL the current user may create databases on (as in .ci/run:
pg_ctlcluster 15 main start && su postgres -c "createuser -s root"). A throw-away database
leans_load_<pid> is created and dropped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from common import gunicorn
from sqlalchemy import func, insert, select

from leans import create_app
from leans.assessments.plans.models import ActionPlan
from leans.assessments.quizzes.models import QuizAttempt
from leans.auth.passwords import hash_password
from leans.content import get_catalogue
from leans.core.extensions import db
from leans.core.models import Cohort, CohortFacilitator, Enrolment, Role, User, UserRole
from leans.modules.models import LessonCompletion
from tests.fixtures.app import empty_database
from tests.fixtures.signing import production_key_settings

PASSWORD = "beban-uji-panjang-2026"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Session:
    """One simulated participant: a cookie, a CSRF token, timings and acknowledged writes."""

    def __init__(self, base: str, stats: dict) -> None:
        self.base, self.stats, self.cookie = base, stats, ""

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body,
                                     headers={"Cookie": self.cookie} if self.cookie else {})
        opener = urllib.request.build_opener(NoRedirect)
        start = time.perf_counter()
        try:
            response = opener.open(req, timeout=30)
            status, headers, page = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, page = error.code, error.headers, error.read()
        self.stats["latency"].append(time.perf_counter() - start)
        self.stats["status"][status] = self.stats["status"].get(status, 0) + 1
        self.location = headers.get("Location", "")
        cookie = headers.get("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";")[0]
        return status, page.decode("utf-8", "replace")

    def token(self, path: str) -> str:
        _status, page = self.request(path)
        match = TOKEN.search(page)
        return match.group(1) if match else ""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def participant(base: str, username: str, lessons: list[tuple[str, str]], until: float,
                stats: dict, acked: dict) -> None:
    s = Session(base, stats)
    status, _ = s.request("/login", {"login": username, "password": PASSWORD,
                                     "csrf_token": s.token("/login")})
    if status != 302:
        return
    first = lessons[0][0]
    status, _ = s.request(f"/learn/load/{first}/test/pre/start",
                          {"csrf_token": s.token(f"/learn/load/{first}/test/pre")})
    if status == 302 and "/test/attempts/" in s.location:
        # Submit the drawn attempt with no answers (it scores zero, but it is a write).
        url = urllib.parse.urlsplit(s.location).path
        status, _ = s.request(url, {"csrf_token": s.token(url)})
        if status == 302:
            acked["attempts"].add(username)
    index = 0
    while time.monotonic() < until:
        module, lesson = lessons[index % len(lessons)]
        url = f"/learn/load/{module}/{lesson}"
        status, _ = s.request(f"{url}/done", {"csrf_token": s.token(url)})
        if status == 302:
            acked["lessons"].add((username, module, lesson))
        _status, page = s.request("/learn/load/plan")
        version = re.search(r'name="draft_version" type="hidden" value="(\d+)"', page)
        match = TOKEN.search(page)
        if version and match:
            status, _ = s.request("/learn/load/plan", {
                "csrf_token": match.group(1), "draft_version": version.group(1),
                "action": "save", "title": f"Rencana {username} {index}"})
            if status == 302:
                acked["drafts"][username] = acked["drafts"].get(username, 0) + 1
        index += 1


def prepare(app, users: int, facilitators: int = 0) -> list[tuple[str, str]]:
    """Cohort ``load`` on the first two modules with USERS participants ``beban0000``... and
    FACILITATORS facilitators ``fasil00``..., all with PASSWORD; returns (module, lesson)."""
    with app.app_context():
        from flask_migrate import upgrade
        upgrade()
        modules = list(get_catalogue().modules)[:2]
        cohort = Cohort(slug="load", name="Uji beban", starts_on=dt.date(2026, 10, 1),
                        ends_on=dt.date(2026, 12, 31), place="BKPP")
        cohort.set_modules([m.slug for m in modules])
        db.session.add(cohort)
        db.session.commit()
        hashed = hash_password(PASSWORD)
        ids = db.session.scalars(insert(User).returning(User.id), [
            {"username": f"beban{n:04d}", "full_name": f"Peserta Beban {n}",
             "password_hash": hashed, "active": True, "must_change_password": False,
             "session_version": 1, "created_at": dt.datetime.now(dt.UTC)}
            for n in range(users)]).all()
        db.session.execute(insert(UserRole), [{"user_id": i, "role": Role.PARTICIPANT}
                                              for i in ids])
        db.session.execute(insert(Enrolment), [{"cohort_id": cohort.id, "user_id": i,
                                                "enrolled_at": dt.datetime.now(dt.UTC)}
                                               for i in ids])
        staff = db.session.scalars(insert(User).returning(User.id), [
            {"username": f"fasil{n:02d}", "full_name": f"Fasilitator Beban {n}",
             "password_hash": hashed, "active": True, "must_change_password": False,
             "session_version": 1, "created_at": dt.datetime.now(dt.UTC)}
            for n in range(facilitators)]).all() if facilitators else []
        if staff:
            db.session.execute(insert(UserRole), [{"user_id": i, "role": Role.FACILITATOR}
                                                  for i in staff])
            db.session.execute(insert(CohortFacilitator), [
                {"cohort_id": cohort.id, "user_id": i} for i in staff])
        db.session.commit()
        return [(m.slug, lesson.slug) for m in modules for lesson in m.lessons]


def stored(app) -> dict:
    with app.app_context():
        drafts = dict(db.session.execute(select(User.username, ActionPlan.draft_version)
                                         .join(Enrolment, Enrolment.user_id == User.id)
                                         .join(ActionPlan,
                                               ActionPlan.enrolment_id == Enrolment.id)).all())
        return {"lessons": db.session.scalar(select(func.count(LessonCompletion.id))),
                "attempts": db.session.scalar(select(func.count(QuizAttempt.id)).where(
                    QuizAttempt.submitted_at.is_not(None))),
                "drafts": drafts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, \
            empty_database("postgresql+psycopg:///postgres", Path(folder), "leans_load") as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "load" * 10,
                          "LEANS_QUEUE_IMMEDIATE": True})
        lessons = prepare(app, args.users)
        env = {"LEANS_ENV": "production", "LEANS_RATELIMIT_STORAGE_URL": "memory://",
               "LEANS_BASE_URL": "https://leans.bojonegorokab.go.id",
               "LEANS_SECRET_KEY": "load" * 10,
               "LEANS_DATABASE_URL": url,
               **production_key_settings(Path(folder) / "keys")}
        stats = {"latency": [], "status": {}}
        acked = {"lessons": set(), "attempts": set(), "drafts": {}}
        with gunicorn("wsgi:app", env, args.workers) as base:
            until = time.monotonic() + args.seconds
            threads = [threading.Thread(target=participant, args=(
                base, f"beban{n:04d}", lessons, until, stats, acked))
                for n in range(args.users)]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
        found = stored(app)
        with app.app_context():
            db.engine.dispose()
    latency = sorted(stats["latency"])
    errors = sum(n for code, n in stats["status"].items() if code >= 500)
    drafts_ok = all(found["drafts"].get(u, 0) == n for u, n in acked["drafts"].items())
    print(f"{args.users} participants for {args.seconds} s, gunicorn --workers {args.workers}, "
          f"PostgreSQL")
    print(f"requests: {len(latency)} ({len(latency) / elapsed:.0f}/s), "
          f"p50 {statistics.median(latency) * 1000:.0f} ms, "
          f"p99 {latency[int(len(latency) * 0.99)] * 1000:.0f} ms, 5xx: {errors}, "
          f"statuses: {dict(sorted(stats['status'].items()))}")
    print(f"lessons marked: acknowledged {len(acked['lessons'])}, stored {found['lessons']}")
    print(f"pre-tests submitted: acknowledged {len(acked['attempts'])}, "
          f"stored {found['attempts']}")
    print(f"draft saves: acknowledged {sum(acked['drafts'].values())}, stored versions "
          f"{sum(found['drafts'].values())}, every participant's count matches: {drafts_ok}")
    ok = (errors == 0 and len(acked["lessons"]) == found["lessons"]
          and len(acked["attempts"]) == found["attempts"] and drafts_ok)
    print("PASS" if ok else "FAIL")


if __name__ == "__main__":
    main()
