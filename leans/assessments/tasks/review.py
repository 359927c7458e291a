"""What facilitators read: each task's count of answers sent in a cohort, and every
participant's answer to one task. A fixed number of queries, however many participants."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import lazyload, selectinload

from leans.assessments.tasks.models import TaskAnswer, TaskComment
from leans.core.extensions import db
from leans.core.models import Cohort, Enrolment, User


@dataclass(frozen=True)
class TaskCounts:
    #: Answers sent by participants still enrolled.
    submitted: int = 0
    #: Of those, sent since the last comment on them (or never commented on).
    waiting: int = 0


def participant_count(cohort: Cohort) -> int:
    return db.session.scalar(select(func.count(Enrolment.id)).where(
        Enrolment.cohort_id == cohort.id, Enrolment.unenrolled_at.is_(None))) or 0


def task_counts(cohort: Cohort) -> dict[tuple[str, str], TaskCounts]:
    """(module slug, task id) -> how many answers were sent and wait for a comment."""
    last_comment = (select(TaskComment.answer_id, func.max(TaskComment.created_at).label("at"))
                    .group_by(TaskComment.answer_id).subquery())
    waiting = case((and_(last_comment.c.at.is_not(None),
                         last_comment.c.at >= TaskAnswer.submitted_at), 0), else_=1)
    rows = db.session.execute(
        select(TaskAnswer.module_slug, TaskAnswer.task_id, func.count(TaskAnswer.id),
               func.sum(waiting))
        .join(Enrolment, Enrolment.id == TaskAnswer.enrolment_id)
        .outerjoin(last_comment, last_comment.c.answer_id == TaskAnswer.id)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.unenrolled_at.is_(None),
               TaskAnswer.submitted_at.is_not(None))
        .group_by(TaskAnswer.module_slug, TaskAnswer.task_id))
    return {(module_slug, task_id): TaskCounts(sent, int(waits or 0))
            for module_slug, task_id, sent, waits in rows}


@dataclass(frozen=True)
class ParticipantAnswer:
    user: User
    #: The sent answer, with its comments; None while nothing was sent.
    answer: TaskAnswer | None


def answers_to(cohort: Cohort, module_slug: str, task_id: str) -> list[ParticipantAnswer]:
    """Every enrolled participant of the cohort, by name, with their sent answer to the
    task (drafts stay private)."""
    sent = (select(TaskAnswer).where(TaskAnswer.module_slug == module_slug,
                                     TaskAnswer.task_id == task_id,
                                     TaskAnswer.submitted_at.is_not(None)).subquery())
    rows = db.session.execute(
        select(User, Enrolment.id, sent.c.id)
        .join(Enrolment, Enrolment.user_id == User.id)
        .outerjoin(sent, sent.c.enrolment_id == Enrolment.id)
        .where(Enrolment.cohort_id == cohort.id, Enrolment.unenrolled_at.is_(None))
        .order_by(User.full_name, User.id).options(lazyload(User.role_rows))).all()
    answer_ids = [answer_id for _user, _enrolment, answer_id in rows if answer_id is not None]
    answers = {answer.id: answer for answer in db.session.scalars(
        select(TaskAnswer).where(TaskAnswer.id.in_(answer_ids))
        # The enrolment too: the permission checks read it for every answer.
        .options(selectinload(TaskAnswer.enrolment),
                 selectinload(TaskAnswer.comments).selectinload(TaskComment.author)
                 .lazyload(User.role_rows)))
    } if answer_ids else {}
    return [ParticipantAnswer(user, answers.get(answer_id)) for user, _e, answer_id in rows]
