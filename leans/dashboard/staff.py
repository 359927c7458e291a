"""What a facilitator or administrator sees first: what needs their attention in their
cohorts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from leans.content.model import Catalogue
from leans.core.models import Cohort, User
from leans.reports.attention import (
    StuckParticipant,
    WaitingPlan,
    is_overdue,
    plans_waiting,
    stuck_participants,
)


@dataclass(frozen=True)
class StaffAttention:
    """Plans waiting for a grader (and those overdue among them) and stuck participants."""

    waiting: list[WaitingPlan]
    overdue: list[WaitingPlan]
    stuck: list[StuckParticipant]
    #: The settings the lists were computed with, for the page to say so.
    overdue_days: int
    stuck_days: int

    @property
    def waiting_by_cohort(self) -> list[tuple[Cohort, int]]:
        """(cohort, plans waiting) for each cohort with any, in the order they were met."""
        counts = Counter(plan.cohort.id for plan in self.waiting)
        cohorts = {plan.cohort.id: plan.cohort for plan in self.waiting}
        return [(cohorts[cohort_id], count) for cohort_id, count in counts.items()]

    @property
    def empty(self) -> bool:
        return not (self.waiting or self.stuck)


def staff_attention(user: User, cohorts: Sequence[Cohort], *, now: dt.datetime,
                    today: dt.date, overdue_days: int, stuck_days: int, catalogue: Catalogue,
                    timezone: str) -> StaffAttention:
    """The attention lists of the cohorts ``user`` works on; never their own plan or their
    own progress (one may be enrolled in a cohort one facilitates)."""
    waiting = [p for p in plans_waiting(cohorts, now) if p.user.id != user.id]
    stuck = [s for s in stuck_participants(cohorts, today, stuck_days, catalogue=catalogue,
                                           timezone=timezone) if s.user.id != user.id]
    overdue = [p for p in waiting if is_overdue(p, now, overdue_days)]
    return StaffAttention(waiting, overdue, stuck, overdue_days, stuck_days)
