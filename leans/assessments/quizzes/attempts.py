"""Taking quizzes: who may take which test, starting attempts, submitting answers safely.
The functions change the session and flush; the caller commits (or rolls back)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from leans.assessments.quizzes.models import QuizAttempt
from leans.assessments.quizzes.scoring import draw, score_attempt, times_seen
from leans.content.model import Module
from leans.content.quiz import QuizKind
from leans.core.extensions import db
from leans.core.models import Enrolment

#: Seconds accepted after a time limit (the network of a slow phone).
GRACE_SECONDS = 30
_ANSWER_KEY = re.compile(r"^q(\d+)$")


class QuizError(Exception):
    """A submission or start that cannot be accepted; the message says why."""


class AttemptExpired(QuizError):
    """Submitted after the time limit: the attempt was closed without a score (commit to
    keep that)."""


class IncompleteAnswers(QuizError):
    """Questions left unanswered and not confirmed: nothing was scored or changed; the page
    asks again, keeping ``answers`` (the valid answers given) and naming ``missing`` (the
    questions' numbers as shown, from 1)."""

    def __init__(self, answers: dict[str, list[int]], missing: list[int]) -> None:
        super().__init__(_("Some questions have not been answered."))
        self.answers = answers
        self.missing = missing


@dataclass(frozen=True)
class QuizState:
    """Everything the pages need to offer the right test at the right time."""

    module: Module
    attempts: Sequence[QuizAttempt]
    lessons_done: bool
    started_reading: bool
    locked: bool
    closed: bool

    def of_kind(self, kind: str) -> list[QuizAttempt]:
        return sorted((a for a in self.attempts if a.kind == kind), key=lambda a: a.number)

    def open_attempt(self, kind: str) -> QuizAttempt | None:
        return next((a for a in self.of_kind(kind) if a.is_open), None)

    def submitted(self, kind: str) -> list[QuizAttempt]:
        return [a for a in self.of_kind(kind) if not a.is_open]

    @property
    def pre_attempt(self) -> QuizAttempt | None:
        submitted = self.submitted("pre")
        return submitted[0] if submitted else None

    @property
    def pre_available(self) -> bool:
        """One pre-test, before the material: until taken or until a lesson is done."""
        return (self.module.quiz_for("pre") is not None and not self.submitted("pre")
                and not self.started_reading and not self.locked and not self.closed)

    @property
    def attempts_left(self) -> int:
        quiz = self.module.quiz_for("post")
        return max(0, quiz.attempts - len(self.submitted("post"))) if quiz else 0

    @property
    def effective_post(self) -> QuizAttempt | None:
        quiz = self.module.quiz_for("post")
        return effective_attempt(self.submitted("post"), quiz.score_policy) if quiz else None

    @property
    def post_passed(self) -> bool:
        return bool(self.effective_post and self.effective_post.passed)

    @property
    def post_available(self) -> bool:
        """After the lessons, until passed and while attempts remain (open attempts are
        resumed). Once passed, the keys are shown: no further attempt."""
        if self.module.quiz_for("post") is None or self.locked or self.closed:
            return False
        return self.lessons_done and bool(
            self.open_attempt("post") or (self.attempts_left > 0 and not self.post_passed))

    def answers_shown(self, kind: str) -> bool:
        """Whether the participant may see the keys and explanations of their ``kind``
        attempts (:func:`answers_revealed`)."""
        return answers_revealed(kind, self.post_passed, self.attempts_left)


def answers_revealed(kind: str, post_passed: bool, attempts_left: int) -> bool:
    """Whether a participant may see the keys, their per-item right/wrong and the
    explanations of their attempts: never after a pre-test (it measures the starting point,
    its items stay unknown); after the post-test only once it is passed or its attempts are
    used up (before that, a retake would be answered from the keys). Otherwise the score and
    the score per objective only."""
    return kind == QuizKind.POST and (post_passed or attempts_left <= 0)


def effective_attempt(submitted: Sequence, policy: str):
    """The attempt that counts: the best (earliest among equals) or the last one."""
    if not submitted:
        return None
    if policy == "last":
        return max(submitted, key=lambda a: a.number)
    return max(submitted, key=lambda a: (a.score or 0, -a.number))


def post_test_passed_at(submitted: Sequence, policy: str) -> dt.datetime | None:
    """When the post-test rule became met: the first pass (best), or the last attempt if it
    passed (last); None when not met."""
    ordered = sorted(submitted, key=lambda a: a.number)
    if policy == "last":
        return ordered[-1].submitted_at if ordered and ordered[-1].passed else None
    return next((a.submitted_at for a in ordered if a.passed), None)


def attempts_of(enrolment_ids: Iterable[int], module_slug: str | None = None
                ) -> list[QuizAttempt]:
    query = select(QuizAttempt).where(QuizAttempt.enrolment_id.in_(list(enrolment_ids)))
    if module_slug:
        query = query.where(QuizAttempt.module_slug == module_slug)
    return list(db.session.scalars(query.order_by(QuizAttempt.id)))


def start_attempt(state: QuizState, enrolment: Enrolment, kind: str,
                  now: dt.datetime) -> QuizAttempt:
    """Resume the open attempt of this kind or draw a new one from the kind's pool, the
    items this participant has seen least in earlier attempts first."""
    current = state.open_attempt(kind)
    if current is not None:
        if current.expires_at and now > current.expires_at + dt.timedelta(seconds=GRACE_SECONDS):
            _close_expired(current, now)
        else:
            return current
    available = state.pre_available if kind == "pre" else state.post_available
    if not available:
        raise QuizError(_("This test is not available to you now."))
    quiz = state.module.quiz_for(kind)
    seed = secrets.randbits(62)
    earlier = state.of_kind(kind)
    attempt = QuizAttempt(
        enrolment_id=enrolment.id, module_slug=state.module.slug, kind=kind,
        number=len(earlier) + 1, seed=seed, bank_version=quiz.version,
        questions=draw(quiz, kind, seed, times_seen(a.questions for a in earlier)),
        pass_mark=quiz.pass_mark, started_at=now,
        expires_at=now + dt.timedelta(minutes=quiz.time_limit_minutes)
        if quiz.time_limit_minutes else None)
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:  # started twice at once (two tabs): the other one won
        raise QuizError(_("This test was just started in another window; reload the page."))\
            from None
    return attempt


def _close_expired(attempt: QuizAttempt, now: dt.datetime) -> None:
    db.session.execute(
        update(QuizAttempt).where(QuizAttempt.id == attempt.id,
                                  QuizAttempt.submitted_at.is_(None))
        .values(submitted_at=now, expired=True, score=0.0, passed=False, answers={}))
    db.session.refresh(attempt)


def parse_answers(questions: Sequence[dict], form: Mapping[str, list[str]]
                  ) -> dict[str, list[int]]:
    """Read ``q<position>`` fields; anything that does not fit the drawn questions is refused."""
    answers: dict[str, list[int]] = {}
    for key, values in form.items():
        match = _ANSWER_KEY.match(key)
        if not match:
            continue
        position = int(match.group(1))
        if position >= len(questions):
            raise QuizError(_("The form contains answers to questions that are not in this "
                              "attempt. Reload the test and answer again."))
        options = len(questions[position]["options"])
        try:
            chosen = sorted({int(value) for value in values})
        except ValueError:
            raise QuizError(_("An answer in the form is not valid.")) from None
        if any(not 0 <= c < options for c in chosen) or (
                questions[position]["type"] != "multiple" and len(chosen) > 1):
            raise QuizError(_("An answer in the form is not valid."))
        answers[str(position)] = chosen
    return answers


def missing_questions(questions: Sequence[dict], answers: Mapping[str, list[int]]) -> list[int]:
    """The numbers (from 1, as shown) of the questions without an answer."""
    return [position + 1 for position in range(len(questions))
            if not answers.get(str(position))]


def submit_attempt(attempt: QuizAttempt, form: Mapping[str, list[str]],
                   now: dt.datetime, *, allow_missing: bool = True) -> QuizAttempt:
    """Score a submission exactly once; replays, late and tampered forms are refused. Without
    ``allow_missing``, a submission that leaves questions unanswered raises
    ``IncompleteAnswers`` and changes nothing (the time limit is checked first)."""
    if not attempt.is_open:
        raise QuizError(_("This attempt was already submitted; its result stands."))
    if attempt.expires_at and now > attempt.expires_at + dt.timedelta(seconds=GRACE_SECONDS):
        _close_expired(attempt, now)
        raise AttemptExpired(_("The time limit had passed: this attempt was closed without a "
                               "score."))
    answers = parse_answers(attempt.questions, form)
    missing = missing_questions(attempt.questions, answers)
    if missing and not allow_missing:
        raise IncompleteAnswers(answers, missing)
    percent, _points = score_attempt(attempt.questions, answers)
    result = db.session.execute(
        update(QuizAttempt).where(QuizAttempt.id == attempt.id,
                                  QuizAttempt.submitted_at.is_(None))
        .values(submitted_at=now, answers=answers, score=percent,
                passed=percent >= attempt.pass_mark))
    if result.rowcount != 1:
        raise QuizError(_("This attempt was already submitted; its result stands."))
    db.session.flush()
    db.session.refresh(attempt)
    return attempt
