"""Every page of the demo fits a 375 px phone and a 1280 px screen, in a real browser.

The pages are found by crawling the demo as a participant, a facilitator and an admin (same-
origin links from the dashboard, no downloads, no forms), so a new page is checked without
being listed here; pages reached only through a form (a test being taken, an import preview)
are walked to. On each page, at both widths: nothing scrolls sideways (a wide table scrolls
inside its own region), and axe-core finds nothing serious or critical and no two landmarks
with the same name. The grading page keeps its save button on the screen while the rubric is
being filled in.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from urllib.parse import urlsplit

import pytest
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from tests.fixtures.browser import (
    axe_findings,
    browser_journey,
    leans,
    login,
    running_server,
    server_env,
    submit,
)

pytestmark = browser_journey

PASSWORD = "leans-demo-2026"
PHONE = {"width": 375, "height": 812}
SCREEN = {"width": 1280, "height": 900}
#: Who crawls, in this order: participants with an approved plan and a certificate, with a
#: plan sent back for revision, a facilitator, the BKPP administrator.
ROLES = ["wahyu", "siti", "retno", "admin"]
#: Pages of one kind (one route) checked. Lessons differ in their text: each is checked once,
#: by the first person who reaches it; beyond the first PER_ROUTE, axe looks at them at the
#: phone's width only and without its slow colour-contrast rule (their colours and layout
#: are the stylesheet's, checked on the first ones).
PER_ROUTE = 2
PER_PERSON = 60
#: Routes whose page depends on who looks: PER_ROUTE of them per person; of the others,
#: PER_ROUTE in all.
PERSONAL = {"dashboard.index", "core.cohort", "modules.catalogue", "modules.module",
            "plans.plan", "auth.change_password"}
LESSONS = {"modules.lesson", "modules.preview_lesson"}
NOT_PAGES = re.compile(r"\.(pdf|csv|xlsx|zip|jwt|json|svg|png)$|/download$|/logout$|"
                       r"/language$|^/content/|^/static/")
AXE_ALSO = ("landmark-unique",)
#: Colour contrast takes most of axe's time and does not depend on the width: checked at
#: the phone's width only.
SLOW = ("color-contrast",)

#: The element sticking out furthest on the right, not clipped by a scrolling ancestor it
#: hangs from (an absolutely positioned box escapes a scroller that is not positioned); the
#: deepest of those sharing that edge, so the message names the culprit, not <main>.
WIDEST = """() => {
  const inner = window.innerWidth, scroll = document.documentElement.scrollWidth;
  const clipped = (el) => {
    for (let node = el; node && node !== document.body;) {
      const position = getComputedStyle(node).position;
      if (position === 'fixed') return true;
      let up = node.parentElement;
      if (position === 'absolute')
        while (up && up !== document.body && getComputedStyle(up).position === 'static')
          up = up.parentElement;
      if (!up || up === document.body) return false;
      if (getComputedStyle(up).overflowX !== 'visible') return true;
      node = up;
    }
    return false;
  };
  let worst = null, right = inner;
  for (const el of document.body.querySelectorAll('*')) {
    const edge = el.getBoundingClientRect().right;
    const further = edge > right + 0.5, same = worst && worst.contains(el) && edge > right - 0.5;
    if ((further || same) && !clipped(el)) { right = Math.max(right, edge); worst = el; }
  }
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map((c) => '.' + c).join('')
    + ' "' + (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 50) + '"';
  return {inner, scroll, right: Math.round(right), worst: worst ? name(worst) : null};
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = server_env(tmp_path_factory.mktemp("phone"))
    leans(env, "demo")
    with running_server(env) as base:
        yield base


@pytest.fixture(scope="module")
def routes(session_app):
    """Which route a path is (the app's own URL map), to check a few pages of each kind."""
    adapter = session_app.url_map.bind("127.0.0.1")

    def route(path: str) -> tuple[str, dict]:
        try:
            return adapter.match(path, method="GET")
        except RequestRedirect as redirect:
            return route(urlsplit(redirect.new_url).path)
        except HTTPException:
            return path, {}

    return route


@pytest.fixture(scope="module")
def checked() -> Counter:
    """The pages and the kinds of page checked so far in this module, by everyone."""
    return Counter()


def problems_here(page, where: str, thorough: bool = True) -> list[str]:
    """What is wrong with the page shown, at a phone's width and a screen's."""
    found = []
    for viewport in (PHONE, SCREEN):
        page.set_viewport_size(viewport)
        width = viewport["width"]
        m = page.evaluate(WIDEST)
        if m["scroll"] > m["inner"]:
            found.append(f"{where} at {width} px scrolls sideways: {m['scroll']} px wide; "
                         f"widest: {m['worst']} (right edge at {m['right']} px)")
        if not thorough and viewport is SCREEN:
            continue
        skip = () if thorough and viewport is PHONE else SLOW
        for v in axe_findings(page, also=AXE_ALSO, skip=skip):
            targets = ", ".join(str(n["target"][0]) for n in v["nodes"][:3])
            found.append(f"{where} at {width} px: axe {v['id']} ({v['impact']}): {targets}")
    return found


def crawl(page, base: str, person: str, route, checked: Counter) -> tuple[list[str], list[str]]:
    """Breadth-first from the dashboard: (pages checked, problems found). CHECKED counts the
    pages and the routes checked so far, by everyone."""
    visited, problems, queue, queued = [], [], [f"{base}/dashboard"], set()
    while queue and len(visited) < PER_PERSON:
        url = queue.pop(0)
        path = urlsplit(url).path
        endpoint, args = route(path)
        whose = person if endpoint in PERSONAL else ""
        key = (("lesson", args.get("module_slug"), args.get("lesson_slug"))
               if endpoint in LESSONS else (whose, path))
        kind = (whose, endpoint)
        if checked[key] or (endpoint not in LESSONS and checked[kind] >= PER_ROUTE):
            continue
        checked[key] += 1
        checked[kind] += 1
        thorough = checked[kind] <= PER_ROUTE
        response = page.goto(url)
        if response is None or not response.ok:
            problems.append(f"{path} ({person}): status {response and response.status}")
            continue
        visited.append(path)
        problems += problems_here(page, f"{path} ({person})", thorough)
        for href in page.eval_on_selector_all(
                "a[href]:not([download])", "links => links.map(a => a.href)"):
            target = href.split("#")[0]
            target_path = urlsplit(target).path
            if (target.startswith(base + "/") and target_path not in queued
                    and not NOT_PAGES.search(target_path)):
                queued.add(target_path)
                queue.append(target)
    return visited, problems


@pytest.mark.parametrize("person", ROLES)
def test_every_page_fits_a_phone_and_passes_axe(server, browser, routes, checked, person):
    page, errors = login(browser, server, person, PASSWORD)
    visited, problems = crawl(page, server, person, routes, checked)
    page.close()
    assert len(visited) >= 5, f"the crawl as {person} found only {visited}"
    assert problems == [], "\n".join(problems)
    assert errors == []  # no CSP refusals, no dialogs


def test_a_test_being_taken_fits_a_phone(server, browser):
    page, errors = login(browser, server, "mulyono", PASSWORD)  # nothing done yet
    page.goto(f"{server}/learn/angkatan-1/kepemimpinan-kolaboratif/test/pre")
    submit(page, "main form button[type=submit]")  # start the pre-test
    problems = problems_here(page, "quiz form")
    submit(page, "#quiz-form > button[type=submit]")  # nothing answered: asked to confirm
    assert page.locator(".quiz-missing").count() == 1
    problems += problems_here(page, "quiz form, unanswered questions named")
    submit(page, "button[name=confirm_incomplete]")
    assert "/attempts/" in page.url
    problems += problems_here(page, "quiz result")
    page.close()
    assert problems == [], "\n".join(problems)
    assert errors == []


def sheet(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    header = ["NIP", "Nama", "Pangkat/Golongan", "Jabatan", "Unit/OPD", "Kecamatan", "Desa",
              "Email", "Role"]
    csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows])
    return buffer.getvalue().encode()


