"""Pre-test and post-test through the real pages: availability, integrity, completion."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import AuthActions, csrf_token, post_form
from contentkit import lesson_meta, module_meta, write_module
from quizkit import write_bank
from sqlalchemy import func, select

from leans.assessments.quizzes.models import QuizAttempt
from leans.core.extensions import db
from leans.core.models import Role

# With draw 5 and no shuffle the questions come in bank order: satu (single, right = 0),
# dua (multiple partial, right = 0,1), tiga (multiple all-or-nothing, right = 0,1),
# empat (true/false, right = "Salah" = 1), lima (single, right = 0).
ALL_RIGHT = {"q0": "0", "q1": ["0", "1"], "q2": ["0", "1"], "q3": "1", "q4": "0"}
HALF_RIGHT = {"q0": "0", "q1": ["0"], "q2": ["0"], "q3": "0", "q4": "0"}  # 1+.5+0+0+1 = 50%


@pytest.fixture
def quiz_app(tmp_path, content_app):
    root = tmp_path / "content"
    folder = write_module(root, "01-satu", module_meta("satu", 1, completion=["lessons",
                                                                             "post_test"]), {
        "01-a.md": (lesson_meta("a", 1), "Teks A.\n"),
        "02-b.md": (lesson_meta("b", 2), "Teks B.\n"),
    })
    write_bank(folder, draw=5, shuffle="false", attempts=2)
    return content_app(root), folder


@pytest.fixture
def people(make_user, make_cohort):
    users = {name: make_user(username=name) for name in ("peserta", "lain")}
    users["fasil"] = make_user({Role.FACILITATOR}, username="fasil")
    make_cohort("k", modules=["satu"], participants=[users["peserta"], users["lain"]],
                facilitators=[users["fasil"]])
    return users


def client_for(quiz_app, login: str):
    client = quiz_app[0].test_client()
    AuthActions(client).login(login)
    return client


def start(client, kind: str):
    response = post_form(client, f"/learn/k/satu/test/{kind}/start", {},
                         token_page=f"/learn/k/satu/test/{kind}")
    assert response.status_code == 302, response.status_code
    return response.headers["Location"]


def submit(client, attempt_url: str, answers: dict):
    return client.post(attempt_url, data={**answers, "csrf_token": csrf_token(client,
                                                                              attempt_url)})


def read_all(client):
    for lesson in ("a", "b"):
        post_form(client, f"/learn/k/satu/{lesson}/done", {}, token_page=f"/learn/k/satu/{lesson}")


def attempts() -> int:
    return db.session.scalar(select(func.count(QuizAttempt.id)))


def test_pre_test_is_offered_first_and_never_blocks_reading(quiz_app, people):
    client = client_for(quiz_app, "peserta")
    module_page = client.get("/learn/k/satu/").get_data(as_text=True)
    assert "Kerjakan pre-test" in module_page
    assert client.get("/learn/k/satu/a").status_code == 200  # reading is open anyway
    url = start(client, "pre")
    form = client.get(url).get_data(as_text=True)
    assert "Soal satu?" in form
    assert "correct" not in form.lower() and "Karena satu." not in form  # no answers leak
    result = submit(client, url, HALF_RIGHT)
    assert result.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "50%" in page and "Karena satu." in page  # feedback with explanations
    assert "Kerjakan pre-test" not in client.get("/learn/k/satu/").get_data(as_text=True)
    assert post_form(client, "/learn/k/satu/test/pre/start", {},
                     token_page="/learn/k/satu/test/pre").status_code == 302
    assert attempts() == 1  # one pre-test only


def test_pre_test_closes_once_reading_starts(quiz_app, people):
    client = client_for(quiz_app, "peserta")
    post_form(client, "/learn/k/satu/a/done", {}, token_page="/learn/k/satu/a")
    assert "Kerjakan pre-test" not in client.get("/learn/k/satu/").get_data(as_text=True)
    post_form(client, "/learn/k/satu/test/pre/start", {}, token_page="/learn/k/satu/test/pre")
    assert attempts() == 0


def test_post_test_opens_after_the_lessons_and_completes_the_module(quiz_app, people):
    client = client_for(quiz_app, "peserta")
    post_form(client, "/learn/k/satu/test/post/start", {}, token_page="/learn/k/satu/test/post")
    assert attempts() == 0  # lessons not done yet
    read_all(client)
    page = client.get("/learn/k/satu/").get_data(as_text=True)
    assert "Lulus post-test" in page and "Modul selesai" not in page  # the missing rule
    failed = start(client, "post")
    submit(client, failed, HALF_RIGHT)
    assert "Belum lulus" in client.get(failed).get_data(as_text=True)
    assert "Modul selesai" not in client.get("/learn/k/satu/").get_data(as_text=True)
    passed = start(client, "post")
    assert passed != failed
    submit(client, passed, ALL_RIGHT)
    page = client.get("/learn/k/satu/").get_data(as_text=True)
    assert "Modul selesai" in page and "2 JP sudah dihitung" in page
    # Attempt limit (2) reached: no third attempt.
    post_form(client, "/learn/k/satu/test/post/start", {}, token_page="/learn/k/satu/test/post")
    assert attempts() == 2


def test_the_pre_test_does_not_count_for_completion(quiz_app, people):
    client = client_for(quiz_app, "peserta")
    submit(client, start(client, "pre"), ALL_RIGHT)
    read_all(client)
    page = client.get("/learn/k/satu/").get_data(as_text=True)
    assert "Modul selesai" not in page and "Lulus post-test" in page


@pytest.mark.parametrize(("answers", "message"), [
    ({"q9": "0"}, "bukan bagian dari percobaan ini"),
    ({"q0": "7"}, "tidak valid"),
    ({"q0": ["0", "1"]}, "tidak valid"),
    ({"q0": "x"}, "tidak valid"),
])
def test_tampered_forms_are_refused_and_leave_the_attempt_open(quiz_app, people, answers,
                                                               message):
    client = client_for(quiz_app, "peserta")
    read_all(client)
    url = start(client, "post")
    response = submit(client, url, answers)
    assert message in client.get(response.headers["Location"]).get_data(as_text=True)
    attempt = db.session.scalar(select(QuizAttempt))
    assert attempt.submitted_at is None and attempt.score is None


def test_a_replayed_submission_is_refused_and_not_double_counted(quiz_app, people):
    client = client_for(quiz_app, "peserta")
    read_all(client)
    url = start(client, "post")
    token = csrf_token(client, url)
    client.post(url, data={**HALF_RIGHT, "csrf_token": token})
    replay = client.post(url, data={**ALL_RIGHT, "csrf_token": token})
    assert "sudah dikirim" in client.get(replay.headers["Location"]).get_data(as_text=True)
    attempt = db.session.scalar(select(QuizAttempt))
    assert attempt.score == 50.0 and attempts() == 1


def test_an_expired_attempt_is_refused(quiz_app, people, monkeypatch):
    write_bank(quiz_app[1], draw=5, shuffle="false", attempts=2, extra="time_limit_minutes: 5")
    client = client_for(quiz_app, "peserta")
    read_all(client)
    url = start(client, "post")
    token = csrf_token(client, url)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=6)
    monkeypatch.setattr("leans.modules.quiz_views.utcnow", lambda: later)
    response = client.post(url, data={**ALL_RIGHT, "csrf_token": token})
    assert "batas waktu" in client.get(response.headers["Location"]).get_data(as_text=True)
    attempt = db.session.scalar(select(QuizAttempt))
    assert attempt.expired and attempt.score == 0 and not attempt.passed


def test_the_draw_is_stored_and_an_open_attempt_is_resumed(quiz_app, people):
    write_bank(quiz_app[1], draw=3, shuffle="true", attempts=2)
    client = client_for(quiz_app, "peserta")
    read_all(client)
    url = start(client, "post")
    first = re.findall(r"<legend>.*?</legend>", client.get(url).get_data(as_text=True), re.S)
    assert start(client, "post") == url  # same open attempt, same questions
    assert re.findall(r"<legend>.*?</legend>", client.get(url).get_data(as_text=True),
                      re.S) == first
    from leans.assessments.quizzes.scoring import draw
    from leans.content.quiz import load_quiz
    attempt = db.session.scalar(select(QuizAttempt))
    bank, _ = load_quiz(quiz_app[1] / "quiz.yaml")
    assert draw(bank, attempt.seed) == attempt.questions  # reproducible from the seed


def test_others_cannot_see_my_attempt(quiz_app, people):
    mine = client_for(quiz_app, "peserta")
    read_all(mine)
    url = start(mine, "post")
    other = client_for(quiz_app, "lain")
    assert other.get(url).status_code == 404
    staff = client_for(quiz_app, "fasil")
    assert staff.get(url).status_code == 404  # open attempts stay private
    submit(mine, url, ALL_RIGHT)
    assert staff.get(url).status_code == 200
    assert other.post(url, data={**ALL_RIGHT, "csrf_token": csrf_token(other, "/dashboard")}
                      ).status_code == 404


def test_facilitator_report_and_exports(quiz_app, people):
    client = client_for(quiz_app, "peserta")
    submit(client, start(client, "pre"), HALF_RIGHT)
    read_all(client)
    submit(client, start(client, "post"), ALL_RIGHT)
    staff = client_for(quiz_app, "fasil")
    summary = staff.get("/cohorts/k/tests/").get_data(as_text=True)
    assert "50.0" in summary and "100.0" in summary and "+50.0" in summary
    assert "1.00" in summary  # normalized gain (100-50)/(100-50)
    report = staff.get("/cohorts/k/tests/satu").get_data(as_text=True)
    assert "Soal satu?" in report  # item analysis lists questions
    csv_text = staff.get("/cohorts/k/tests/satu/results.csv").get_data().decode("utf-8-sig")
    assert csv_text.splitlines()[0] == \
        "NIP,Nama,Unit,Pre-test,Post-test,Gain,Lulus,Percobaan post-test"
    assert staff.get("/cohorts/k/tests/satu/items.xlsx").status_code == 200
    learner = client_for(quiz_app, "lain")
    assert learner.get("/cohorts/k/tests/").status_code == 403
