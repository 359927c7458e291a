"""Pre-test and post-test through the real pages: availability, integrity, completion.

The app has one module, "satu", whose completion needs the post-test (``quiz_app``: BANK's
five items in each pool)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from leans.assessments.quizzes.models import QuizAttempt
from leans.core.extensions import db
from leans.core.models import Cohort
from tests.fixtures.quizzes import ALL_RIGHT, HALF_RIGHT, write_bank


def attempts() -> int:
    return db.session.scalar(select(func.count(QuizAttempt.id)))


def test_pre_test_is_offered_first_and_never_blocks_reading(quiz_people, quiz_pages, post_form):
    client = quiz_pages.client_for("peserta")
    module_page = client.get("/learn/k/satu/").get_data(as_text=True)
    assert "Kerjakan pre-test" in module_page
    assert client.get("/learn/k/satu/a").status_code == 200  # reading is open anyway
    url = quiz_pages.start(client, "pre")
    form = client.get(url).get_data(as_text=True)
    assert "Soal satu?" in form
    assert "correct" not in form.lower() and "Karena satu." not in form  # no answers leak
    result = quiz_pages.submit(client, url, HALF_RIGHT)
    assert result.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "50%" in page and "Karena satu." not in page  # the score, never the answers
    assert "Kerjakan pre-test" not in client.get("/learn/k/satu/").get_data(as_text=True)
    assert post_form(client, "/learn/k/satu/test/pre/start", {},
                     token_page="/learn/k/satu/test/pre").status_code == 302
    assert attempts() == 1  # one pre-test only


def test_pre_test_closes_once_reading_starts(quiz_people, quiz_pages, post_form):
    client = quiz_pages.client_for("peserta")
    post_form(client, "/learn/k/satu/a/done", {}, token_page="/learn/k/satu/a")
    assert "Kerjakan pre-test" not in client.get("/learn/k/satu/").get_data(as_text=True)
    post_form(client, "/learn/k/satu/test/pre/start", {}, token_page="/learn/k/satu/test/pre")
    assert attempts() == 0


def test_post_test_opens_after_the_lessons_and_completes_the_module(quiz_people, quiz_pages,
                                                                    post_form):
    client = quiz_pages.client_for("peserta")
    post_form(client, "/learn/k/satu/test/post/start", {}, token_page="/learn/k/satu/test/post")
    assert attempts() == 0  # lessons not done yet
    quiz_pages.read_all(client)
    page = client.get("/learn/k/satu/").get_data(as_text=True)
    assert "Lulus post-test" in page and "Modul selesai" not in page  # the missing rule
    failed = quiz_pages.start(client, "post")
    quiz_pages.submit(client, failed, HALF_RIGHT)
    assert "Belum lulus" in client.get(failed).get_data(as_text=True)
    assert "Modul selesai" not in client.get("/learn/k/satu/").get_data(as_text=True)
    passed = quiz_pages.start(client, "post")
    assert passed != failed
    quiz_pages.submit(client, passed, ALL_RIGHT)
    page = client.get("/learn/k/satu/").get_data(as_text=True)
    assert "Modul selesai" in page and "2 JP sudah dihitung" in page
    # Attempt limit (2) reached: no third attempt.
    post_form(client, "/learn/k/satu/test/post/start", {}, token_page="/learn/k/satu/test/post")
    assert attempts() == 2


def test_the_pre_test_does_not_count_for_completion(quiz_people, quiz_pages):
    client = quiz_pages.client_for("peserta")
    quiz_pages.submit(client, quiz_pages.start(client, "pre"), ALL_RIGHT)
    quiz_pages.read_all(client)
    page = client.get("/learn/k/satu/").get_data(as_text=True)
    assert "Modul selesai" not in page and "Lulus post-test" in page


@pytest.mark.parametrize(("answers", "message"), [
    ({"q9": "0"}, "bukan bagian dari percobaan ini"),
    ({"q0": "7"}, "tidak valid"),
    ({"q0": ["0", "1"]}, "tidak valid"),
    ({"q0": "x"}, "tidak valid"),
])
def test_tampered_forms_are_refused_and_leave_the_attempt_open(quiz_people, quiz_pages, answers,
                                                               message):
    client = quiz_pages.client_for("peserta")
    quiz_pages.read_all(client)
    url = quiz_pages.start(client, "post")
    response = quiz_pages.submit(client, url, answers)
    assert message in client.get(response.headers["Location"]).get_data(as_text=True)
    attempt = db.session.scalar(select(QuizAttempt))
    assert attempt.submitted_at is None and attempt.score is None


def test_a_replayed_submission_is_refused_and_not_double_counted(quiz_people, quiz_pages,
                                                                 csrf_token):
    client = quiz_pages.client_for("peserta")
    quiz_pages.read_all(client)
    url = quiz_pages.start(client, "post")
    token = csrf_token(client, url)
    client.post(url, data={**HALF_RIGHT, "csrf_token": token})
    replay = client.post(url, data={**ALL_RIGHT, "csrf_token": token})
    assert "sudah dikirim" in client.get(replay.headers["Location"]).get_data(as_text=True)
    attempt = db.session.scalar(select(QuizAttempt))
    assert attempt.score == 50.0 and attempts() == 1


def test_an_expired_attempt_is_refused(quiz_app, quiz_people, quiz_pages, monkeypatch, csrf_token):
    write_bank(quiz_app[1], draw=5, shuffle="false", attempts=2,
                        extra="time_limit_minutes: 5")
    client = quiz_pages.client_for("peserta")
    quiz_pages.read_all(client)
    url = quiz_pages.start(client, "post")
    token = csrf_token(client, url)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=6)
    monkeypatch.setattr("leans.modules.quiz_views.utcnow", lambda: later)
    response = client.post(url, data={**ALL_RIGHT, "csrf_token": token})
    assert "batas waktu" in client.get(response.headers["Location"]).get_data(as_text=True)
    attempt = db.session.scalar(select(QuizAttempt))
    assert attempt.expired and attempt.score == 0 and not attempt.passed


def test_the_draw_is_stored_and_an_open_attempt_is_resumed(quiz_app, quiz_people, quiz_pages):
    write_bank(quiz_app[1], draw=3, shuffle="true", attempts=2)
    client = quiz_pages.client_for("peserta")
    quiz_pages.read_all(client)
    url = quiz_pages.start(client, "post")
    first = re.findall(r"<legend>.*?</legend>", client.get(url).get_data(as_text=True), re.S)
    assert quiz_pages.start(client, "post") == url  # same open attempt, same questions
    assert re.findall(r"<legend>.*?</legend>", client.get(url).get_data(as_text=True),
                      re.S) == first
    from leans.assessments.quizzes.scoring import draw
    from leans.content.quiz import load_quiz
    attempt = db.session.scalar(select(QuizAttempt))
    bank, _ = load_quiz(quiz_app[1] / "quiz.yaml")
    assert draw(bank, "post", attempt.seed) == attempt.questions  # reproducible from the seed
    assert all(q["id"].endswith("-post") for q in attempt.questions)  # the post pool only


def test_others_cannot_see_my_attempt(quiz_people, quiz_pages, csrf_token):
    mine = quiz_pages.client_for("peserta")
    quiz_pages.read_all(mine)
    url = quiz_pages.start(mine, "post")
    other = quiz_pages.client_for("lain")
    assert other.get(url).status_code == 404
    staff = quiz_pages.client_for("fasil")
    assert staff.get(url).status_code == 404  # open attempts stay private
    quiz_pages.submit(mine, url, ALL_RIGHT)
    assert staff.get(url).status_code == 200
    assert other.post(url, data={**ALL_RIGHT, "csrf_token": csrf_token(other, "/dashboard")}
                      ).status_code == 404


def test_a_closed_cohort_takes_no_more_answers(quiz_people, quiz_pages):
    """Closing a cohort while an attempt is open: the attempt can be read but not answered
    or resumed, and no lesson can be marked done."""
    client = quiz_pages.client_for("peserta")
    attempt_url = quiz_pages.start(client, "pre")
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == "k"))
    cohort.closed = True
    db.session.commit()
    response = quiz_pages.submit(client, attempt_url, ALL_RIGHT)
    assert response.status_code == 302
    assert "ditutup" in client.get(response.headers["Location"]).get_data(as_text=True)
    attempt = db.session.scalar(select(QuizAttempt))
    db.session.refresh(attempt)
    assert attempt.is_open and attempt.answers is None
    intro = client.get("/learn/k/satu/test/pre").get_data(as_text=True)
    assert "Lanjutkan tes" not in intro and "ditutup" in intro
    assert "Tandai selesai" not in client.get("/learn/k/satu/a").get_data(as_text=True)


def _text(html: str) -> str:
    """The page's text: tags dropped, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _checked(html: str) -> set[tuple[str, str]]:
    """(field, value) of the pre-selected options on a quiz form."""
    return set(re.findall(r'name="(q\d+)" value="(\d+)" checked', html))