def upload(page, data: bytes) -> None:
    page.set_input_files("input[type=file]", files=[
        {"name": "peserta.csv", "mimeType": "text/csv", "buffer": data}])
    submit(page, "main form button[type=submit]")


def test_the_import_preview_and_its_setup_links_fit_a_phone(server, browser):
    page, errors = login(browser, server, "admin", PASSWORD)
    page.goto(f"{server}/admin/cohorts/angkatan-2/import")
    good = [["19900101 201501 1 001", "Ir. Raden Mas Bagus Prasetyo Wicaksono, S.T., M.T.",
             "III/d", "Kepala Seksi Perencanaan dan Pengendalian Pembangunan",
             "Badan Perencanaan, Penelitian dan Pengembangan Daerah", "Kedungadem",
             "Tondomulo", "bagus.prasetyo.wicaksono@bojonegorokab.example", "peserta"]]
    upload(page, sheet([*good, ["1234", "Tanpa NIP Benar", "IX/z", "", "", "", "", "bukan-email",
                                "peserta"]]))
    problems = problems_here(page, "import preview with errors")
    submit(page, "main a[href$='/import']")  # upload a corrected file
    upload(page, sheet(good))
    problems += problems_here(page, "import preview")
    submit(page, "form[action$='/import/confirm'] button[type=submit]")
    problems += problems_here(page, "import finished, setup links")
    page.close()
    assert problems == [], "\n".join(problems)
    assert errors == []


def test_pages_for_everyone_fit_a_phone(server, browser):
    page = browser.new_page()
    problems = []
    for path in ("/", "/login", "/verify/no-such-code", "/no-such-page"):
        page.goto(server + path)
        problems += problems_here(page, path)
    page.close()
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(("state", "button"), [("in_review", "Simpan keputusan"),
                                               ("approved", "Ubah nilai")])
def test_the_rubric_save_button_stays_on_a_phone_screen(server, browser, state, button):
    page, errors = login(browser, server, "retno", PASSWORD)
    page.set_viewport_size(PHONE)
    page.goto(f"{server}/grading/?state={state}&cohort=angkatan-1")
    submit(page, "main table a[href*='/grading/plans/']")
    save = page.get_by_role("button", name=button)
    criteria = page.locator(".rubric-form .criterion")
    assert criteria.count() >= 3
    for index in (0, criteria.count() // 2, criteria.count() - 1):
        criteria.nth(index).scroll_into_view_if_needed()
        box = save.bounding_box()
        assert box is not None, f"no {button!r} button"
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], (
            f"criterion {index + 1} in view: {button!r} is at y={box['y']:.0f}, off the screen")
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    page.close()
    assert errors == []
