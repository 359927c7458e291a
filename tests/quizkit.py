"""Small question banks for tests."""

from __future__ import annotations

from pathlib import Path

BANK = """\
pass_mark: 60
draw: {draw}
shuffle: {shuffle}
attempts: {attempts}
score: {score}
use_as: [pre, post]
{extra}
questions:
  - id: satu
    type: single
    text: Soal satu?
    options:
      - text: Benar satu
        correct: true
      - text: Salah satu
      - text: Salah dua
    explanation: Karena satu.
  - id: dua
    type: multiple
    scoring: partial
    text: Pilih semua yang benar.
    options:
      - {{text: A, correct: true}}
      - {{text: B, correct: true}}
      - {{text: C}}
      - {{text: D}}
    explanation: A dan B.
  - id: tiga
    type: multiple
    scoring: all_or_nothing
    text: Pilih semua yang benar (semua atau tidak).
    options:
      - {{text: A, correct: true}}
      - {{text: B, correct: true}}
      - {{text: C}}
    explanation: A dan B saja.
  - id: empat
    type: truefalse
    text: Pernyataan ini salah.
    answer: false
    explanation: Memang salah.
  - id: lima
    type: single
    text: Soal lima?
    options:
      - text: Ya
        correct: true
      - text: Tidak
    explanation: Ya.
"""


def write_bank(folder: Path, *, draw: int = 5, shuffle: str = "false", attempts: int = 2,
               score: str = "best", extra: str = "") -> Path:
    path = folder / "quiz.yaml"
    path.write_text(BANK.format(draw=draw, shuffle=shuffle, attempts=attempts, score=score,
                                extra=extra), encoding="utf-8")
    return path


def right_answers(questions: list[dict]) -> dict[str, list[str]]:
    """The form fields that answer every drawn question correctly."""
    return {f"q{i}": [str(j) for j, option in enumerate(q["options"]) if option["correct"]]
            for i, q in enumerate(questions)}


def pass_post_test(client, cohort_slug: str, module_slug: str) -> None:
    """Take a module's post-test through the pages, answering everything right."""
    from conftest import csrf_token, post_form
    from sqlalchemy import select

    from leans.assessments.quizzes.models import QuizAttempt
    from leans.core.extensions import db

    intro = f"/learn/{cohort_slug}/{module_slug}/test/post"
    url = post_form(client, f"{intro}/start", {}, token_page=intro).headers["Location"]
    attempt = db.session.scalar(select(QuizAttempt).order_by(QuizAttempt.id.desc()))
    response = client.post(url, data={**right_answers(attempt.questions),
                                      "csrf_token": csrf_token(client, url)})
    assert response.status_code == 302
