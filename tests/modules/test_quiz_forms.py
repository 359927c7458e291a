"""Parallel forms through the real pages (content format v2): each test draws from its own
pool, the result shows the score per objective, and the keys and explanations stay hidden
until the rule allows (tests.fixtures.quiz_forms has the module)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from leans.assessments.quizzes.models import QuizAttempt
from leans.content import get_catalogue
from leans.core.extensions import db
from leans.core.models import utcnow
from tests.fixtures.quiz_forms import OBJECTIVES, attempt_at, secrets_of, take, write_v2_module
from tests.fixtures.quizzes import QuizPages


@pytest.fixture
def pages(tmp_path, content_app, quiz_people):
    """Cohort k (peserta, lain; facilitator fasil) on the v2 module "satu": draw 3 of the
    3 pre items and of the 6 post items, 3 attempts, pass mark 60."""
    root = tmp_path / "content"
    write_v2_module(root)
    return QuizPages(content_app(root))


def objective_cells(html: str) -> dict[str, list[str]]:
    """The per-objective table: objective id -> its cells' text."""
    rows = re.findall(r'<tr data-objective="([^"]+)">(.*?)</tr>', html, re.S)
    return {oid: [re.sub(r"<[^>]+>|\s+", " ", cell).strip()
                  for cell in re.findall(r"<td[^>]*>(.*?)</td>", body, re.S)]
            for oid, body in rows}


def assert_hidden(html: str, questions: list[dict]) -> None:
    for secret in secrets_of(questions):
        assert secret not in html, secret
    assert 'class="card question' not in html  # no per-item right/wrong


def assert_shown(html: str, questions: list[dict]) -> None:
    for secret in secrets_of(questions):
        assert secret in html, secret
    assert html.count('class="card question') == len(questions)


def test_pre_test_shows_the_score_and_the_score_per_objective_only(pages):
    """pre-1 (ob-a) right, pre-2 (ob-a, ob-b) one key of two: half, pre-3 (ob-b) wrong:
    1.5 of 3 = 50%; ob-a 1.5 of 2 = 75%, ob-b 0.5 of 2 = 25%."""
    client = pages.client_for("peserta")
    url = pages.start(client, "pre")
    questions = attempt_at(url).questions
    assert [q["id"] for q in questions] == ["pre-1", "pre-2", "pre-3"]  # the pre pool only
    form = {"q0": ["0"], "q1": ["0"], "q2": ["1"]}
    assert pages.submit(client, url, form).status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert attempt_at(url).score == 50.0 and "50%" in html
    cells = objective_cells(html)
    assert list(cells) == ["ob-a", "ob-b"]
    assert cells["ob-a"][0] == OBJECTIVES["ob-a"] and cells["ob-b"][0] == OBJECTIVES["ob-b"]
    assert re.fullmatch(r"1,5 \w+ 2", cells["ob-a"][1]) and cells["ob-a"][2] == "75%"
    assert re.fullmatch(r"0,5 \w+ 2", cells["ob-b"][1]) and cells["ob-b"][2] == "25%"
    assert_hidden(html, questions)
    # Still hidden after the post-test is passed: the pre-test's items are never revealed.
    pages.read_all(client)
    take(pages, client, "post", [True, True, True])
    assert_hidden(client.get(url).get_data(as_text=True), questions)


