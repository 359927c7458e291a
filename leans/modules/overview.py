"""What a participant sees on the dashboard: each training's modules, next step and JP."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from leans.content.model import Catalogue, Lesson, Module
from leans.core.extensions import db
from leans.core.models import Cohort, Enrolment, User
from leans.modules.facts import load_facts
from leans.modules.ledger import JpSummary, credits, summarize
from leans.modules.progress import (
    ModuleProgress,
    ProgressStatus,
    overall_percent,
    training_progress,
)
from leans.modules.training import training_modules


@dataclass(frozen=True)
class Training:
    cohort: Cohort
    enrolment: Enrolment
    progress: list[ModuleProgress]

    @property
    def overall_percent(self) -> int:
        return overall_percent(self.progress)

    def next_step(self) -> tuple[Module, Lesson | None] | None:
        """The first unfinished, unlocked module and its first unfinished lesson."""
        for p in self.progress:
            if p.status in (ProgressStatus.COMPLETE, ProgressStatus.LOCKED):
                continue
            slug = p.next_lesson_slug()
            return p.module, (p.module.lesson(slug) if slug else None)
        return None


@dataclass(frozen=True)
class ParticipantOverview:
    trainings: list[Training]
    jp: JpSummary | None
    #: Valid certificates by enrolment id, filled in by the dashboard.
    certificates: dict = field(default_factory=dict)


def participant_overview(user: User, catalogue: Catalogue, *, annual_target: float,
                         today: dt.date, timezone: str) -> ParticipantOverview:
    """All of a participant's trainings in a fixed number of queries."""
    enrolments = list(db.session.scalars(
        select(Enrolment).where(Enrolment.user_id == user.id)
        .options(selectinload(Enrolment.cohort).selectinload(Cohort.module_rows))))
    facts = load_facts((e.id for e in enrolments), catalogue)
    every: list[Training] = []
    for enrolment in enrolments:
        modules = training_modules(enrolment.cohort, catalogue)
        every.append(Training(enrolment.cohort, enrolment,
                              training_progress(modules, facts.get(enrolment.id, {}))))
    active = sorted((t for t in every if t.enrolment.unenrolled_at is None),
                    key=lambda t: t.cohort.starts_on, reverse=True)
    all_credits = [c for t in every for c in credits(t.cohort.name, t.progress)]
    jp = None
    if active:
        jp = summarize(active[0].progress, all_credits, annual_target=annual_target,
                       today=today, timezone=timezone)
    return ParticipantOverview(active, jp)
