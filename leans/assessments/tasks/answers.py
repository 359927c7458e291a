"""Answering tasks: drafts that are never lost, sending, sending again after a comment, and
the facilitators' comments (which notify the participant).

Each step changes the session and flushes; the caller (a view, the demo) commits, or rolls
back on an error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from flask_babel import format_time
from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from leans.assessments.tasks.models import TaskAnswer, TaskComment
from leans.content.model import Lesson, Task
from leans.core.extensions import db
from leans.core.models import Enrolment, User
from leans.core.notifications import NotificationKind, notify, resolve

#: The longest answer and comment, in characters (line breaks count as one).
MAX_ANSWER = 5000
MAX_COMMENT = 2000


def task_topic(answer_id: int) -> str:
    """What notifications about an answer are about."""
    return f"task:{answer_id}"


def task_anchor(task_id: str) -> str:
    """The task's place on its lesson page (the rendered block's id)."""
    return f"tugas-{task_id}"


class TaskError(Exception):
    """A step that cannot be taken; the message says why and what to do."""


class StaleDraft(TaskError):
    """The draft was saved elsewhere (another tab, another phone) after this form was
    loaded."""


class EmptyAnswer(TaskError):
    """Nothing to send."""


def answers_for(enrolment: Enrolment, module_slug: str,
                task_ids: Iterable[str]) -> dict[str, TaskAnswer]:
    """The enrolment's answers to these tasks of a module, with their comments, by task id
    (at most three queries, however many tasks and comments)."""
    ids = list(task_ids)
    if not ids:
        return {}
    rows = db.session.scalars(
        select(TaskAnswer).where(TaskAnswer.enrolment_id == enrolment.id,
                                 TaskAnswer.module_slug == module_slug,
                                 TaskAnswer.task_id.in_(ids))
        .options(selectinload(TaskAnswer.comments).selectinload(TaskComment.author)
                 .lazyload(User.role_rows)))  # only the authors' names are shown
    return {answer.task_id: answer for answer in rows}


def get_or_create_answer(enrolment: Enrolment, module_slug: str, task_id: str) -> TaskAnswer:
    """The enrolment's answer to the task; an empty one (draft version 0) if there is
    none yet."""
    def find() -> TaskAnswer | None:
        return db.session.scalar(select(TaskAnswer).where(
            TaskAnswer.enrolment_id == enrolment.id, TaskAnswer.module_slug == module_slug,
            TaskAnswer.task_id == task_id))

    answer = find()
    if answer is not None:
        return answer
    try:
        with db.session.begin_nested():
            answer = TaskAnswer(enrolment_id=enrolment.id, module_slug=module_slug,
                                task_id=task_id, draft="", draft_version=0)
            db.session.add(answer)
    except IntegrityError:  # created at the same moment by another request: use that one
        answer = find()
        assert answer is not None
    return answer


def _not_editable() -> TaskError:
    return TaskError(_("Your answer was sent and waits for your facilitator's comment; you "
                       "can revise it once your facilitator has commented."))


def save_draft(answer: TaskAnswer, text: str, expected_version: int,
               now: dt.datetime) -> TaskAnswer:
    """Store the working copy, unless it was saved elsewhere since the form was loaded
    (:class:`StaleDraft`: nothing is overwritten)."""
    if not answer.editable:
        raise _not_editable()
    result = db.session.execute(
        update(TaskAnswer)
        .where(TaskAnswer.id == answer.id, TaskAnswer.draft_version == expected_version)
        .values(draft=text, draft_version=TaskAnswer.draft_version + 1, draft_saved_at=now))
    db.session.refresh(answer)
    if result.rowcount != 1:
        saved = answer.draft_saved_at or answer.submitted_at
        raise StaleDraft(_("A newer version of this answer was saved at %(time)s (perhaps in "
                           "another window or on another device), so your text was not saved. "
                           "Both are shown below: keep what you need and save again.",
                           time=format_time(saved, "HH:mm:ss") if saved else "?"))
    return answer


def submit(answer: TaskAnswer, text: str, expected_version: int,
           now: dt.datetime) -> TaskAnswer:
    """Save the typed text and send it to the facilitators (again, after a comment).
    An empty answer is saved as a draft but not sent (:class:`EmptyAnswer`)."""
    save_draft(answer, text, expected_version, now)
    if not answer.draft.strip():
        raise EmptyAnswer(_("Write your answer before sending it."))
    answer.submitted_text = answer.draft
    answer.submitted_at = now
    if answer.first_submitted_at is None:
        answer.first_submitted_at = now
    db.session.flush()
    # The comment that asked for this is answered: its notification need not wait.
    resolve(task_topic(answer.id), [NotificationKind.TASK_COMMENTED], now,
            user=answer.enrolment.user)
    return answer


def add_comment(answer: TaskAnswer, author: User, text: str, lesson: Lesson, task: Task,
                now: dt.datetime) -> TaskComment:
    """A facilitator's comment on a sent answer; the participant is notified with a link to
    the task on its lesson page."""
    if not answer.submitted:
        raise TaskError(_("This answer has not been sent yet: there is nothing to comment "
                          "on."))
    text = text.strip()
    if not text:
        raise TaskError(_("Write a comment before sending it."))
    comment = TaskComment(answer_id=answer.id, author_id=author.id, text=text, created_at=now)
    db.session.add(comment)
    db.session.flush()
    db.session.refresh(answer, ["comments"])
    enrolment = answer.enrolment
    notify(enrolment.user, NotificationKind.TASK_COMMENTED, "modules.lesson",
           {"cohort_slug": enrolment.cohort.slug, "module_slug": answer.module_slug,
            "lesson_slug": lesson.slug, "_anchor": task_anchor(task.id)},
           subject=task.title, cohort=enrolment.cohort, detail=text,
           topic=task_topic(answer.id), at=now)
    return comment
