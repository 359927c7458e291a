"""End-to-end in a real browser (Debian's chromium via Playwright) against the app served
by a real server process on 127.0.0.1 with a fresh database and the demo data."""

from __future__ import annotations

import pytest

from tests.fixtures.browser import (
    browser_journey,
    leans,
    open_ok,
    running_server,
    serious_violations,
    server_env,
    shot,
    submit,
    watched_page,
)
from tests.fixtures.browser import login as login_as
from tests.fixtures.plans import CRITERIA

PASSWORD = "leans-demo-2026"

pytestmark = browser_journey


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = server_env(tmp_path_factory.mktemp("e2e"))
    leans(env, "demo")
    with running_server(env) as base:
        yield base


def login(browser, base: str, username: str):
    return login_as(browser, base, username, PASSWORD)


def test_participant_reads_takes_the_pre_test_and_marks_lessons(server, browser):
    page, errors = login(browser, server, "wahyuni")  # Tondomulo cadre, module 1 in progress
    shot(page, "01-dashboard")
    with page.expect_navigation():
        page.click("text=Lanjutkan belajar")
    assert "/learn/angkatan-1/" in page.url
    title = page.inner_text("h1")
    with page.expect_navigation():
        page.click("text=Tandai selesai dan lanjutkan")
    assert page.inner_text("h1") != title  # moved on to the next lesson
    shot(page, "02-lesson")
    page.goto(f"{server}/learn/angkatan-1/sinergi-lintas-sektor/")
    assert "Terkunci" in page.inner_text("main")  # module 3 needs module 1
    assert errors == []  # no CSP refusals, no dialogs


def test_participant_writes_and_submits_an_action_plan_with_errors_named(server, browser):
    page, errors = login(browser, server, "suparno")  # a draft with gaps
    page.goto(f"{server}/learn/angkatan-1/plan")
    page.fill("#title", "KOLEGA Nganti <script>alert(1)</script>")
    with page.expect_navigation():
        page.click("button[value=submit]")
    body = page.inner_text("main")
    assert "belum dapat diajukan" in body and "Indikator: isi paling sedikit satu baris." in body
    assert page.input_value("#title").startswith("KOLEGA Nganti")  # nothing typed is lost
    shot(page, "03-plan-errors")
    assert errors == []


def test_facilitator_grades_with_the_rubric_and_approves(server, browser):
    page, errors = login(browser, server, "retno")
    page.goto(f"{server}/grading/")
    with page.expect_navigation():
        page.click("text=Satu data sasaran")  # Agus's resubmitted plan
    assert "Perubahan sejak versi 1" in page.inner_text("main")
    with page.expect_navigation():
        page.click("text=Mulai menilai")
    for criterion in CRITERIA:
        page.check(f"input[name=level-{criterion}][value='4']")
    page.check("input[name=decision][value=approve]")
    page.fill("#overall_comment", "Siap dijalankan.")
    shot(page, "04-grading")
    with page.expect_navigation():
        page.click("text=Simpan keputusan")
    assert "Rencana disetujui dengan nilai 100" in page.inner_text("main")
    assert errors == []


def test_the_certificate_qr_opens_the_verification_page(server, browser):
    page, errors = login(browser, server, "wahyu")
    link = page.get_attribute("a[href$='.pdf']", "href")
    response = page.request.get(server + link)
    assert response.headers["content-type"] == "application/pdf"
    import io

    import pypdfium2
    import zxingcpp
    pdf = pypdfium2.PdfDocument(io.BytesIO(response.body()))
    (code,) = zxingcpp.read_barcodes(pdf[0].render(scale=3).to_pil())
    verify = browser.new_page()
    verify.goto(code.text.replace("http://127.0.0.1:5000", server))
    assert "Asli dan berlaku" in verify.inner_text("main")
    shot(verify, "05-verify")
    assert errors == []


PAGES = {
    "siti": ["/dashboard", "/learn/angkatan-1/", "/learn/angkatan-1/kepemimpinan-kolaboratif/",
             "/learn/angkatan-1/kepemimpinan-kolaboratif/mengapa-kolaborasi",
             "/learn/angkatan-1/plan",
             "/learn/angkatan-1/memahami-kemiskinan-bojonegoro/test/post"],
    "retno": ["/cohorts/angkatan-1/progress", "/grading/", "/cohorts/angkatan-1/tests/",
              "/grading/tracker"],
    "admin": ["/admin/", "/admin/reports", "/admin/certificates/angkatan-1", "/admin/users"],
}


