"""Where a user reads: a cohort's training (with progress) or the staff preview of all content."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, url_for
from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload

from leans.content import get_catalogue
from leans.content.model import Lesson, Module
from leans.core.extensions import db
from leans.core.models import Cohort, Enrolment, User
from leans.core.permissions import can_manage_cohort
from leans.modules.facts import load_facts
from leans.modules.progress import ModuleProgress, training_progress
from leans.modules.training import training_modules


@dataclass
class Place:
    #: ``None`` for the staff preview of the whole content tree.
    cohort: Cohort | None
    #: The reader's enrolment; ``None`` when staff preview (no progress is recorded).
    enrolment: Enrolment | None
    modules: list[Module]

    @property
    def preview(self) -> bool:
        return self.enrolment is None

    def module_url(self, module_slug: str) -> str:
        if self.cohort is None:
            return url_for("modules.preview_module", module_slug=module_slug)
        return url_for("modules.module", cohort_slug=self.cohort.slug, module_slug=module_slug)

    def lesson_url(self, module_slug: str, lesson_slug: str) -> str:
        if self.cohort is None:
            return url_for("modules.preview_lesson", module_slug=module_slug,
                           lesson_slug=lesson_slug)
        return url_for("modules.lesson", cohort_slug=self.cohort.slug, module_slug=module_slug,
                       lesson_slug=lesson_slug)

    def index_url(self) -> str:
        if self.cohort is None:
            return url_for("modules.preview_index")
        return url_for("modules.catalogue", cohort_slug=self.cohort.slug)

    def progress(self) -> list[ModuleProgress]:
        facts = (load_facts([self.enrolment.id], get_catalogue())[self.enrolment.id]
                 if self.enrolment else {})
        return training_progress(self.modules, facts)

    def progress_of(self, module: Module) -> ModuleProgress:
        """One module's progress (prerequisites need the whole training computed)."""
        return next(p for p in self.progress() if p.module.slug == module.slug)

    def find(self, module_slug: str, lesson_slug: str | None = None
             ) -> tuple[Module, Lesson | None]:
        """The module (and lesson) of this place, or 404."""
        module = next((m for m in self.modules if m.slug == module_slug), None)
        if module is None:
            abort(404)
        if lesson_slug is None:
            return module, None
        lesson = module.lesson(lesson_slug)
        if lesson is None:
            abort(404)
        return module, lesson

    def neighbours(self, module: Module, lesson: Lesson) -> tuple[tuple | None, tuple | None]:
        """The (module, lesson) pairs before and after, across modules."""
        sequence = [(m, item) for m in self.modules for item in m.lessons]
        index = next(i for i, (m, item) in enumerate(sequence)
                     if m.slug == module.slug and item.slug == lesson.slug)
        before = sequence[index - 1] if index > 0 else None
        after = sequence[index + 1] if index + 1 < len(sequence) else None
        return before, after


def cohort_place(cohort_slug: str, user: User) -> Place:
    """The training of a cohort as this user may read it: enrolled, or staff preview; else 404.

    The cohort and the user's enrolment come in one query: this runs on every lesson page.
    """
    row = db.session.execute(
        select(Cohort, Enrolment)
        .outerjoin(Enrolment, and_(Enrolment.cohort_id == Cohort.id,
                                   Enrolment.user_id == user.id,
                                   Enrolment.unenrolled_at.is_(None)))
        .where(Cohort.slug == cohort_slug)
        .options(joinedload(Cohort.module_rows))).unique().first()
    if row is None:
        abort(404)
    cohort, enrolment = row
    if enrolment is None and not can_manage_cohort(user, cohort):
        abort(404)
    return Place(cohort, enrolment, training_modules(cohort, get_catalogue()))


def preview_place() -> Place:
    return Place(None, None, list(get_catalogue().modules))
