"""Answering tasks on the lesson page (drafts, stale saves, sending, sending again), the
facilitators' pages and comments (which notify), completion, permissions, closed cohorts and
input limits; on a small content tree of its own."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from leans.assessments.tasks.models import TaskAnswer, TaskComment
from leans.core.extensions import db
from leans.core.models import Enrolment, Role, User, utcnow
from leans.core.notifications import Notification, NotificationKind
from leans.modules.models import LessonCompletion
from tests.fixtures.content import lesson_meta, module_meta, write_module
from tests.fixtures.web import fetch_csrf_token

LESSON_A = "/learn/k/satu/a"
LESSON_B = "/learn/k/satu/b"
ANSWER = "/learn/k/satu/tasks/{task}"
TASKS = "/cohorts/k/tasks"
TASK_PAGE = "/cohorts/k/tasks/satu/{task}"
COMMENT = "/cohorts/k/tasks/answers/{id}/comments"


@pytest.fixture
def task_app(tmp_path, content_app):
    """An app whose module "satu" is complete when lessons a and b are done and its three
    tasks answered (a: peta-aktor, refleksi; b: rencana); module "dua" builds on it."""
    root = tmp_path / "content"
    write_module(root, "01-satu", module_meta("satu", 1, completion=["lessons", "tasks"]), {
        "01-a.md": (lesson_meta("a", 1), (
            "## Bagian A\n\nTeks A.\n\n"
            "::: tugas Petakan aktor {id=peta-aktor menit=30}\nTulis tiga aktor.\n:::\n\n"
            "Teks di antara dua tugas.\n\n"
            "::: tugas Refleksi singkat {id=refleksi menit=10}\nTulis satu kalimat.\n:::\n\n"
            "::: tugas Hanya tampilan\nTidak dijawab di sini.\n:::\n")),
        "02-b.md": (lesson_meta("b", 2), (
            "Teks B.\n\n::: tugas Rencana kecil {id=rencana menit=15}\nTulis rencana.\n:::\n")),
    })
    write_module(root, "02-dua", module_meta("dua", 2, prerequisites=["satu"]), {
        "01-c.md": (lesson_meta("c", 1), "Teks C.\n"),
    })
    return content_app(root)


@pytest.fixture
def people(make_user, make_cohort):
    """Cohort k (peserta, teman; facilitator fasil) and cohort lain (orang_lain; facilitator
    fasil_lain), both on satu and dua; an admin."""
    users = {"peserta": make_user(username="peserta", full_name="Peserta Satu",
                                  unit="Bappeda"),
             "teman": make_user(username="teman", full_name="Teman Sekelas"),
             "orang_lain": make_user(username="orang_lain"),
             "fasil": make_user({Role.FACILITATOR}, username="fasil", full_name="Fasil K"),
             "fasil_lain": make_user({Role.FACILITATOR}, username="fasil_lain"),
             "admin": make_user({Role.ADMIN}, username="admin")}
    users["cohort"] = make_cohort("k", modules=["satu", "dua"],
                                  participants=[users["peserta"], users["teman"]],
                                  facilitators=[users["fasil"]])
    make_cohort("lain", modules=["satu", "dua"], participants=[users["orang_lain"]],
                facilitators=[users["fasil_lain"]])
    return users


@pytest.fixture
def as_user(task_app, people, logged_in):
    """``as_user(username)``: a client of the task app, logged in."""
    return lambda username: logged_in(username, app=task_app)


def post(client, url: str, data: dict, token_page: str = LESSON_A):
    return client.post(url, data={**data, "csrf_token": fetch_csrf_token(client, token_page)})


def page_of(response) -> str:
    return unescape(response.get_data(as_text=True))


def textarea(page: str, control: str) -> str:
    match = re.search(rf'<textarea id="{control}"[^>]*>\n(.*?)</textarea>', page, re.S)
    assert match, f"no textarea {control}"
    return match.group(1)


def answer_of(username: str, task: str) -> TaskAnswer | None:
    """USERNAME's answer to TASK (in any cohort), as stored now."""
    db.session.expire_all()
    return db.session.scalar(
        select(TaskAnswer).join(Enrolment, Enrolment.id == TaskAnswer.enrolment_id)
        .join(User, User.id == Enrolment.user_id)
        .where(TaskAnswer.task_id == task, User.username == username))


