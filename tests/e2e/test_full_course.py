"""The whole course in one browser run, on a fresh database and a real server.

An admin creates a cohort and imports its participants from an XLSX file; a participant sets
a password from the setup link, takes the pre-test, reads every lesson of the module, passes
the post-test, submits an action plan, receives a revision request and resubmits; the
facilitator approves with the rubric; the admin issues the certificate and exports the
cohort; the participant downloads the PDF and its QR code opens the verification page.

Along the way XSS payloads go in through the import (a participant's name and unit) and
through course content (a module written with script, event handlers and javascript: links),
and every page that shows them is watched: no dialog may open, no script may be refused by
the Content-Security-Policy (that would mean markup got through escaping).
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from leans.content.loader import load_catalogue
from tests.fixtures.browser import (
    ROOT,
    browser_journey,
    chromium,
    leans,
    login,
    open_ok,
    running_server,
    serious_violations,
    server_env,
    shot,
    submit,
    watched_page,
)
from tests.fixtures.plans import COMPLETE, CRITERIA

pytestmark = browser_journey

ADMIN_PASSWORD = "kantor-bkpp-jalan-panglima"
FACILITATOR_PASSWORD = "fasilitator-lumbung-padi"
PARTICIPANT_PASSWORD = "lele-nganti-sumur-bor-9"
MODULE = "kepemimpinan-kolaboratif"
COHORT = "angkatan-uji"
XSS = "<script>alert('nama')</script><img src=x onerror=alert('unit')>\"><svg onload=alert(1)>"

XSS_MODULE = """---
slug: uji-keamanan
title: "Uji <script>alert('judul')</script> keamanan"
order: 99
jp: 1
summary: "Ringkasan <img src=x onerror=alert('ringkasan')>"
objectives:
  - id: uk-1
    text: "Tujuan <svg onload=alert('tujuan')>"
completion: [lessons]
prerequisites: []
---
Pengantar <script>alert('pengantar')</script> modul.
"""
XSS_LESSON = """---
slug: muatan
title: "Pelajaran <img src=x onerror=alert('pelajaran')>"
order: 1
---
## Judul <script>alert('heading')</script>

::: tugas Tugas <img src=x onerror=alert('tugas')> {id=tugas-xss menit=5}
Tulis <script>alert('instruksi')</script> jawaban Anda.
:::

<script>alert('script')</script>
<img src="x" onerror="alert('img')">
<svg onload="alert('svg')"></svg>
<iframe src="javascript:alert('iframe')"></iframe>
<a href="javascript:alert('tautan')">tautan HTML</a>
<div onclick="alert('div')" style="background:url(javascript:alert('css'))">kotak</div>
<details open ontoggle="alert('details')"><summary>buka</summary>isi</details>
<form action="javascript:alert('form')"><button>kirim</button></form>

![gambar](x" onerror="alert('gambar'))
"""


def content_with_an_xss_module(folder: Path) -> Path:
    """The real course plus one module whose every text field carries a payload."""
    shutil.copytree(ROOT / "content", folder)
    module = folder / "modules" / "99-uji-keamanan"
    module.mkdir()
    (module / "module.md").write_text(XSS_MODULE, encoding="utf-8")
    (module / "01-muatan.md").write_text(XSS_LESSON, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("course")
    content = content_with_an_xss_module(folder / "content")
    env = server_env(folder, LEANS_CONTENT_DIR=str(content))
    leans(env, "db", "upgrade")
    leans(env, "users", "create", "--username", "admin", "--name", "Admin BKPP",
          "--role", "admin", "--password-stdin", stdin=ADMIN_PASSWORD + "\n")
    leans(env, "users", "create", "--username", "fasil", "--name", "Dra. Endah Lestari, M.Si.",
          "--role", "facilitator", "--password-stdin", stdin=FACILITATOR_PASSWORD + "\n")
    with running_server(env) as base:
        yield base, content


def right_options(content: Path) -> dict[str, set[str]]:
    """Question text -> the texts of its correct options, from the module's quiz file."""
    quiz = load_catalogue(content).module(MODULE).quiz
    return {q.text: {o.text for o in q.options if o.correct} for q in quiz.questions}


def answer(page, right: dict[str, set[str]] | None) -> None:
    """Tick the right options (RIGHT given) or the first option of every question."""
    for question in page.locator("fieldset.question").all():
        text = re.sub(r"^\d+\.\s*", "", question.locator("legend").inner_text()).strip()
        options = question.locator("label.option").all()
        for index, option in enumerate(options):
            wanted = option.inner_text().strip() in right[text] if right else index == 0
            if wanted:
                option.locator("input").check()
    submit(page, "form.quiz button[type=submit]")


