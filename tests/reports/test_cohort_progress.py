"""The facilitator's cohort progress view: scope, filters, the participant page, exports."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from leans.content import get_catalogue
from leans.content.model import Module
from leans.core.extensions import db
from leans.core.models import Enrolment
from leans.modules.models import LessonCompletion
from tests.fixtures.tracking import M1, MODULES, lesson_slugs


@pytest.mark.parametrize(("login", "status"), [
    ("fasil", 200), ("admin", 200), ("fasil_lain", 404), ("peserta", 403)])
def test_cohort_view_scope(client, auth, progress_cohort, login, status):
    auth.login(login)
    assert client.get("/cohorts/angkatan-1/progress").status_code == status
    assert client.get("/cohorts/angkatan-1/progress.xlsx").status_code == status
    person = db.session.scalar(select(Enrolment)).user_id
    assert client.get(f"/cohorts/angkatan-1/participants/{person}").status_code == status


def test_participant_detail_of_someone_outside_the_cohort_is_404(client, auth, progress_cohort,
                                                                 make_user):
    stranger = make_user(username="asing")
    auth.login("fasil")
    assert client.get(f"/cohorts/angkatan-1/participants/{stranger.id}").status_code == 404


def test_cohort_view_filters_and_sorts(client, auth, progress_cohort, mark_done):
    auth.login("peserta")
    mark_done(client, M1[0])
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


def test_stuck_filter_uses_last_activity(client, auth, progress_cohort):
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


def steps(module: Module) -> int:
    """What a module's completion rules count: each lesson, each answerable task when
    ``tasks`` is a rule, the post-test and the action plan when they are rules."""
    rules = module.completion
    return (len(module.lessons) + ("tasks" in rules) * len(module.tasks)
            + ("post_test" in rules) + ("action_plan" in rules))


def test_exports_have_the_documented_columns_and_values(client, auth, progress_cohort, mark_done,
                                                        pass_post_test, send_answers):
    auth.login("peserta")
    for lesson in lesson_slugs(MODULES[0]):
        mark_done(client, lesson)
    send_answers(client, MODULES[0])
    pass_post_test(client, "angkatan-1", MODULES[0])
    # Module 1 complete, module 2 not started: its JP, and its share of all the steps.
    first, second = (get_catalogue().module(slug) for slug in MODULES)
    jp, percent = first.jp, steps(first) * 100 // (steps(first) + steps(second))
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
    assert siti == ["19860926 201505 2 001", "Siti Nurhayati, S.E.", "Bappeda", "Selesai",
                    today.isoformat(), "Belum mulai", "", str(jp), str(percent)]
    other = next(r for r in rows if "HYPERLINK" in r[1])
    assert other[1].startswith("'=")  # never a formula
    sheet = load_workbook(io.BytesIO(client.get("/cohorts/angkatan-1/progress.xlsx").data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == header
    xsiti = next(r for r in values if r[1] == "Siti Nurhayati, S.E.")
    assert xsiti[:4] == ["19860926 201505 2 001", "Siti Nurhayati, S.E.", "Bappeda", "Selesai"]
    assert xsiti[4].date() == today and xsiti[7:] == [jp, percent]
    formula_cells = [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formula_cells == []