def test_post_test_answers_hidden_until_passed_then_shown(pages):
    client = pages.client_for("peserta")
    pages.read_all(client)
    failed_url, failed = take(pages, client, "post", [True, False, False])  # 33%
    assert not failed.passed
    html = client.get(failed_url).get_data(as_text=True)
    asked = {o: sum(o in q["objectives"] for q in failed.questions) for o in OBJECTIVES}
    # 3 items over two objectives: the one asked once is left out ("1 of 1" is a key).
    assert "33%" in html and set(objective_cells(html)) == {o for o, n in asked.items()
                                                            if n >= 2}
    assert_hidden(html, failed.questions)
    passed_url, passed = take(pages, client, "post", [True, True, False])  # 67%
    assert passed.passed
    assert_shown(client.get(passed_url).get_data(as_text=True), passed.questions)
    shown = client.get(failed_url).get_data(as_text=True)
    assert_shown(shown, failed.questions)
    assert set(objective_cells(shown)) == {o for o, n in asked.items() if n}
    # Passed: no further attempt (its keys are known now).
    before = db.session.scalar(select(db.func.count(QuizAttempt.id)))
    pages.start(client, "post")
    assert db.session.scalar(select(db.func.count(QuizAttempt.id))) == before


def test_post_test_answers_shown_once_the_attempts_are_used_up(pages):
    client = pages.client_for("peserta")
    pages.read_all(client)
    taken = [take(pages, client, "post", [False, False, False]) for _ in range(2)]
    for url, attempt in taken:
        assert_hidden(client.get(url).get_data(as_text=True), attempt.questions)
    taken.append(take(pages, client, "post", [True, False, False]))  # the last attempt
    for url, attempt in taken:
        assert_shown(client.get(url).get_data(as_text=True), attempt.questions)


def test_retakes_draw_the_items_seen_least(pages):
    """Six post items, three drawn: the second attempt asks the other three; the third,
    every item seen once, any three; the pre pool is never drawn for the post-test."""
    client = pages.client_for("peserta")
    pages.read_all(client)
    first = take(pages, client, "post", [False] * 3)[1]
    second = take(pages, client, "post", [False] * 3)[1]
    ids = [q["id"] for q in first.questions], [q["id"] for q in second.questions]
    assert not set(ids[0]) & set(ids[1])
    assert set(ids[0]) | set(ids[1]) == {f"post-{n}" for n in range(1, 7)}
    third = take(pages, client, "post", [False] * 3)[1]
    assert all(q["id"].startswith("post-") for q in third.questions)


def test_staff_read_a_submitted_pre_test_with_its_answers(pages):
    client = pages.client_for("peserta")
    url, attempt = take(pages, client, "pre", [False, False, False])
    staff = pages.client_for("fasil")
    assert_shown(staff.get(url).get_data(as_text=True), attempt.questions)


def test_an_attempt_stored_without_objectives_shows_no_breakdown(pages):
    """Attempts drawn before content format v2 hold no objectives: score only."""
    client = pages.client_for("peserta")
    url = pages.start(client, "pre")
    attempt = attempt_at(url)
    attempt.questions = [{k: v for k, v in q.items() if k != "objectives"}
                         for q in attempt.questions]
    attempt.submitted_at, attempt.answers = utcnow(), {"0": [0]}
    attempt.score, attempt.passed = 33.33, False
    db.session.commit()
    html = client.get(url).get_data(as_text=True)
    assert "33%" in html and objective_cells(html) == {}
    assert_hidden(html, attempt.questions)


def test_the_draw_is_kept_when_the_bank_changes(pages, tmp_path):
    """Per-objective scores use the objectives stored with the drawn questions: moving an
    item to another objective later does not rewrite the result."""
    client = pages.client_for("peserta")
    url, _attempt = take(pages, client, "pre", [True, False, False])
    bank = tmp_path / "content" / "modules" / "01-satu" / "quiz.yaml"
    text = bank.read_text(encoding="utf-8")
    changed = text.replace("objectives:\n  - ob-a\n", "objectives:\n  - ob-b\n", 1)
    assert changed != text  # pre-1 now assesses ob-b
    bank.write_text(changed, encoding="utf-8")
    with pages.app.app_context():
        assert get_catalogue().module("satu").quiz.pool("pre")[0].objectives == ("ob-b",)
    cells = objective_cells(client.get(url).get_data(as_text=True))
    assert cells["ob-a"][2] == "50%" and cells["ob-b"][2] == "0%"  # 1 of 2; 0 of 2