def save(client, task: str, text: str, version: int, action: str = "save"):
    return post(client, ANSWER.format(task=task),
                {"text": text, "draft_version": str(version), "action": action})


# The participant ---------------------------------------------------------------------------
def test_each_answerable_task_gets_its_box_right_after_it(as_user):
    page = as_user("peserta").get(LESSON_A).get_data(as_text=True)
    first, between, second = (page.index('id="tugas-peta-aktor"'),
                              page.index("Teks di antara dua tugas"),
                              page.index('id="tugas-refleksi"'))
    box_1, box_2 = (page.index('data-task-answer="peta-aktor"'),
                    page.index('data-task-answer="refleksi"'))
    assert first < box_1 < between < second < box_2
    assert page.count("data-task-answer=") == 2  # the display-only tugas has none
    assert 'for="jawaban-teks-peta-aktor"' in page and 'id="jawaban-teks-peta-aktor"' in page
    assert 'name="action" value="save"' in page and 'name="action" value="submit"' in page
    assert 'action="/learn/k/satu/tasks/peta-aktor"' in page
    assert 'name="draft_version" value="0"' in page


def test_saving_a_draft_keeps_it_and_shows_it_back(as_user):
    client = as_user("peserta")
    response = save(client, "peta-aktor", "Kepala desa,\r\nkader", 0)
    assert response.status_code == 302
    assert response.headers["Location"] == f"{LESSON_A}#tugas-peta-aktor"
    answer = answer_of("peserta", "peta-aktor")
    assert answer.draft == "Kepala desa,\nkader" and answer.draft_version == 1
    assert answer.submitted_at is None and answer.draft_saved_at is not None
    page = page_of(client.get(LESSON_A))
    assert textarea(page, "jawaban-teks-peta-aktor") == "Kepala desa,\nkader"
    assert 'name="draft_version" value="1"' in page
    assert save(client, "peta-aktor", "Kepala desa, kader, bidan", 1).status_code == 302
    assert answer_of("peserta", "peta-aktor").draft_version == 2


def test_a_stale_save_overwrites_nothing_and_shows_both_texts(as_user):
    phone, laptop = as_user("peserta"), as_user("peserta")
    assert save(phone, "peta-aktor", "Versi dari ponsel", 0).status_code == 302
    response = save(laptop, "peta-aktor", "Versi dari laptop", 0)
    assert response.status_code == 409
    page = page_of(response)
    assert textarea(page, "jawaban-teks-peta-aktor") == "Versi dari laptop"
    assert "Versi dari ponsel" in page  # the newer version, to compare
    assert 'name="draft_version" value="1"' in page  # saving again now replaces it, knowingly
    assert answer_of("peserta", "peta-aktor").draft == "Versi dari ponsel"
    sent = save(laptop, "peta-aktor", "Versi dari laptop", 0, action="submit")
    assert sent.status_code == 409 and answer_of("peserta", "peta-aktor").submitted_at is None


def test_sending_then_waiting_then_sending_again_after_a_comment(as_user, people):
    client = as_user("peserta")
    assert save(client, "peta-aktor", "Jawaban pertama", 0, action="submit").status_code == 302
    answer = answer_of("peserta", "peta-aktor")
    first_sent = answer.submitted_at
    assert answer.submitted_text == "Jawaban pertama" and answer.first_submitted_at == first_sent
    page = page_of(client.get(LESSON_A))
    box = page[page.index('data-task-answer="peta-aktor"'):page.index('id="tugas-refleksi"')]
    assert "Jawaban pertama" in box and "<form" not in box  # sent: waits for a comment
    # Sending or saving again before a comment is refused, the text kept.
    again = save(client, "peta-aktor", "Jawaban kedua", answer.draft_version, action="submit")
    assert again.status_code == 409
    assert textarea(page_of(again), "jawaban-teks-peta-aktor") == "Jawaban kedua"
    assert answer_of("peserta", "peta-aktor").submitted_text == "Jawaban pertama"

    facilitator = as_user("fasil")
    response = post(facilitator, COMMENT.format(id=answer.id),
                    {"text": "Tambahkan peran BPD."}, token_page=TASKS)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cohorts/k/tasks/satu/peta-aktor"
                                                 f"#jawaban-{answer.id}")
    note = db.session.scalar(select(Notification).where(
        Notification.user_id == people["peserta"].id,
        Notification.kind == NotificationKind.TASK_COMMENTED))
    assert note.topic == f"task:{answer.id}" and note.detail == "Tambahkan peran BPD."
    assert note.subject == "Petakan aktor" and note.read_at is None
    with as_user("peserta").application.test_request_context():
        assert note.link == f"{LESSON_A}#tugas-peta-aktor"

    page = page_of(client.get(LESSON_A))
    box = page[page.index('data-task-answer="peta-aktor"'):page.index('id="tugas-refleksi"')]
    assert "Tambahkan peran BPD." in box and "Fasil K" in box and "<form" in box
    version = answer_of("peserta", "peta-aktor").draft_version
    assert save(client, "peta-aktor", "Jawaban kedua, dengan BPD", version,
                action="submit").status_code == 302
    answer = answer_of("peserta", "peta-aktor")
    assert answer.submitted_text == "Jawaban kedua, dengan BPD"
    assert answer.submitted_at > first_sent and answer.first_submitted_at == first_sent
    assert db.session.get(Notification, note.id).read_at is not None  # acted on