def test_an_empty_submission_is_not_scored_and_asks_for_confirmation(quiz_people, quiz_pages):
    client = quiz_pages.client_for("peserta")
    quiz_pages.read_all(client)
    url = quiz_pages.start(client, "post")
    response = quiz_pages.submit(client, url, {})
    assert response.status_code == 200  # the form again, not a result
    page = response.get_data(as_text=True)
    assert "Soal 1, 2, 3, 4 dan 5 belum dijawab" in _text(page)
    assert "Belum dijawab: 5 dari 5." in _text(page)
    assert all(f'href="#soal-{n}"' in page and f'id="soal-{n}"' in page for n in range(1, 6))
    assert "Kembali menjawab" in page and "Kirim tetap" in page
    assert 'name="confirm_incomplete" value="1"' in page
    assert _checked(page) == set()
    attempt = db.session.scalar(select(QuizAttempt))
    db.session.refresh(attempt)
    assert attempt.is_open and attempt.score is None and attempt.answers is None
    assert attempts() == 1
    assert "Lanjutkan tes" in client.get("/learn/k/satu/test/post").get_data(as_text=True)


def test_a_partial_submission_keeps_the_answers_given(quiz_people, quiz_pages):
    client = quiz_pages.client_for("peserta")
    quiz_pages.read_all(client)
    url = quiz_pages.start(client, "post")
    page = quiz_pages.submit(client, url, {"q0": "0", "q2": ["0", "1"], "q3": "1"}
                             ).get_data(as_text=True)
    assert "Soal 2 dan 5 belum dijawab" in _text(page)
    assert "Belum dijawab: 2 dari 5." in _text(page)
    assert _checked(page) == {("q0", "0"), ("q2", "0"), ("q2", "1"), ("q3", "1")}
    assert re.search(r'class="card quiz-card is-missing" id="soal-2"', page)
    assert not re.search(r'class="card quiz-card is-missing" id="soal-1"', page)
    assert page.count('<span class="badge warn">Belum dijawab</span>') == 2
    assert db.session.scalar(select(QuizAttempt)).submitted_at is None


