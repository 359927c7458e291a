"""Locust users for bench/cohort_load.py: a cohort of participants with think time, and a few
facilitators grading. Every write the server acknowledged is recorded, so the runner can count
it in the database afterwards.

Participants log in, read lessons (and the dashboard), mark lessons done, start and hand in a
pre-test, and save action-plan drafts, waiting 5-15 s between steps as a reader does.
Facilitators open the grading queue and plans.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading

from locust import FastHttpUser, between, events, task

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
VERSION = re.compile(r'name="draft_version" type="hidden" value="(\d+)"')
COHORT = os.environ.get("LOAD_COHORT", "load")
PASSWORD = os.environ["LOAD_PASSWORD"]
LESSONS = json.loads(os.environ["LOAD_LESSONS"])  # [[module, lesson], ...]
PARTICIPANTS = int(os.environ["LOAD_PARTICIPANTS"])
ACKED_FILE = os.environ["LOAD_ACKED_FILE"]

_numbers = itertools.count()
_lock = threading.Lock()
ACKED: dict = {"lessons": [], "attempts": [], "drafts": {}}


def _acked(kind: str, value) -> None:
    with _lock:
        if kind == "drafts":
            ACKED["drafts"][value] = ACKED["drafts"].get(value, 0) + 1
        else:
            ACKED[kind].append(value)


@events.quitting.add_listener
def _write_acked(environment, **kwargs) -> None:
    with open(ACKED_FILE, "w") as out:
        json.dump(ACKED, out)


class Visitor(FastHttpUser):
    abstract = True
    insecure = True  # the stack's certificate is made for the run
    username = ""

    def token_of(self, path: str, name: str) -> str:
        with self.client.get(path, name=name, catch_response=True) as response:
            match = TOKEN.search(response.text or "")
            response.success() if response.status_code == 200 else response.failure(
                f"{response.status_code}")
        return match.group(1) if match else ""

    def post(self, path: str, data: dict, name: str) -> int:
        """POST the form; returns the status, 0 when the session was lost (sent to log in)."""
        with self.client.post(path, data=data, name=name, allow_redirects=False,
                              headers={"Referer": self.host + path},  # CSRF over HTTPS
                              catch_response=True) as response:
            location = (response.headers or {}).get("Location", "")
            if response.status_code in (302, 303) and "/login" in location and name != \
                    "/login [POST]":
                response.failure("sent to log in")
                return 0
            if response.status_code in (200, 302, 303):
                response.success()
            else:
                response.failure(f"{response.status_code}")
            return response.status_code

    def log_in(self) -> None:
        """Log in through the form (a failed login shows in the statistics, and the writes that
        follow are counted as "sent to log in", never as acknowledged)."""
        token = self.token_of("/login", "/login")
        self.post("/login", {"login": self.username, "password": PASSWORD,
                             "csrf_token": token}, "/login [POST]")


class Participant(Visitor):
    weight = 100
    wait_time = between(5, 15)

    def on_start(self) -> None:
        self.number = next(_numbers) % PARTICIPANTS
        self.username = f"beban{self.number:04d}"
        self.position = random.randrange(len(LESSONS))
        self.log_in()

    def lesson(self) -> tuple[str, str]:
        module, lesson = LESSONS[self.position % len(LESSONS)]
        return module, lesson

    @task(6)
    def read_lesson(self) -> None:
        module, lesson = self.lesson()
        self.client.get(f"/learn/{COHORT}/{module}/{lesson}", name="lesson page")

    @task(2)
    def dashboard(self) -> None:
        self.client.get("/dashboard", name="dashboard")

    @task(3)
    def mark_done(self) -> None:
        module, lesson = self.lesson()
        url = f"/learn/{COHORT}/{module}/{lesson}"
        token = self.token_of(url, "lesson page")
        if self.post(f"{url}/done", {"csrf_token": token}, "mark done") == 302:
            _acked("lessons", [self.username, module, lesson])
        self.position += 1

    @task(1)
    def pre_test(self) -> None:
        module = LESSONS[0][0]
        token = self.token_of(f"/learn/{COHORT}/{module}/test/pre", "test intro")
        start = f"/learn/{COHORT}/{module}/test/pre/start"
        with self.client.post(start, data={"csrf_token": token}, name="test start",
                              headers={"Referer": self.host + start},
                              allow_redirects=False, catch_response=True) as response:
            location = (response.headers or {}).get("Location", "")
            ok = response.status_code in (302, 303)
            response.success() if ok else response.failure(f"{response.status_code}")
        if "/test/attempts/" not in location:
            return  # already taken: the intro shows the result
        path = "/" + location.split("/", 3)[-1] if location.startswith("http") else location
        token = self.token_of(path, "test attempt")
        if self.post(path, {"csrf_token": token, "confirm_incomplete": "1"},
                     "test submit") == 302:
            _acked("attempts", self.username)

    @task(2)
    def plan_draft(self) -> None:
        with self.client.get(f"/learn/{COHORT}/plan", name="plan page",
                             catch_response=True) as response:
            page = response.text or ""
            response.success() if response.status_code == 200 else response.failure(
                f"{response.status_code}")
        version, token = VERSION.search(page), TOKEN.search(page)
        if version and token:
            status = self.post(f"/learn/{COHORT}/plan", {
                "csrf_token": token.group(1), "draft_version": version.group(1),
                "action": "save", "title": f"Rencana {self.username}"}, "plan save")
            if status == 302:
                _acked("drafts", self.username)


class Facilitator(Visitor):
    weight = 1
    wait_time = between(10, 30)

    def on_start(self) -> None:
        self.username = f"fasil{random.randrange(int(os.environ['LOAD_FACILITATORS'])):02d}"
        self.log_in()

    @task(3)
    def queue(self) -> None:
        self.client.get("/grading/", name="grading queue")

    @task(1)
    def cohort(self) -> None:
        self.client.get(f"/cohorts/{COHORT}", name="cohort progress")