def test_an_empty_answer_is_not_sent(as_user):
    client = as_user("peserta")
    response = save(client, "refleksi", "   ", 0, action="submit")
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert answer_of("peserta", "refleksi").submitted_at is None


@pytest.mark.parametrize("version", ["", "abc", "-1", "99999999999999999999", "1e20"])
def test_a_tampered_form_is_refused_with_the_text_kept(as_user, version):
    response = post(as_user("peserta"), ANSWER.format(task="peta-aktor"),
                    {"text": "Teks saya", "draft_version": version, "action": "submit"})
    assert response.status_code == 400
    assert textarea(page_of(response), "jawaban-teks-peta-aktor") == "Teks saya"
    assert answer_of("peserta", "peta-aktor") is None


def test_too_long_an_answer_is_refused_clearly_and_nothing_is_lost(as_user):
    client = as_user("peserta")
    save(client, "peta-aktor", "Draf lama", 0)
    long_text = "kata " * 1000 + "x"  # 5,001 characters
    response = save(client, "peta-aktor", long_text, 1, action="submit")
    assert response.status_code == 400
    page = page_of(response)
    assert textarea(page, "jawaban-teks-peta-aktor") == long_text  # all of it, not cut
    assert "5.001" in page and "5.000" in page  # how long it is, and the limit
    assert 'aria-invalid="true"' in page and 'href="#jawaban-teks-peta-aktor"' in page
    answer = answer_of("peserta", "peta-aktor")
    assert answer.draft == "Draf lama" and answer.submitted_at is None
    assert 'name="draft_version" value="1"' in page  # the version the text was typed on
    stale = save(client, "peta-aktor", long_text, 0)  # typed on an older version
    assert 'name="draft_version" value="0"' in page_of(stale)  # still checked when saved
    # Line breaks count once, as the box shows them: 5,000 characters typed are accepted.
    exactly = ("a" * 99 + "\r\n") * 50
    assert save(client, "peta-aktor", exactly, 1).status_code == 302
    assert len(answer_of("peserta", "peta-aktor").draft) == 5000


def test_staff_previews_have_no_answer_box(as_user):
    for username in ("fasil", "admin"):
        client = as_user(username)
        preview = client.get("/preview/satu/a").get_data(as_text=True)
        assert "data-task-answer" not in preview and 'id="tugas-peta-aktor"' in preview
        cohort = client.get(LESSON_A).get_data(as_text=True)
        assert "data-task-answer" not in cohort
        assert 'href="/cohorts/k/tasks/satu/peta-aktor"' in cohort
    assert as_user("peserta").get(LESSON_A).get_data(as_text=True).count(
        'href="/cohorts/k/tasks/') == 0


def test_a_closed_cohort_is_read_only(as_user, people):
    client = as_user("peserta")
    save(client, "peta-aktor", "Terkirim sebelum ditutup", 0, action="submit")
    save(client, "refleksi", "Draf sebelum ditutup", 0)
    people["cohort"].closed = True
    db.session.commit()
    page = page_of(client.get(LESSON_A))
    assert "<textarea" not in page
    assert "Terkirim sebelum ditutup" in page and "Draf sebelum ditutup" in page
    response = save(client, "refleksi", "Teks baru", 1, action="submit")
    assert response.status_code == 403
    assert "Teks baru" in page_of(response)  # shown back to copy
    assert answer_of("peserta", "refleksi").draft == "Draf sebelum ditutup"
    answer = answer_of("peserta", "peta-aktor")
    facilitator = as_user("fasil")
    assert "<textarea" not in facilitator.get(TASK_PAGE.format(task="peta-aktor")).get_data(
        as_text=True)
    response = post(facilitator, COMMENT.format(id=answer.id), {"text": "Terlambat"},
                    token_page=TASKS)
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(TaskComment.id))) == 0