def test_main_pages_have_no_serious_accessibility_violations(server, browser):
    found = {}
    for user, paths in PAGES.items():
        page, _errors = login(browser, server, user)
        for path in paths:
            open_ok(page, server + path)
            if serious := serious_violations(page):
                found[path] = serious
        page.close()
    anonymous = browser.new_page()
    anonymous.goto(server + "/login")
    assert found == {} and serious_violations(anonymous) == []


XSS = ['<script>alert("x1")</script>', '<img src=x onerror=alert("x2")>',
       '"><svg onload=alert("x3")>', "javascript:alert('x4')"]


def test_xss_payloads_typed_into_the_forms_stay_inert(server, browser):
    payload = " ".join(XSS)
    admin, errors = login(browser, server, "admin")
    admin.goto(f"{server}/admin/users/new")
    admin.fill("#username", "xss")
    admin.fill("#full_name", payload)
    admin.check("input[name=roles][value=participant]")
    with admin.expect_navigation():
        admin.click("main button[type=submit]")
    admin.goto(f"{server}/admin/cohorts/angkatan-1/people")
    admin.fill("#login", "xss")
    with admin.expect_navigation():
        admin.click("form[action$='/enrol'] button[type=submit]")
    for path in ("/admin/users?q=script", "/admin/cohorts/angkatan-1/people",
                 "/cohorts/angkatan-1/progress"):
        open_ok(admin, server + path)
    participant, more = login(browser, server, "mulyono")  # no plan yet
    participant.goto(f"{server}/learn/angkatan-1/plan")
    for field in ("#title", "#problem", "#evidence", "#target_group", "#sustainability"):
        participant.fill(field, payload)
    with participant.expect_navigation():
        participant.click("button[value=save]")
    participant.goto(f"{server}/learn/angkatan-1/plan")
    assert participant.input_value("#title") == payload  # kept exactly, shown as text
    grader, graders = login(browser, server, "bambang")
    grader.goto(f"{server}/grading/?state=in_review")
    with grader.expect_navigation():
        grader.click("text=Domba Kesejahteraan di Kolong")  # Lilik's plan in review
    for criterion in CRITERIA:
        grader.check(f"input[name=level-{criterion}][value='3']")
        grader.fill(f"#comment-{criterion}", payload)
    grader.check("input[name=decision][value=request_revision]")
    grader.fill("#overall_comment", payload)
    with grader.expect_navigation():
        grader.click("text=Simpan keputusan")
    author, authors = login(browser, server, "lilik")
    author.goto(f"{server}/learn/angkatan-1/plan")
    assert "alert(" in author.inner_text("main")  # the comment is shown, as text
    shot(author, "06-xss-inert")
    assert errors == more == graders == authors == []  # no dialog ever opened


def test_admin_imports_an_xlsx_and_exports_the_certificates(server, browser, tmp_path):
    import io
    import zipfile

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["NIP", "Nama", "Unit/OPD", "Desa"])
    sheet.append(["19880321 201212 1 002", "Rahmat Hidayat, S.T.", "Dinas PU SDA", ""])
    sheet.append(["", "Siti Aminah", "Pemerintah Desa Nganti", "Nganti"])
    sheet.append(["", "Bayu Pratama", "Bappeda", ""])
    path = tmp_path / "peserta-angkatan-2.xlsx"
    workbook.save(path)
    page, errors = login(browser, server, "admin")
    page.goto(f"{server}/admin/cohorts/angkatan-2/import")
    page.set_input_files("#file", str(path))
    with page.expect_navigation():
        page.click("main button[type=submit]")
    preview = page.inner_text("main")
    assert "2 baru, 1 diperbarui, 0 tidak berubah, 0 bermasalah." in preview  # Rahmat: new unit
    shot(page, "07-import-preview")
    with page.expect_navigation():
        page.click("text=Impor 3 baris ini")
    assert page.inner_text("main").count("/account/setup/") == 2
    page.goto(f"{server}/admin/certificates/angkatan-1")
    page.click("text=Ekspor ZIP")
    page.wait_for_selector("text=Unduh ZIP", timeout=60000)  # the page refreshes itself
    shot(page, "08-export-done")
    link = page.get_attribute("a:has-text('Unduh ZIP')", "href")
    archive = zipfile.ZipFile(io.BytesIO(page.request.get(server + link).body()))
    assert "register.xlsx" in archive.namelist()
    assert len([n for n in archive.namelist() if n.startswith("sertifikat/")]) >= 2
    assert errors == []