def test_submit_anyway_scores_the_incomplete_attempt(quiz_people, quiz_pages):
    client = quiz_pages.client_for("peserta")
    quiz_pages.read_all(client)
    url = quiz_pages.start(client, "post")
    partial = {"q0": "0", "q2": ["0", "1"], "q3": "1"}
    response = quiz_pages.submit(client, url, {**partial, "confirm_incomplete": "1"})
    assert response.status_code == 302
    attempt = db.session.scalar(select(QuizAttempt))
    assert attempt.score == 60.0 and attempt.answers == {"0": [0], "2": [0, 1], "3": [1]}
    page = client.get(url).get_data(as_text=True)
    assert "60%" in page and "Tidak dijawab" in page


def test_a_complete_submission_needs_no_confirmation(quiz_people, quiz_pages):
    client = quiz_pages.client_for("peserta")
    url = quiz_pages.start(client, "pre")
    assert quiz_pages.submit(client, url, ALL_RIGHT).status_code == 302
    assert db.session.scalar(select(QuizAttempt)).score == 100.0


def test_an_expired_empty_submission_is_closed_as_before(quiz_app, quiz_people, quiz_pages,
                                                          monkeypatch):
    write_bank(quiz_app[1], draw=5, shuffle="false", attempts=2,
                        extra="time_limit_minutes: 5")
    client = quiz_pages.client_for("peserta")
    quiz_pages.read_all(client)
    url = quiz_pages.start(client, "post")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=6)
    monkeypatch.setattr("leans.modules.quiz_views.utcnow", lambda: later)
    response = quiz_pages.submit(client, url, {})
    assert response.status_code == 302
    assert "batas waktu" in client.get(response.headers["Location"]).get_data(as_text=True)
    attempt = db.session.scalar(select(QuizAttempt))
    assert attempt.expired and attempt.score == 0


def test_each_question_says_its_number_inside_its_card(quiz_people, quiz_pages):
    client = quiz_pages.client_for("peserta")
    page = client.get(quiz_pages.start(client, "pre")).get_data(as_text=True)
    assert "Soal 1 dari 5" in page and "Soal 5 dari 5" in page
    card = re.search(r'<div class="card quiz-card" id="soal-1">(.*?)</div>', page, re.S).group(1)
    assert "Soal 1 dari 5" in card and "<legend>Soal satu?</legend>" in card
    assert "Belum dijawab" not in page and "Kirim tetap" not in page  # no warning up front


def test_true_false_feedback_is_unambiguous(quiz_people, quiz_pages):
    client = quiz_pages.client_for("peserta")
    quiz_pages.read_all(client)
    quiz_pages.submit(client, quiz_pages.start(client, "post"), HALF_RIGHT)
    url = quiz_pages.start(client, "post")
    quiz_pages.submit(client, url, HALF_RIGHT)  # true/false (question 4) answered "Benar": wrong
    page = client.get(url).get_data(as_text=True)  # both attempts used: the answers are shown
    card = re.search(r"<h3>4\. Pernyataan ini salah\.</h3>(.*?)</section>", page, re.S).group(1)
    assert "Jawaban Anda kurang tepat" in card
    assert "Pernyataan benar" in _text(card) and "Pernyataan salah" in _text(card)
    assert re.search(r"Pernyataan benar\s*<span class=\"badge\">jawaban Anda", card)
    assert re.search(r"Pernyataan salah\s*<span class=\"badge ok\">kunci jawaban", card)
    assert "Jawaban Anda tepat" in page  # question 1
    assert not re.search(r'class="meta verdict">\s*(Benar|Salah)', page)
