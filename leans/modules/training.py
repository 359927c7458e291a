"""Database side of progress: loading facts, marking lessons done, a training's modules."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from leans.content.model import Catalogue, Module
from leans.core.extensions import db
from leans.core.models import Cohort, Enrolment, utcnow
from leans.modules.models import LessonCompletion


def training_modules(cohort: Cohort, catalogue: Catalogue) -> list[Module]:
    """The cohort's modules in the cohort's order; slugs missing from the content are skipped."""
    return [m for slug in cohort.module_slugs if (m := catalogue.module(slug)) is not None]


def mark_lesson_done(enrolment: Enrolment, module_slug: str, lesson_slug: str) -> bool:
    """Record that a lesson is done; True when newly recorded, False when it already was."""
    exists = db.session.scalar(select(LessonCompletion.id).where(
        LessonCompletion.enrolment_id == enrolment.id,
        LessonCompletion.module_slug == module_slug,
        LessonCompletion.lesson_slug == lesson_slug))
    if exists:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(LessonCompletion(enrolment_id=enrolment.id, module_slug=module_slug,
                                            lesson_slug=lesson_slug, completed_at=utcnow()))
    except IntegrityError:  # the same click twice at once: the first one counts
        return False
    return True