PAYLOAD = " ".join(XSS)
#: Fields whose format is checked (slugs, usernames, NIPs, numbers): a payload there is refused
#: with an error, which the other tests cover; everything free-text gets the payload.
FORMATTED = {"slug", "username", "nip", "golongan", "login", "password", "new_password",
             "confirm", "current_password", "followup_months"}


def fill_free_text(page, form: str = "main form") -> int:
    """Type the payload into every visible free-text field of FORM; how many there were."""
    filled = 0
    fields = page.locator(f"{form} input[type=text], {form} input:not([type]), "
                          f"{form} textarea")
    for field in fields.all():
        name = (field.get_attribute("name") or "").rsplit("-", 1)[-1]
        if field.is_visible() and name not in FORMATTED:
            field.fill(PAYLOAD)
            filled += 1
    return filled


def test_xss_payloads_in_every_free_text_field_stay_inert(server, browser):
    """Cohort, account, plan (every field and row), progress update, revocation reason,
    search and login: typed as payloads, then every page that shows them opened."""
    admin, errors = login(browser, server, "admin")
    admin.goto(f"{server}/admin/cohorts/new")
    assert fill_free_text(admin) == 2  # name, place
    admin.fill("#slug", "angkatan-xss")
    admin.fill("#starts_on", "2027-01-04")
    admin.fill("#ends_on", "2027-03-26")
    submit(admin, "main form button[type=submit]")
    assert admin.url.endswith("/admin/cohorts/angkatan-xss/people")
    assert PAYLOAD in admin.inner_text("h1")  # stored exactly, shown as text
    admin.goto(f"{server}/admin/users/new")
    assert fill_free_text(admin) == 3  # full name, position, unit
    admin.fill("#username", "xss-lengkap")
    admin.check("input[name=roles][value=participant]")
    submit(admin, "main form button[type=submit]")
    admin.goto(f"{server}/admin/cohorts/angkatan-xss/people")
    admin.fill("#login", "xss-lengkap")
    submit(admin, "form[action$='/enrol'] button[type=submit]")
    assert PAYLOAD in admin.inner_text("main table")

    planner, planner_errors = login(browser, server, "dwi")  # no plan yet
    planner.goto(f"{server}/learn/angkatan-1/plan")
    assert fill_free_text(planner, "form.plan-form") >= 20  # every field and table row
    submit(planner, "button[value=save]")
    planner.goto(f"{server}/learn/angkatan-1/plan")
    assert planner.input_value("[id='risks-0-mitigation']") == PAYLOAD  # nothing lost

    holder, holder_errors = login(browser, server, "sugeng")  # approved plan, certified
    holder.goto(f"{server}/learn/angkatan-1/plan")
    assert fill_free_text(holder, "#tracker form") == 2  # indicator value, note
    holder.check("#tracker input[name=status][value=in_progress]")
    holder.fill("#tracker input[type=date]", "2026-11-27")
    submit(holder, "#tracker form button[type=submit]")
    assert "alert(" in holder.inner_text("#tracker")

    admin.goto(f"{server}/admin/certificates/angkatan-1")
    row = admin.locator("tr", has_text="Sugeng")
    row.locator("summary").last.click()
    row.locator("input[name=reason]").fill(PAYLOAD)
    row.locator("input[name=password]").fill(PASSWORD)
    with admin.expect_navigation():
        row.locator("form[action$='/revoke'] button").click()
    revoked = admin.locator("tr", has_text="Sugeng").last
    assert "Dicabut" in revoked.inner_text() and PAYLOAD in revoked.inner_text()
    code = revoked.locator("a[href*='/verify/']").get_attribute("href")
    for path in ("/admin/", "/admin/users", "/admin/users?q=" + PAYLOAD, "/audit",
                 "/cohorts/angkatan-xss", "/admin/certificates/angkatan-1",
                 "/admin/certificates/angkatan-xss", "/admin/reports", code):
        open_ok(admin, server + path)
    facilitator, facilitator_errors = login(browser, server, "retno")
    for path in ("/grading/tracker", "/cohorts/angkatan-1/progress", "/grading/?state=draft"):
        open_ok(facilitator, server + path)
    stranger = watched_page(browser, errors)
    stranger.goto(f"{server}/login")
    stranger.fill("#login", PAYLOAD)
    stranger.fill("#password", PAYLOAD)
    submit(stranger, "main button[type=submit]")
    assert stranger.input_value("#login") == PAYLOAD  # kept for correction, as text
    shot(admin, "09-xss-every-field")
    assert errors == planner_errors == holder_errors == facilitator_errors == []
