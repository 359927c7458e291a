"""The JP ledger: training hours credited when modules complete, per training and per year."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select

from leans.content.model import Catalogue
from leans.core.extensions import db
from leans.core.models import Cohort, Enrolment
from leans.modules.facts import load_cohort_facts
from leans.modules.progress import ModuleProgress, training_progress
from leans.modules.training import training_modules


@dataclass(frozen=True)
class JpCredit:
    """One line of the ledger: a completed module of a training."""

    training: str
    module_title: str
    jp: float
    credited_at: dt.datetime


@dataclass(frozen=True)
class JpSummary:
    this_training: float
    training_total: float
    this_year: float
    annual_target: float
    year: int
    credits: tuple[JpCredit, ...]

    @property
    def year_percent(self) -> int:
        if not self.annual_target:
            return 100
        return min(100, int(self.this_year * 100 // self.annual_target))

    @property
    def year_remaining(self) -> float:
        return max(0.0, self.annual_target - self.this_year)


def credits(training: str, progress: Iterable[ModuleProgress]) -> list[JpCredit]:
    return [JpCredit(training, p.module.title, p.module.jp, p.completed_at)
            for p in progress if p.complete and p.completed_at is not None]


def credit_year(credit: JpCredit, timezone: str) -> int:
    """The calendar year (local time) in which a credit counts."""
    return credit.credited_at.astimezone(ZoneInfo(timezone)).year


def jp_in_year(all_credits: Iterable[JpCredit], year: int, timezone: str) -> float:
    """JP credited in a calendar year (local time): modules completed that year."""
    return sum(c.jp for c in all_credits if credit_year(c, timezone) == year)


def credits_by_user(cohorts: Iterable[Cohort], catalogue: Catalogue) -> dict[int, list[JpCredit]]:
    """Every participant's ledger across the cohorts (the same credits the dashboard shows:
    every enrolment, also ones since ended), one facts query per cohort."""
    ledger: dict[int, list[JpCredit]] = defaultdict(list)
    for cohort in cohorts:
        modules = training_modules(cohort, catalogue)
        facts = load_cohort_facts(cohort.id, catalogue)
        for enrolment_id, user_id in db.session.execute(
                select(Enrolment.id, Enrolment.user_id).where(Enrolment.cohort_id == cohort.id)):
            ledger[user_id] += credits(cohort.name,
                                       training_progress(modules, facts.get(enrolment_id, {})))
    return ledger


def summarize(current: Sequence[ModuleProgress], all_credits: Sequence[JpCredit], *,
              annual_target: float, today: dt.date, timezone: str) -> JpSummary:
    """JP of this training and of the calendar year (in local time), across all trainings."""
    return JpSummary(
        this_training=sum(p.jp_earned for p in current),
        training_total=sum(p.module.jp for p in current),
        this_year=jp_in_year(all_credits, today.year, timezone),
        annual_target=annual_target,
        year=today.year,
        credits=tuple(sorted(all_credits, key=lambda c: c.credited_at, reverse=True)),
    )
