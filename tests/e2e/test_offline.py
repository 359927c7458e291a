"""Reading offline in a real browser (issue 20): a participant downloads a module, reads every
lesson in flight mode, marks two lessons done there and sees them arrive once, with the
phone's time, when back online; keeps a plan draft on the phone while the server's copy moves
on and gets both texts; logs out and leaves nothing behind. With JavaScript off, every page
works as before.

The server is ``leans demo`` plus one fresh participant of the demo cohort (SETUP). The steps
share one phone (a browser context) and run in order; each stops the rest when it fails.
Texts are checked through the app's Indonesian catalogue (``t``), so the checks hold before
and after the new strings are translated.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import time

import pytest
from babel.support import Translations

from tests.fixtures.browser import ROOT, browser_journey, leans, running_server, server_env
from tests.fixtures.servers import BIN

pytestmark = browser_journey

CATALOGUE = Translations.load(str(ROOT / "leans" / "translations"), ["id"])
COHORT, MODULE, OTHER_MODULE = "angkatan-1", "kepemimpinan-kolaboratif", "sinergi-lintas-sektor"
USERNAME, PASSWORD = "pelancong", "baca-di-pesawat-2026"
#: The participant: enrolled ten days ago in the demo cohort, which runs until 30 days from
#: today (whatever day the test runs).
SETUP = f"""
import datetime as dt
from leans import create_app
from leans.auth.services import create_user
from leans.core.extensions import db
from leans.core.models import Cohort, Enrolment, Role
from sqlalchemy import select
app = create_app()
with app.app_context():
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "{COHORT}"))
    cohort.ends_on = dt.date.today() + dt.timedelta(days=30)
    user = create_user(username="{USERNAME}", full_name="Sri Pelancong", password="{PASSWORD}",
                       roles={{Role.PARTICIPANT}}, unit="Pemerintah Desa Kolong")
    cohort.enrolments.append(Enrolment(
        user=user, enrolled_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=10)))
    db.session.commit()
"""
#: The phone's clock when the lessons are marked done in flight mode: two hours ago.
DEVICE_TIME = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).replace(microsecond=0)


def t(msgid: str, **values: object) -> str:
    text = CATALOGUE.gettext(msgid)
    return text % values if values else text


def before(template: str) -> str:
    """The part of a translated text before its first placeholder."""
    return t(template).split("%(")[0]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("offline")
    env = server_env(folder)
    leans(env, "demo")
    done = subprocess.run([str(BIN / "python"), "-c", SETUP], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with running_server(env) as base:
        yield base, folder / "e2e.sqlite3"


class Phone:
    """One participant's phone: a browser context in Bojonegoro's time zone, logged in."""

    def __init__(self, browser, base: str, javascript: bool = True) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 390, "height": 844},
                                           timezone_id="Asia/Jakarta", locale="id-ID",
                                           java_script_enabled=javascript)
        self.page = self.context.new_page()
        self.refused: list[str] = []
        self.page.on("console", lambda m: self.refused.append(m.text)
                     if "Refused" in m.text else None)
        self.page.goto(f"{base}/login")
        self.page.fill("#login", USERNAME)
        self.page.fill("#password", PASSWORD)
        with self.page.expect_navigation():
            self.page.click("main button[type=submit]")
        assert self.page.url == f"{base}/dashboard"

    def go(self, path: str):
        return self.page.goto(self.base + path)

    def lessons(self) -> list[tuple[str, str]]:
        """(URL, title) of the module's lessons, from its page."""
        links = self.page.locator("ol.lesson-list a")
        return [(links.nth(i).get_attribute("href"), links.nth(i).inner_text())
                for i in range(links.count())]


@pytest.fixture(scope="module")
def phone(server, browser):
    phone = Phone(browser, server[0])
    yield phone
    phone.context.close()


@pytest.fixture(autouse=True)
def in_order(request, phone):
    failed = request.session.testsfailed
    if getattr(phone, "broken", False):
        pytest.skip("an earlier step failed")
    yield
    if request.session.testsfailed > failed or phone.refused:
        phone.broken = True
    assert phone.refused == [], f"the Content-Security-Policy refused: {phone.refused}"


def completions(database) -> dict[str, list[str]]:
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT lc.lesson_slug, lc.completed_at FROM lesson_completions lc "
            "JOIN enrolments e ON e.id = lc.enrolment_id JOIN users u ON u.id = e.user_id "
            "WHERE u.username = ?", (USERNAME,)).fetchall()
    found: dict[str, list[str]] = {}
    for slug, at in rows:
        found.setdefault(slug, []).append(at)
    return found


def test_the_module_is_downloaded_with_its_size_shown_first(phone):
    page = phone.page
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")  # installed
    phone.go(f"/learn/{COHORT}/{MODULE}/")
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller")
    size = page.locator("#offline-size")
    page.wait_for_function("() => document.getElementById('offline-size')"
                           ".textContent.includes('kB')")
    assert size.inner_text().startswith(before("Download size: about %(size)s."))
    assert page.locator("#offline-remove").is_hidden()  # nothing stored yet
    page.click("#offline-download")
    page.wait_for_selector("#offline-remove", state="visible")
    assert size.inner_text().startswith(before(
        "Stored on this device: %(lessons)s lessons, %(size)s, saved %(time)s."))
    phone.stored = phone.lessons()
    assert len(phone.stored) >= 3
    assert f"{len(phone.stored)} " in size.inner_text()


