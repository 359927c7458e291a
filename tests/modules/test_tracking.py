"""Marking lessons done, resume, dashboard JP, the facilitator's cohort view and exports."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from conftest import post_form
from openpyxl import load_workbook
from quizkit import pass_post_test
from sqlalchemy import func, select

from leans.core.extensions import db
from leans.core.models import Enrolment, Role
from leans.modules.models import LessonCompletion

MODULES = ["kepemimpinan-kolaboratif", "memahami-kemiskinan-bojonegoro"]
M1 = ["mengapa-kolaborasi", "masalah-teknis-dan-adaptif", "memimpin-tanpa-kewenangan",
      "agenda-bersama"]


def lesson_url(lesson: str, module: str = MODULES[0], cohort: str = "angkatan-1") -> str:
    return f"/learn/{cohort}/{module}/{lesson}"


def mark(client, lesson: str, module: str = MODULES[0], cohort: str = "angkatan-1"):
    url = lesson_url(lesson, module, cohort)
    return post_form(client, f"{url}/done", {}, token_page=url)


@pytest.fixture
def cohort(make_user, make_cohort):
    peserta = make_user(username="peserta", full_name="Siti Nurhayati, S.E.",
                        unit="Bappeda", nip="198609262015052001")
    other = make_user(username="lain", full_name="=HYPERLINK(\"http://x\")", unit="Dinas Sosial")
    fasil = make_user({Role.FACILITATOR}, username="fasil")
    make_user({Role.FACILITATOR}, username="fasil_lain")
    make_user({Role.ADMIN}, username="admin")
    return make_cohort("angkatan-1", modules=MODULES, participants=[peserta, other],
                       facilitators=[fasil])


def completions() -> int:
    return db.session.scalar(select(func.count(LessonCompletion.id)))


def test_marking_done_records_the_time_once_and_moves_on(client, auth, cohort):
    auth.login("peserta")
    first = mark(client, M1[0])
    assert first.status_code == 302 and first.headers["Location"] == lesson_url(M1[1])
    again = mark(client, M1[0])
    assert again.status_code == 302
    assert completions() == 1
    row = db.session.scalar(select(LessonCompletion))
    stamped = row.completed_at.replace(tzinfo=row.completed_at.tzinfo or dt.UTC)
    assert dt.datetime.now(dt.UTC) - stamped < dt.timedelta(minutes=1)
    page = client.get(lesson_url(M1[0])).get_data(as_text=True)
    assert "Anda sudah menandai pelajaran ini selesai." in page


def test_the_last_lesson_leads_back_to_the_module_page(client, auth, cohort):
    auth.login("peserta")
    response = mark(client, M1[-1])
    assert response.headers["Location"] == f"/learn/angkatan-1/{MODULES[0]}/"


def test_marking_needs_csrf(client, auth, cohort):
    auth.login("peserta")
    assert client.post(lesson_url(M1[0]) + "/done").status_code == 400
    assert completions() == 0


def test_a_closed_cohort_is_read_only(client, auth, cohort):
    cohort.closed = True
    db.session.commit()
    auth.login("peserta")
    assert client.get(lesson_url(M1[0])).status_code == 200
    mark(client, M1[0])
    assert completions() == 0


def test_resume_goes_to_the_first_unfinished_lesson(client, auth, cohort):
    auth.login("peserta")
    assert client.get("/learn/angkatan-1/continue").headers["Location"] == lesson_url(M1[0])
    mark(client, M1[0])
    mark(client, M1[2])
    assert client.get("/learn/angkatan-1/continue").headers["Location"] == lesson_url(M1[1])


def test_module_page_explains_what_is_missing_then_completion(client, auth, cohort):
    auth.login("peserta")
    for lesson in M1[:3]:
        mark(client, lesson)
    page = client.get(f"/learn/angkatan-1/{MODULES[0]}/").get_data(as_text=True)
    assert "Yang masih kurang" in page
    missing = page.split("Yang masih kurang")[1].split("</section>")[0]
    assert lesson_url(M1[3]) in missing and lesson_url(M1[0]) not in missing
    mark(client, M1[3])
    page = client.get(f"/learn/angkatan-1/{MODULES[0]}/").get_data(as_text=True)
    missing = page.split("Yang masih kurang")[1].split("</section>")[0]
    assert "Lulus post-test" in missing and lesson_url(M1[3]) not in missing
    pass_post_test(client, "angkatan-1", MODULES[0])
    page = client.get(f"/learn/angkatan-1/{MODULES[0]}/").get_data(as_text=True)
    assert "Yang masih kurang" not in page and "3 JP sudah dihitung" in page


def test_dashboard_shows_progress_and_jp(client, auth, cohort):
    auth.login("peserta")
    for lesson in M1:
        mark(client, lesson)
    pass_post_test(client, "angkatan-1", MODULES[0])
    page = client.get("/dashboard").get_data(as_text=True)
    assert "50%" in page  # 4 lessons + 1 post-test of 8 lessons + 2 post-tests
    assert "3 JP" in page and "dari standar 20 JP per tahun" in page
    assert "Masih kurang 17 JP tahun ini." in page


def test_jp_length_is_configurable(app, client, auth, cohort):
    app.config["LEANS_JP_MINUTES"] = 50
    try:
        auth.login("peserta")
        assert "Satu JP = 50 menit." in client.get("/dashboard").get_data(as_text=True)
    finally:
        app.config["LEANS_JP_MINUTES"] = 45


@pytest.mark.parametrize(("login", "status"), [
    ("fasil", 200), ("admin", 200), ("fasil_lain", 404), ("peserta", 403)])
def test_cohort_view_scope(client, auth, cohort, login, status):
    auth.login(login)
    assert client.get("/cohorts/angkatan-1/progress").status_code == status
    assert client.get("/cohorts/angkatan-1/progress.xlsx").status_code == status
    person = db.session.scalar(select(Enrolment)).user_id
    assert client.get(f"/cohorts/angkatan-1/participants/{person}").status_code == status


def test_participant_detail_of_someone_outside_the_cohort_is_404(client, auth, cohort,
                                                               make_user):
    stranger = make_user(username="asing")
    auth.login("fasil")
    assert client.get(f"/cohorts/angkatan-1/participants/{stranger.id}").status_code == 404


def test_cohort_view_filters_and_sorts(client, auth, cohort):
    auth.login("peserta")
    mark(client, M1[0])
    auth.logout()
    auth.login("fasil")
    page = client.get("/cohorts/angkatan-1/progress?state=not_started").get_data(as_text=True)
    assert "HYPERLINK" in page and "Siti Nurhayati" not in page
    page = client.get("/cohorts/angkatan-1/progress?unit=Bappeda").get_data(as_text=True)
    assert "Siti Nurhayati" in page and "HYPERLINK" not in page
    page = client.get("/cohorts/angkatan-1/progress?sort=progress&desc=1").get_data(as_text=True)
    assert page.index("Siti Nurhayati") < page.index("HYPERLINK")
    page = client.get("/cohorts/angkatan-1/progress?sort=progress").get_data(as_text=True)
    assert page.index("HYPERLINK") < page.index("Siti Nurhayati")


def test_stuck_filter_uses_last_activity(client, auth, cohort):
    enrolment = db.session.scalar(select(Enrolment).join(Enrolment.user)
                                  .where(Enrolment.user.has(username="peserta")))
    db.session.add(LessonCompletion(enrolment_id=enrolment.id, module_slug=MODULES[0],
                                    lesson_slug=M1[0],
                                    completed_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=10)))
    db.session.commit()
    auth.login("fasil")
    stuck7 = client.get("/cohorts/angkatan-1/progress?state=stuck&days=7").get_data(as_text=True)
    assert "Siti Nurhayati" in stuck7
    stuck14 = client.get("/cohorts/angkatan-1/progress?state=stuck&days=14").get_data(
        as_text=True)
    assert "Siti Nurhayati" not in stuck14


def test_exports_have_the_documented_columns_and_values(client, auth, cohort):
    auth.login("peserta")
    for lesson in M1:
        mark(client, lesson)
    pass_post_test(client, "angkatan-1", MODULES[0])
    auth.logout()
    auth.login("fasil")
    header = ["NIP", "Nama", "Unit",
              f"{MODULES[0]} status", f"{MODULES[0]} selesai",
              f"{MODULES[1]} status", f"{MODULES[1]} selesai", "JP", "Persen"]
    response = client.get("/cohorts/angkatan-1/progress.csv")
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="kemajuan-angkatan-1.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0] == header
    today = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=7))).date()
    siti = next(r for r in rows if r[1] == "Siti Nurhayati, S.E.")
    assert siti == ["19860926 201505 2 001", "Siti Nurhayati, S.E.", "Bappeda", "selesai",
                    today.isoformat(), "belum mulai", "", "3", "50"]
    other = next(r for r in rows if "HYPERLINK" in r[1])
    assert other[1].startswith("'=")  # never a formula
    sheet = load_workbook(io.BytesIO(client.get("/cohorts/angkatan-1/progress.xlsx").data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == header
    xsiti = next(r for r in values if r[1] == "Siti Nurhayati, S.E.")
    assert xsiti[:4] == ["19860926 201505 2 001", "Siti Nurhayati, S.E.", "Bappeda", "selesai"]
    assert xsiti[4].date() == today and xsiti[7:] == [3, 50]
    formula_cells = [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formula_cells == []