# Completion ---------------------------------------------------------------------------------
def test_the_module_is_complete_when_every_task_is_sent(as_user, people):
    client = as_user("peserta")
    enrolment = people["cohort"].enrolments[0]
    for lesson in ("a", "b"):
        db.session.add(LessonCompletion(enrolment_id=enrolment.id, module_slug="satu",
                                        lesson_slug=lesson))
    db.session.commit()
    page = client.get("/learn/k/satu/").get_data(as_text=True)
    panel = page[page.index('id="missing-title"'):]
    for lesson, task, title in (("a", "peta-aktor", "Petakan aktor"),
                                ("a", "refleksi", "Refleksi singkat"),
                                ("b", "rencana", "Rencana kecil")):
        assert f'href="/learn/k/satu/{lesson}#tugas-{task}">{title}</a>' in panel
    assert client.get("/learn/k/dua/c").status_code == 302  # dua is locked behind satu
    for task in ("peta-aktor", "refleksi"):
        assert save(client, task, f"Jawaban {task}", 0, action="submit").status_code == 302
    assert save(client, "rencana", "Hanya draf", 0).status_code == 302  # a draft is not sent
    page = client.get("/learn/k/satu/").get_data(as_text=True)
    assert "#tugas-rencana" in page and "#tugas-peta-aktor" not in page
    assert save(client, "rencana", "Rencana saya", 1, action="submit").status_code == 302
    page = client.get("/learn/k/satu/").get_data(as_text=True)
    assert 'id="missing-title"' not in page
    assert client.get("/learn/k/dua/c").status_code == 200


# Facilitators -------------------------------------------------------------------------------
def test_the_cohort_tasks_page_counts_answers_sent_and_waiting(as_user):
    save(as_user("peserta"), "peta-aktor", "Jawaban peserta", 0, action="submit")
    save(as_user("teman"), "peta-aktor", "Jawaban teman", 0, action="submit")
    save(as_user("teman"), "rencana", "Draf teman", 0)  # a draft is not counted
    save(as_user("orang_lain"), "peta-aktor", "Angkatan lain", 0, action="submit")
    facilitator = as_user("fasil")
    answer = answer_of("teman", "peta-aktor")
    post(facilitator, COMMENT.format(id=answer.id), {"text": "Bagus."}, token_page=TASKS)
    page = facilitator.get(TASKS).get_data(as_text=True)
    rows = {task: page[page.index(f'/cohorts/k/tasks/satu/{task}"'):][:600]
            for task in ("peta-aktor", "refleksi", "rencana")}
    assert "2 / 2" in rows["peta-aktor"] and '<span class="badge warn">1</span>' in rows[
        "peta-aktor"]
    assert "0 / 2" in rows["refleksi"] and "0 / 2" in rows["rencana"]
    cohort_page = facilitator.get("/cohorts/k").get_data(as_text=True)
    assert 'href="/cohorts/k/tasks"' in cohort_page
    assert 'href="/cohorts/k/tasks"' in facilitator.get("/cohorts/k/progress").get_data(
        as_text=True)


def test_the_task_page_shows_sent_answers_only_with_a_comment_form_each(as_user):
    save(as_user("peserta"), "peta-aktor", "Kepala desa dan kader", 0, action="submit")
    save(as_user("teman"), "peta-aktor", "Draf rahasia teman", 0)
    page = page_of(as_user("fasil").get(TASK_PAGE.format(task="peta-aktor")))
    answer = answer_of("peserta", "peta-aktor")
    article = page[page.index(f'id="jawaban-{answer.id}"'):]
    assert "Peserta Satu" in article and "Bappeda" in article
    assert "Kepala desa dan kader" in article
    assert f'action="/cohorts/k/tasks/answers/{answer.id}/comments"' in article
    assert f'for="komentar-{answer.id}"' in article
    assert "Draf rahasia teman" not in page  # drafts stay private
    assert "Teman Sekelas" in page  # listed as not sent yet
    assert page.count("<textarea") == 1