def test_every_lesson_opens_offline_as_the_stored_copy(phone):
    phone.context.set_offline(True)
    for url, title in phone.stored:
        response = phone.go(url)
        assert response is not None and response.ok
        assert phone.page.inner_text("h1") == title
        banner = phone.page.locator("#stored-copy")
        banner.wait_for(state="visible")
        assert banner.inner_text().startswith(before("Stored copy, saved %(time)s."))
        # The stored stylesheet styles the page: the brand colour of the header.
        colour = phone.page.eval_on_selector(".site-header",
                                             "e => getComputedStyle(e).backgroundColor")
        assert colour == "rgb(11, 110, 79)"


def test_a_page_not_downloaded_shows_the_offline_page(phone):
    phone.go(f"/learn/{COHORT}/{OTHER_MODULE}/")
    assert phone.page.inner_text("h1") == t("No connection")
    listed = phone.page.locator("#offline-list a")
    listed.first.wait_for()
    assert [listed.nth(i).inner_text() for i in range(listed.count())] == \
        [title for _url, title in phone.stored]
    phone.go(f"/learn/{COHORT}/{MODULE}/test/pre")  # tests are never offered offline
    assert phone.page.inner_text("h1") == t("No connection")


def test_two_lessons_marked_done_offline_arrive_once_with_the_device_time(phone, server):
    phone.context.clock.set_fixed_time(DEVICE_TIME)
    for url, _title in phone.stored[:2]:
        phone.go(url)
        phone.page.click("form[data-offline-done] button")
        phone.page.get_by_text(t("Marked done on this device. It is sent when you are online "
                                 "again.")).wait_for()
    waiting = phone.page.locator("#offline-queue")
    assert waiting.inner_text() == t("Waiting on this device to be sent: %(n)s.", n=2)
    assert completions(server[1]) == {}
    phone.context.set_offline(False)
    phone.go("/dashboard")
    deadline = time.monotonic() + 15
    while len(completions(server[1])) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    phone.go("/dashboard")  # a second visit sends nothing again
    phone.page.wait_for_timeout(500)
    found = completions(server[1])
    slugs = [url.rsplit("/", 1)[-1] for url, _title in phone.stored[:2]]
    assert sorted(found) == sorted(slugs)
    for slug in slugs:
        (stamp,) = found[slug]  # stored once
        stored = dt.datetime.fromisoformat(stamp).replace(tzinfo=dt.UTC)
        assert stored == DEVICE_TIME
    assert waiting.is_hidden()


def test_a_plan_draft_kept_offline_meets_a_newer_server_copy_and_both_texts_show(
        phone, server, browser):
    page = phone.page
    phone.go(f"/learn/{COHORT}/plan")
    phone.context.set_offline(True)
    page.fill("#title", "Judul dari ponsel di Tondomulo")
    page.get_by_text(t("Saved on this device (no connection). It is sent to the server when "
                       "you are online again.")).wait_for()
    laptop = Phone(browser, server[0])
    laptop.go(f"/learn/{COHORT}/plan")
    laptop.page.fill("#title", "Judul dari laptop kantor")
    with laptop.page.expect_navigation():
        laptop.page.click("button.secondary[value=save]")
    assert t("Draft saved.") in laptop.page.inner_text("main")
    laptop.context.close()
    with page.expect_navigation():
        phone.context.set_offline(False)
    page.wait_for_selector("section.conflict")
    assert "Judul dari ponsel di Tondomulo" in page.inner_text("section.conflict")
    assert page.input_value("#title") == "Judul dari laptop kantor"


def test_logging_out_leaves_nothing_on_the_phone(phone):
    page = phone.page
    phone.go(f"/learn/{COHORT}/{MODULE}/")
    page.wait_for_selector("#offline-remove", state="visible")  # still stored
    with page.expect_navigation():
        page.click("nav form button")
    assert page.url.startswith(f"{phone.base}/login")
    page.wait_for_timeout(300)
    assert page.evaluate("() => caches.keys()") == []
    assert page.evaluate("() => indexedDB.databases().then(d => d.map(x => x.name))") == []
    assert page.evaluate("() => navigator.serviceWorker.getRegistrations()"
                         ".then(r => r.length)") == 0


def test_with_javascript_off_everything_works_as_before(server, browser):
    phone = Phone(browser, server[0], javascript=False)
    page = phone.page
    phone.go(f"/learn/{COHORT}/{MODULE}/")
    assert page.locator("#offline-module").is_hidden()
    lessons = phone.lessons()
    phone.go(lessons[2][0])
    with page.expect_navigation():
        page.click("form[data-offline-done] button")
    assert page.url.endswith(lessons[3][0])
    assert page.locator("#stored-copy").is_hidden()
    phone.go(f"/learn/{COHORT}/plan")
    page.fill("#title", "Judul tanpa JavaScript")
    with page.expect_navigation():
        page.click("button.secondary[value=save]")
    assert t("Draft saved.") in page.inner_text("main")
    assert t("No connection") in (phone.go("/offline") and page.inner_text("h1"))
    phone.go("/dashboard")
    with page.expect_navigation():
        page.click("nav form button")
    assert page.url.startswith(f"{phone.base}/login")
    phone.context.close()
