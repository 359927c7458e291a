"""The change project's full path in a real browser, on a real server with a fresh database:
participant → mentor → coach → examiner → milestones with evidence → report seminar →
certificate → verification.

The world (tests/fixtures/journey_setup.py) is a full-path cohort made after ``leans demo``:
its participant has done the training and has no plan yet; a mentor, a coach and an examiner
around her. Each step below is one person in the browser, on a phone-sized page, through the
pages only; the steps run in order and stop at the first that fails. Every page is watched:
no script refused by the Content-Security-Policy, no dialog. Displayed texts are checked
through the app's own Indonesian catalogue (``t``), so the checks hold before and after the
new strings are translated.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from zoneinfo import ZoneInfo

import pytest
from babel.support import Translations

from tests.fixtures.browser import (
    ROOT,
    browser_journey,
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
from tests.fixtures.journey_setup import (
    COACH,
    COHORT,
    EXAMINER,
    MEDIUM_DUE,
    MENTOR,
    PARTICIPANT,
    PASSWORD,
    PEOPLE,
    SHORT_DUE,
)
from tests.fixtures.plans import COMPLETE
from tests.fixtures.servers import BIN

pytestmark = browser_journey

ADMIN_PASSWORD = "leans-demo-2026"  # the demo's
CATALOGUE = Translations.load(str(ROOT / "leans" / "translations"), ["id"])
TODAY = dt.datetime.now(ZoneInfo("Asia/Jakarta")).date()
NAME = PEOPLE[PARTICIPANT][0]
PLAN = f"/learn/{COHORT}/plan"
#: The plan as the participant types it: the test data's complete plan, its first milestone
#: due before the cohort's last day (short-term), the second long after (medium-term).
ENTRY = {**COMPLETE,
         "indicators-0-baseline_date": str(TODAY - dt.timedelta(days=30)),
         "indicators-0-target_date": str(TODAY + dt.timedelta(days=365)),
         "activities-0-date": str(TODAY + dt.timedelta(days=SHORT_DUE)),
         "activities-1-date": str(TODAY + dt.timedelta(days=MEDIUM_DUE))}
#: The design seminar: the coach's level on this criterion is two levels below the
#: examiner's (the cohort allows one), and the examiner settles it at Baik (3).
DISPUTED = "kelayakan"


def t(msgid: str, **values: object) -> str:
    """MSGID as the pages show it: in Indonesian once translated, else as written."""
    text = CATALOGUE.gettext(msgid)
    return text % values if values else text


def tn(singular: str, plural: str, num: int) -> str:
    """The plural form the pages show for NUM."""
    return CATALOGUE.ngettext(singular, plural, num) % {"num": num}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = server_env(tmp_path_factory.mktemp("aksi"))
    leans(env, "demo")
    done = subprocess.run([str(BIN / "python"), "-m", "tests.fixtures.journey_setup"], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"the journey's world was not made: {done.stderr}"
    with running_server(env) as base:
        yield base


class Journey:
    """The people's pages (one login each, kept), what the steps found out, and what every
    page reported: refused scripts and dialogs, accessibility findings."""

    def __init__(self, base: str, browser) -> None:
        self.base, self.browser = base, browser
        self.pages: dict[str, object] = {}
        self.errors: list[str] = []
        self.inaccessible: dict[str, list] = {}
        self.plan_id: int | None = None

    def as_(self, username: str, path: str | None = None):
        """USERNAME's page (logged in on first use), at PATH when given."""
        if username not in self.pages:
            page, errors = login(self.browser, self.base, username,
                                 ADMIN_PASSWORD if username == "admin" else PASSWORD)
            page.on("console", lambda m: self.errors.append(m.text)
                    if "Refused" in m.text else None)
            self.errors += errors
            self.pages[username] = page
        page = self.pages[username]
        if path is not None:
            open_ok(page, self.base + path)
        return page

    def check_accessibility(self, page, name: str) -> None:
        if found := serious_violations(page):
            self.inaccessible[name] = found

    @property
    def plan(self) -> str:
        return f"/project/plans/{self.plan_id}"


