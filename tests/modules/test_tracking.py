"""Marking lessons done, resume, and the module page's "what is missing"."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from leans.content import get_catalogue
from leans.core.extensions import db
from leans.core.templating import format_jp
from leans.modules.models import LessonCompletion
from tests.fixtures.tracking import M1, MODULES, lesson_slugs, lesson_url


def completions() -> int:
    return db.session.scalar(select(func.count(LessonCompletion.id)))


def test_marking_done_records_the_time_once_and_moves_on(client, auth, progress_cohort, mark_done):
    auth.login("peserta")
    first = mark_done(client, M1[0])
    assert first.status_code == 302 and first.headers["Location"] == lesson_url(M1[1])
    again = mark_done(client, M1[0])
    assert again.status_code == 302
    assert completions() == 1
    row = db.session.scalar(select(LessonCompletion))
    stamped = row.completed_at.replace(tzinfo=row.completed_at.tzinfo or dt.UTC)
    assert dt.datetime.now(dt.UTC) - stamped < dt.timedelta(minutes=1)
    page = client.get(lesson_url(M1[0])).get_data(as_text=True)
    assert "Anda sudah menandai pelajaran ini selesai." in page


def test_the_last_lesson_leads_back_to_the_module_page(client, auth, progress_cohort, mark_done):
    auth.login("peserta")
    response = mark_done(client, lesson_slugs()[-1])
    assert response.headers["Location"] == f"/learn/angkatan-1/{MODULES[0]}/"


def test_marking_needs_csrf(client, auth, progress_cohort):
    auth.login("peserta")
    assert client.post(lesson_url(M1[0]) + "/done").status_code == 400
    assert completions() == 0


def test_a_closed_cohort_is_read_only(client, auth, progress_cohort, mark_done):
    progress_cohort.closed = True
    db.session.commit()
    auth.login("peserta")
    assert client.get(lesson_url(M1[0])).status_code == 200
    mark_done(client, M1[0])
    assert completions() == 0


def test_resume_goes_to_the_first_unfinished_lesson(client, auth, progress_cohort, mark_done):
    auth.login("peserta")
    assert client.get("/learn/angkatan-1/continue").headers["Location"] == lesson_url(M1[0])
    mark_done(client, M1[0])
    mark_done(client, M1[2])
    assert client.get("/learn/angkatan-1/continue").headers["Location"] == lesson_url(M1[1])


def test_module_page_explains_what_is_missing_then_completion(client, auth, progress_cohort,
                                                              mark_done, pass_post_test,
                                                              send_answers):
    module = get_catalogue().module(MODULES[0])
    *first, last = lesson_slugs()
    task_links = [f"{lesson_url(lesson.slug)}#tugas-{task.id}" for lesson, task in module.tasks]
    assert task_links, "module 1 should have answerable tasks"

    def missing() -> str:
        page = client.get(f"/learn/angkatan-1/{MODULES[0]}/").get_data(as_text=True)
        assert "Yang masih kurang" in page
        return page.split("Yang masih kurang")[1].split("</section>")[0]

    auth.login("peserta")
    for lesson in first:
        mark_done(client, lesson)
    listed = missing()
    assert f'href="{lesson_url(last)}"' in listed
    assert f'href="{lesson_url(first[0])}"' not in listed  # done; only its tasks remain
    assert all(link in listed for link in task_links)
    mark_done(client, last)
    listed = missing()
    assert "Lulus post-test" in listed and f'href="{lesson_url(last)}"' not in listed
    pass_post_test(client, "angkatan-1", MODULES[0])
    listed = missing()
    assert "Lulus post-test" not in listed and all(link in listed for link in task_links)
    send_answers(client)
    page = client.get(f"/learn/angkatan-1/{MODULES[0]}/").get_data(as_text=True)
    assert "Yang masih kurang" not in page
    assert f"{format_jp(module.jp)} sudah dihitung" in page
