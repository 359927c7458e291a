"""The JP ledger: training hours credited when modules complete, per training and per year."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from leans.modules.progress import ModuleProgress


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


def summarize(current: Sequence[ModuleProgress], all_credits: Sequence[JpCredit], *,
              annual_target: float, today: dt.date, timezone: str) -> JpSummary:
    """JP of this training and of the calendar year (in local time), across all trainings."""
    zone = ZoneInfo(timezone)
    year_credits = [c for c in all_credits if c.credited_at.astimezone(zone).year == today.year]
    return JpSummary(
        this_training=sum(p.jp_earned for p in current),
        training_total=sum(p.module.jp for p in current),
        this_year=sum(c.jp for c in year_credits),
        annual_target=annual_target,
        year=today.year,
        credits=tuple(sorted(all_credits, key=lambda c: c.credited_at, reverse=True)),
    )