@pytest.fixture(scope="module")
def journey(server, browser):
    return Journey(server, browser)


@pytest.fixture(autouse=True)
def in_order(request, journey):
    """Each step needs the ones before it: after a failure the rest are skipped."""
    failed = request.session.testsfailed
    if getattr(journey, "broken", False):
        pytest.skip("an earlier step of the journey failed")
    yield
    if request.session.testsfailed > failed or journey.errors:
        journey.broken = True
    if journey.errors:
        pytest.fail(f"a script was refused or a dialog opened: {journey.errors}")


def fill_plan(page) -> None:
    for name, value in ENTRY.items():
        if name == "villages":
            for village in value:
                page.check(f"input[name=villages][value='{village}']")
            continue
        field = page.locator(f"[id='{name}']")
        if field.evaluate("element => element.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def score(page, points: int, comment: str, **levels: int) -> None:
    """Score every criterion of the seminar's form at POINTS (LEVELS: others) and send."""
    form = page.locator("form[action$='/score']")
    for radio in form.locator(f"input[type=radio][value='{points}']").all():
        name = radio.get_attribute("name").removeprefix("level-")
        form.locator(f"input[name='level-{name}'][value='{levels.get(name, points)}']").check()
    page.fill("#overall_comment", comment)
    submit(page, "form[action$='/score'] button[type=submit]")
    assert t("Your score is recorded.") in page.inner_text("main")


def evidence_photo() -> bytes:
    """A JPEG photo whose EXIF says where it was taken (Nganti, Ngraho)."""
    from PIL import ExifTags, Image

    image = Image.linear_gradient("L").resize((640, 480)).convert("RGB")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Kamera Kader Desa"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update({
        ExifTags.GPS.GPSLatitudeRef: "S", ExifTags.GPS.GPSLatitude: (7.0, 9.0, 12.5),
        ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (111.0, 52.0, 48.0)})
    data = io.BytesIO()
    image.save(data, "JPEG", exif=exif, quality=85)
    return data.getvalue()


def test_the_participant_writes_the_plan_and_it_waits_for_the_mentor(journey):
    page = journey.as_(PARTICIPANT, PLAN)
    fill_plan(page)
    shot(page, "20-project-plan")
    submit(page, "button[value=submit]")
    main = page.inner_text("main")
    assert t("Waiting for the mentor") in main
    assert t("Version %(n)d waits for your mentor's endorsement (%(name)s); then your "
             "facilitator reviews it.", n=1, name=PEOPLE[MENTOR][0]) in main


def test_the_mentor_finds_the_mentee_and_endorses_the_plan(journey):
    page = journey.as_(MENTOR, "/mentor")
    row = page.locator("main tr", has_text=NAME)
    assert ENTRY["title"] in row.inner_text()
    assert t("Endorse or return the plan") in row.inner_text()
    submit(page, f"main a:has-text('{ENTRY['title']}')")
    journey.plan_id = int(re.search(r"/project/plans/(\d+)$", page.url).group(1))
    page.check("input[name=decision][value=endorse]")
    page.fill("#comment", "Sesuai sasaran kinerja Dinas Sosial tahun ini; saya dukung.")
    submit(page, "form[action$='/endorsement'] button[type=submit]")
    assert t("You endorsed the plan; the coaches will review it.") in page.inner_text("main")
    shot(page, "21-project-endorsed")