def spreadsheet(path: Path) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["NIP", "Nama", "Unit/OPD", "Desa"])
    sheet.append(["19900412 201503 2 004", "Ratna Widyaningsih, S.E.", "Dinas Sosial", ""])
    sheet.append(["", XSS, XSS, "Nganti"])
    workbook.save(path)
    return path


def fill_plan(page) -> None:
    for name, value in COMPLETE.items():
        if name == "villages":
            for village in value:
                page.check(f"input[name=villages][value='{village}']")
            continue
        field = page.locator(f"[id='{name}']")
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def grade(page, base: str, title: str, points: int, decision: str, comment: str) -> str:
    page.goto(f"{base}/grading/")
    submit(page, f"text={title}")
    submit(page, "text=Mulai menilai")
    assert serious_violations(page) == [], "the grading form"
    for criterion in CRITERIA:
        page.check(f"input[name=level-{criterion}][value='{points}']")
    page.check(f"input[name=decision][value={decision}]")
    page.fill("#overall_comment", comment)
    submit(page, "text=Simpan keputusan")
    return page.inner_text("main")


def test_the_whole_course_in_one_browser_run(fresh_server, tmp_path):
    base, content = fresh_server
    with chromium() as browser:
        # 1. The admin creates the cohort (module 1 only, with its facilitator) and imports.
        admin, admin_errors = login(browser, base, "admin", ADMIN_PASSWORD)
        admin.goto(f"{base}/admin/cohorts/new")
        admin.fill("#name", "LEANS Angkatan Uji")
        admin.fill("#slug", COHORT)
        admin.fill("#starts_on", "2026-11-02")
        admin.fill("#ends_on", "2026-12-18")
        admin.fill("#place", "Aula BKPP Bojonegoro")
        for box in admin.locator("input[name=module]").all():
            box.set_checked(box.get_attribute("value") == MODULE)
        admin.get_by_label("Dra. Endah Lestari, M.Si.").check()
        submit(admin, "main button[type=submit]")
        assert admin.url.endswith(f"/admin/cohorts/{COHORT}/people")
        admin.goto(f"{base}/admin/cohorts/{COHORT}/import")
        admin.set_input_files("#file", str(spreadsheet(tmp_path / "peserta.xlsx")))
        submit(admin, "main button[type=submit]")
        assert "2 baru, 0 diperbarui, 0 tidak berubah, 0 bermasalah." in admin.inner_text("main")
        shot(admin, "10-course-import-preview")
        submit(admin, "text=Impor 2 baris ini")
        rows = {row.locator("td").nth(0).inner_text(): row.locator("code").inner_text()
                for row in admin.locator("tbody tr").all()}
        setup_link = rows["Ratna Widyaningsih, S.E."]
        inaccessible = {"import done": serious_violations(admin)}
        assert XSS in rows  # the payload is shown as the name it is, as text
        shot(admin, "11-course-setup-links")

        # 2. The participant sets a password, takes the pre-test, reads, passes the post-test.
        errors: list[str] = []
        page = watched_page(browser, errors)
        page.goto(base + setup_link[setup_link.index("/account/setup/"):])
        inaccessible["account setup"] = serious_violations(page)
        page.fill("#new_password", PARTICIPANT_PASSWORD)
        page.fill("#confirm", PARTICIPANT_PASSWORD)
        submit(page, "main button[type=submit]")
        assert page.url == f"{base}/dashboard"
        module_url = f"{base}/learn/{COHORT}/{MODULE}"
        page.goto(f"{module_url}/test/pre")
        submit(page, "main form button[type=submit]")
        inaccessible["test questions"] = serious_violations(page)
        answer(page, None)
        inaccessible["test result"] = serious_violations(page)
        assert "Pre-test" in page.inner_text("main")
        page.goto(f"{module_url}/")
        submit(page, "main a[href$='/mengapa-kolaborasi']")
        lessons = load_catalogue(content).module(MODULE).lessons
        for lesson in lessons:
            assert page.inner_text("h1") == lesson.title
            for task in lesson.tasks:  # each answerable task: answered in the page, sent
                page.fill(f"#jawaban-teks-{task.id}", f"Jawaban saya untuk {task.title}.")
                submit(page, f"#jawaban-{task.id} button[value=submit]")
                assert f"Jawaban saya untuk {task.title}." in page.inner_text(
                    f"#jawaban-{task.id}")
            shot(page, f"12-course-lesson-{lesson.order}")
            submit(page, "text=Tandai selesai dan lanjutkan")
        page.goto(f"{module_url}/")
        assert page.inner_text("main").count("✓ Selesai") == len(lessons)
        page.goto(f"{module_url}/test/post")
        submit(page, "main form button[type=submit]")
        answer(page, right_options(content))
        result = page.inner_text("main")
        assert "100%" in result and "lulus" in result
        shot(page, "13-course-post-test")

        # 3. The plan: submitted, sent back for revision, resubmitted.
        page.goto(f"{base}/learn/{COHORT}/plan")
        fill_plan(page)
        submit(page, "button[value=submit]")
        assert "Diajukan" in page.inner_text("main")
        facilitator, facilitator_errors = login(browser, base, "fasil", FACILITATOR_PASSWORD)
        outcome = grade(facilitator, base, COMPLETE["title"], 2, "request_revision",
                        "Indikator pendapatan perlu sumber data yang bisa dicek ulang.")
        assert "Perlu revisi" in outcome
        page.goto(f"{base}/learn/{COHORT}/plan")
        assert "perlu sumber data yang bisa dicek ulang" in page.inner_text("main")
        revised = "Kolam lele bersama untuk 20 rumah tangga desil 1 di Nganti dan Sumberarum"
        page.fill("#title", revised)
        page.fill("[id='indicators-0-name']", "Pendapatan rumah tangga sasaran (survei desa)")
        shot(page, "14-course-revision")
        submit(page, "button[value=submit]")
        assert "Diajukan" in page.inner_text("main")

        # 4. The facilitator sees what changed and approves.
        facilitator.goto(f"{base}/grading/")
        submit(facilitator, f"text={revised}")
        assert "Perubahan sejak versi 1" in facilitator.inner_text("main")
        outcome = grade(facilitator, base, revised, 4, "approve", "Siap dijalankan.")
        assert "Rencana disetujui dengan nilai 100" in outcome
        open_ok(facilitator, f"{base}/cohorts/{COHORT}/progress")  # lists the XSS name too
        open_ok(facilitator, f"{base}/grading/tracker")

        # 5. The admin issues the certificate and exports the cohort.
        admin.goto(f"{base}/admin/certificates/{COHORT}")
        submit(admin, "form[action*='/issue/'] button")
        row = admin.locator("tr", has_text="Ratna Widyaningsih").first
        number = row.locator("td").nth(3).inner_text().strip()
        assert re.search(r"\d", number), f"no certificate number in the registry: {number!r}"
        shot(admin, "15-course-issued")
        admin.click("text=Ekspor ZIP")
        admin.wait_for_selector("text=Unduh ZIP", timeout=60000)
        link = admin.get_attribute("a:has-text('Unduh ZIP')", "href")
        archive = zipfile.ZipFile(io.BytesIO(admin.request.get(base + link).body()))
        pdfs = [n for n in archive.namelist() if n.startswith("sertifikat/")]
        assert len(pdfs) == 1 and "register.xlsx" in archive.namelist()
        for path in (f"/admin/cohorts/{COHORT}/people", "/admin/users",
                     f"/admin/certificates/{COHORT}"):
            open_ok(admin, base + path)

        # 6. The participant downloads the PDF; its QR code opens the verification page.
        page.goto(f"{base}/dashboard")
        response = page.request.get(base + page.get_attribute("a[href$='.pdf']", "href"))
        assert response.headers["content-type"] == "application/pdf"
        assert archive.read(pdfs[0]) == response.body()  # the same signed document
        import pypdfium2
        import zxingcpp
        pdf = pypdfium2.PdfDocument(io.BytesIO(response.body()))
        (code,) = zxingcpp.read_barcodes(pdf[0].render(scale=3).to_pil())
        verify = watched_page(browser, errors)
        verify.goto(re.sub(r"^https?://[^/]+", base, code.text))
        verdict = verify.inner_text("main")
        assert "Asli dan berlaku" in verdict and "Ratna Widyaningsih" in verdict
        assert number in verdict
        shot(verify, "16-course-verify")
        inaccessible["verification"] = serious_violations(verify)

        # 7. Course content with payloads, as a facilitator previews it.
        for path in ("/preview/", "/preview/uji-keamanan/", "/preview/uji-keamanan/muatan"):
            open_ok(facilitator, base + path)
            assert "keamanan" in facilitator.inner_text("main").lower()
            assert facilitator.evaluate(
                "document.querySelectorAll('main script, main iframe, main [onerror], "
                "main [onload], main [onclick], main [href^=javascript]').length") == 0
        shot(facilitator, "17-course-content-xss-inert")
        assert errors == admin_errors == facilitator_errors == []
        assert {name: found for name, found in inaccessible.items() if found} == {}
