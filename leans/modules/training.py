"""Database side of progress: loading facts, marking lessons done, a training's modules."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from leans.content.model import Catalogue, Module
from leans.core.extensions import db
from leans.core.models import Cohort, Enrolment, utcnow
from leans.core.notifications import NotificationKind, notify
from leans.modules.models import LessonCompletion


def training_modules(cohort: Cohort, catalogue: Catalogue) -> list[Module]:
    """The cohort's modules in the cohort's order; slugs missing from the content are skipped."""
    return [m for slug in cohort.module_slugs if (m := catalogue.module(slug)) is not None]


def mark_lesson_done(enrolment: Enrolment, module_slug: str, lesson_slug: str,
                     at: dt.datetime | None = None) -> bool:
    """Record that a lesson is done, now or AT (a time the phone kept while offline); True
    when newly recorded, False when it already was (the first completion keeps its time)."""
    exists = db.session.scalar(select(LessonCompletion.id).where(
        LessonCompletion.enrolment_id == enrolment.id,
        LessonCompletion.module_slug == module_slug,
        LessonCompletion.lesson_slug == lesson_slug))
    if exists:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(LessonCompletion(enrolment_id=enrolment.id, module_slug=module_slug,
                                            lesson_slug=lesson_slug,
                                            completed_at=at or utcnow()))
    except IntegrityError:  # the same click twice at once: the first one counts
        return False
    return True


def announce_post_test(enrolment: Enrolment, module: Module) -> bool:
    """Tell the participant the module's post-test is open once every lesson is done (once
    per enrolment and module); True when told now."""
    if module.quiz_for("post") is None or not module.lessons:
        return False
    done = db.session.scalar(select(func.count(LessonCompletion.id)).where(
        LessonCompletion.enrolment_id == enrolment.id,
        LessonCompletion.module_slug == module.slug,
        LessonCompletion.lesson_slug.in_(module.lesson_slugs)))
    if done < len(module.lesson_slugs):
        return False
    return notify(enrolment.user, NotificationKind.TEST_OPENED, "quizzes.intro",
                  {"cohort_slug": enrolment.cohort.slug, "module_slug": module.slug,
                   "kind": "post"}, subject=module.title, cohort=enrolment.cohort,
                  dedupe_key=f"post-test-open:{enrolment.id}:{module.slug}") is not None