def test_the_coach_reviews_sends_it_to_the_design_seminar_and_schedules_it(journey):
    page = journey.as_(COACH, "/grading/")
    submit(page, f"main a[href$='/grading/plans/{journey.plan_id}']")
    submit(page, "form[action$='/start'] button[type=submit]")
    page.fill("#comment-send", "Rancangan lengkap; siap diuji di seminar rancangan.")
    submit(page, "form[action$='/send-to-seminar'] button[type=submit]")
    assert page.url == f"{journey.base}{journey.plan}/seminars/design"
    page.click("#schedule summary")
    page.fill("#day", str(TODAY + dt.timedelta(days=2)))
    page.fill("#time", "09:00")
    page.fill("#place", "Ruang Rapat BKPP Kabupaten Bojonegoro")
    page.fill("#panel", f"{PEOPLE[EXAMINER][0]} (penguji), {PEOPLE[COACH][0]} (coach)")
    submit(page, "form[action$='/schedule'] button[type=submit]")
    schedule = page.inner_text("#schedule")
    assert "Ruang Rapat BKPP Kabupaten Bojonegoro" in schedule and "09.00" in schedule.replace(
        ":", ".")
    shot(page, "22-project-seminar-scheduled")


def test_the_examiner_and_the_coach_score_blind_and_the_examiner_moderates(journey):
    seminar = f"{journey.plan}/seminars/design"
    examiner = journey.as_(EXAMINER, "/project/seminars")
    assert t("Your score is needed") in examiner.inner_text("main")
    submit(examiner, f"main a[href$='{seminar}']")
    journey.check_accessibility(examiner, "design seminar, scoring")
    score(examiner, 4, "Data sasaran kuat dan kolaborasinya nyata.")
    coach = journey.as_(COACH, seminar)
    assert t("Hidden until both assessors have scored.") in coach.inner_text("#scores")
    score(coach, 4, "Jadwal panen pertama terlalu rapat.", **{DISPUTED: 2})
    assert t("Design seminar: moderation") in coach.inner_text("main")
    examiner.goto(journey.base + seminar)
    moderation = examiner.locator("form[action$='/moderation']")
    assert moderation.locator("input[type=radio]").count() == 4  # only the disputed one
    moderation.locator(f"input[name='level-{DISPUTED}'][value='3']").check()
    examiner.fill("#reason", "Lahan dan dana tersedia, tetapi jadwal produksi terlalu rapat "
                             "untuk satu musim: kelayakan Baik.")
    shot(examiner, "23-project-moderation")
    submit(examiner, "form[action$='/moderation'] button[type=submit]")
    main = examiner.inner_text("main")
    assert t("Moderation resolved; the grade is released.") in main
    assert t("Approved") in main and "98,5" in main  # 10 % of the weight at Baik (85)


def test_the_participant_reports_the_short_term_milestone_with_a_photo(journey):
    page = journey.as_(PARTICIPANT, f"{PLAN}/report")
    warning = page.inner_text("main .flash-warning")  # the report waits for the milestone
    assert ENTRY["activities-0-activity"] in warning
    assert ENTRY["activities-1-activity"] not in warning
    page.goto(f"{journey.base}{PLAN}/milestones")
    assert t("Short-term") in page.inner_text("#milestone-0 .meta")
    assert t("Medium-term") in page.inner_text("#milestone-1 .meta")
    journey.check_accessibility(page, "milestones checklist")
    page.fill("#text-0", "Pelatihan budi daya lele untuk 20 warga desil 1 di balai desa "
                         "Nganti, bersama penyuluh perikanan; daftar hadir di foto.")
    page.fill("#links-0", "https://nganti.desa.id/berita/pelatihan-lele")
    page.set_input_files("#files-0", files=[{"name": "pelatihan-lele.jpg",
                                             "mimeType": "image/jpeg",
                                             "buffer": evidence_photo()}])
    submit(page, "#milestone-0 form button[type=submit]")
    assert t("The milestone was reported; it waits to be confirmed.") in page.inner_text("main")
    assert t("Reported, awaiting the mentor") in page.inner_text("#milestone-0")
    assert "pelatihan-lele.jpg" in page.inner_text("#milestone-0")
    shot(page, "24-project-milestone-reported")