def test_a_bad_comment_is_refused_with_the_text_kept(as_user):
    save(as_user("peserta"), "peta-aktor", "Jawaban", 0, action="submit")
    answer = answer_of("peserta", "peta-aktor")
    facilitator = as_user("fasil")
    empty = post(facilitator, COMMENT.format(id=answer.id), {"text": "  "}, token_page=TASKS)
    assert empty.status_code == 400
    long_text = "k" * 2001
    response = post(facilitator, COMMENT.format(id=answer.id), {"text": long_text},
                    token_page=TASKS)
    assert response.status_code == 400
    page = page_of(response)
    assert textarea(page, f"komentar-{answer.id}") == long_text and "2.001" in page
    assert f'href="#komentar-{answer.id}"' in page
    assert db.session.scalar(select(func.count(TaskComment.id))) == 0
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.kind == NotificationKind.TASK_COMMENTED)) == 0


def test_an_admin_comments_too(as_user, people):
    save(as_user("peserta"), "peta-aktor", "Jawaban", 0, action="submit")
    answer = answer_of("peserta", "peta-aktor")
    response = post(as_user("admin"), COMMENT.format(id=answer.id), {"text": "Dari BKPP."},
                    token_page=TASKS)
    assert response.status_code == 302
    comment = db.session.scalar(select(TaskComment))
    assert comment.author_id == people["admin"].id and comment.text == "Dari BKPP."


# Permissions --------------------------------------------------------------------------------
def test_who_may_open_the_facilitators_pages(as_user):
    for username, status in (("peserta", 403), ("teman", 403), ("orang_lain", 404),
                             ("fasil_lain", 404), ("fasil", 200), ("admin", 200)):
        client = as_user(username)
        assert client.get(TASKS).status_code == status, username
        assert client.get(TASK_PAGE.format(task="peta-aktor")).status_code == status, username
    fasil = as_user("fasil")
    assert fasil.get(TASK_PAGE.format(task="tidak-ada")).status_code == 404
    assert fasil.get("/cohorts/k/tasks/modul-lain/peta-aktor").status_code == 404


def test_other_people_cannot_comment_or_answer_for_someone(as_user):
    save(as_user("peserta"), "peta-aktor", "Jawaban A", 0, action="submit")
    answer = answer_of("peserta", "peta-aktor")
    url = COMMENT.format(id=answer.id)
    assert post(as_user("teman"), url, {"text": "x"}).status_code == 403
    assert post(as_user("orang_lain"), url, {"text": "x"}).status_code == 404
    assert post(as_user("fasil_lain"), url, {"text": "x"}, token_page="/dashboard"
                ).status_code == 404
    # Cohort lain's facilitator, through their own cohort: the answer is not theirs.
    response = post(as_user("fasil_lain"), f"/cohorts/lain/tasks/answers/{answer.id}/comments",
                    {"text": "x"}, token_page="/dashboard")
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(TaskComment.id))) == 0
    # Nobody answers into cohort k but its participants; a classmate answers their own.
    for username in ("orang_lain", "fasil", "admin"):
        response = post(as_user(username), ANSWER.format(task="refleksi"),
                        {"text": "x", "draft_version": "0"}, token_page="/dashboard")
        assert response.status_code == 404, username
    assert save(as_user("teman"), "peta-aktor", "Jawaban teman", 0).status_code == 302
    assert answer_of("peserta", "peta-aktor").submitted_text == "Jawaban A"
    assert post(as_user("peserta"), ANSWER.format(task="tidak-ada"),
                {"text": "x", "draft_version": "0"}).status_code == 404


def test_a_draft_is_not_open_to_comments(as_user):
    save(as_user("peserta"), "peta-aktor", "Belum dikirim", 0)
    answer = answer_of("peserta", "peta-aktor")
    response = post(as_user("fasil"), COMMENT.format(id=answer.id), {"text": "x"},
                    token_page=TASKS)
    assert response.status_code == 404