def test_the_mentor_confirms_the_milestone_and_its_photo_has_no_location(journey):
    from PIL import ExifTags, Image

    page = journey.as_(MENTOR, "/mentor")
    assert tn("%(num)d milestone to confirm", "%(num)d milestones to confirm", 1) in \
        page.inner_text("main")
    page.goto(f"{journey.base}{journey.plan}/milestones")
    journey.check_accessibility(page, "milestones review")
    response = page.request.get(journey.base + page.get_attribute(
        "#milestone-0 a[href*='/evidence/']", "href"))
    assert response.ok and response.headers["content-type"] == "image/jpeg"
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.headers["x-content-type-options"] == "nosniff"
    photo = Image.open(io.BytesIO(response.body()))
    assert photo.format == "JPEG" and photo.size == (640, 480)
    assert photo.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}  # the location is gone
    assert ExifTags.Base.Make not in photo.getexif()
    submit(page, "#milestone-0 button[value=confirm]")
    assert t("The milestone was confirmed.") in page.inner_text("main")
    assert t("Confirmed by the mentor") in page.inner_text("#milestone-0")
    shot(page, "25-project-milestone-confirmed")


def test_the_participant_submits_the_implementation_report(journey):
    page = journey.as_(PARTICIPANT, f"{PLAN}/report")
    assert page.locator("main .flash-warning").count() == 0  # nothing short-term left
    page.fill("#summary", "Dua puluh warga desil 1 Nganti lulus pelatihan budi daya lele; "
                          "kolam bersama di lahan kas desa mulai berproduksi.")
    page.fill("#results", "Benih pertama ditebar di 4 kolam; pengepul kecamatan sepakat "
                          "membeli panen dengan harga tetap.")
    page.fill("#lessons", "Kader Posyandu paling cepat menjangkau rumah tangga sasaran.")
    submit(page, "main form button[type=submit]")
    main = page.inner_text("main")
    assert t("Your implementation report was submitted for the report seminar.") in main
    assert t("At the report seminar") in main


def test_the_report_seminar_is_scored_alike_and_the_project_completes(journey):
    seminar = f"{journey.plan}/seminars/report"
    examiner = journey.as_(EXAMINER, "/project/seminars")
    submit(examiner, f"main a[href$='{seminar}']")
    score(examiner, 4, "Tonggak jangka pendek tercapai dan ditegaskan mentor.")
    coach = journey.as_(COACH, seminar)
    score(coach, 4, "Bukti lengkap.")
    main = coach.inner_text("main")
    assert t("Change project completed") in main and "100" in main
    shot(coach, "26-project-report-graded")


def test_the_admin_issues_the_certificate_and_its_qr_code_verifies_it(journey):
    import pypdfium2
    import zxingcpp

    admin = journey.as_("admin", f"/admin/certificates/{COHORT}")
    submit(admin, "form[action*='/issue/'] button")
    row = admin.locator("main tr", has_text=NAME).first
    assert re.search(r"\d", row.inner_text()), "no certificate number in the registry"
    shot(admin, "27-project-certificate-issued")
    page = journey.as_(PARTICIPANT, "/dashboard")
    response = page.request.get(journey.base + page.get_attribute("a[href$='.pdf']", "href"))
    assert response.headers["content-type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(io.BytesIO(response.body()))
    (code,) = zxingcpp.read_barcodes(pdf[0].render(scale=3).to_pil())
    anonymous = watched_page(journey.browser, journey.errors)
    anonymous.goto(re.sub(r"^https?://[^/]+", journey.base, code.text))
    verdict = anonymous.inner_text("main")
    assert t("Genuine and valid.") in verdict and NAME in verdict
    shot(anonymous, "28-project-verified")


def test_the_seminar_and_milestone_pages_have_no_serious_accessibility_violations(journey):
    assert journey.inaccessible == {}