def test_the_task_page_queries_do_not_grow_with_participants(as_user, make_user, people,
                                                             count_queries):
    facilitator = as_user("fasil")
    url = TASK_PAGE.format(task="peta-aktor")

    def queries() -> int:
        facilitator.get(url)
        with count_queries() as count:
            assert facilitator.get(url).status_code == 200
        return count()

    save(as_user("peserta"), "peta-aktor", "Jawaban", 0, action="submit")
    first = answer_of("peserta", "peta-aktor")
    post(facilitator, COMMENT.format(id=first.id), {"text": "Oke"}, token_page=TASKS)
    few = queries()  # one answer with a comment: comments and their authors are loaded too
    cohort = people["cohort"]
    for n in range(6):
        user = make_user(username=f"tambahan{n}")
        cohort.enrolments.append(Enrolment(user=user))
        db.session.commit()
        save(as_user(f"tambahan{n}"), "peta-aktor", f"Jawaban {n}", 0, action="submit")
        answer = answer_of(f"tambahan{n}", "peta-aktor")
        post(facilitator, COMMENT.format(id=answer.id), {"text": "Oke"}, token_page=TASKS)
    assert queries() == few


@pytest.mark.parametrize("value", ["x" * 10_000, "Désa Ŋ 😀 \u202e", "1e20"])
def test_odd_addresses_are_not_found(as_user, value):
    participant, facilitator = as_user("peserta"), as_user("fasil")
    assert post(participant, ANSWER.format(task=value),
                {"text": "x", "draft_version": "0"}).status_code == 404
    assert post(participant, f"/learn/k/{value}/tasks/peta-aktor",
                {"text": "x", "draft_version": "0"}).status_code == 404
    assert facilitator.get(TASK_PAGE.format(task=value)).status_code == 404
    assert facilitator.get(f"/cohorts/k/tasks/{value}/peta-aktor").status_code == 404
    assert post(facilitator, COMMENT.format(id=2**40), {"text": "x"},
                token_page=TASKS).status_code == 404


def test_a_locked_module_takes_no_answer(tmp_path, content_app, people, logged_in):
    """Module dua builds on satu: until satu is complete, its task refuses answers (the page
    shows no box either), with the text kept to copy."""
    root = tmp_path / "terkunci"
    write_module(root, "01-satu", module_meta("satu", 1), {
        "01-a.md": (lesson_meta("a", 1), "Teks A.\n")})
    write_module(root, "02-dua", module_meta("dua", 2, prerequisites=["satu"]), {
        "01-c.md": (lesson_meta("c", 1), "::: tugas Tugas C {id=tugas-c menit=10}\nTulis.\n:::\n")})
    client = logged_in("peserta", app=content_app(root))
    response = post(client, "/learn/k/dua/tasks/tugas-c",
                    {"text": "Jawaban terlalu awal", "draft_version": "0", "action": "submit"})
    assert response.status_code == 403 and "Jawaban terlalu awal" in page_of(response)
    assert answer_of("peserta", "tugas-c") is None


def test_an_unenrolled_participants_answer_takes_no_comment(as_user, people):
    save(as_user("teman"), "peta-aktor", "Jawaban teman", 0, action="submit")
    answer = answer_of("teman", "peta-aktor")
    enrolment = db.session.get(Enrolment, answer.enrolment_id)
    enrolment.unenrolled_at = utcnow()
    db.session.commit()
    response = post(as_user("fasil"), COMMENT.format(id=answer.id), {"text": "Bagus"},
                    token_page=TASKS)
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(TaskComment.id))) == 0


def test_the_lesson_page_queries_do_not_grow_with_answers_and_comments(as_user,
                                                                       count_queries):
    """The lesson page is the hot path of a whole hall: its answers and their comments come
    in a fixed number of queries, however many tasks are answered and commented on."""
    participant, facilitator = as_user("peserta"), as_user("fasil")

    def queries() -> int:
        participant.get(LESSON_A)
        with count_queries() as count:
            assert participant.get(LESSON_A).status_code == 200
        return count()

    def comment(task: str, text: str) -> None:
        post(facilitator, COMMENT.format(id=answer_of("peserta", task).id), {"text": text},
             token_page=TASKS)

    save(participant, "peta-aktor", "Jawaban", 0, action="submit")
    comment("peta-aktor", "Oke")
    few = queries()
    save(participant, "refleksi", "Refleksi", 0, action="submit")
    comment("peta-aktor", "Tambahkan satu aktor")
    comment("refleksi", "Bagus")
    comment("refleksi", "Satu kalimat lagi")
    assert queries() == few
