"""After the training: which approved plans are moving and which are stalled."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from leans.assessments.plans.models import ActionPlan, PlanUpdate
from leans.assessments.plans.states import UpdateStatus
from leans.core.i18n import date_text_id, local_date
from leans.core.labels import Labelled, label_id
from leans.core.spreadsheets import Table


class TrackerState(Labelled):
    """An approved plan after the training: moving, or stalled (no update for too long, or
    a milestone blocked)."""

    MOVING = "moving"
    STALLED = "stalled"


@dataclass(frozen=True)
class TrackedPlan:
    plan: ActionPlan
    #: The newest update of each milestone (by activity position).
    latest: dict[int, PlanUpdate]
    last_update: dt.date | None
    stalled: bool

    @property
    def counts(self) -> Counter:
        return Counter(update.status for update in self.latest.values())

    @property
    def milestones(self) -> int:
        return len(self.plan.latest_version.content.get("activities", []))

    @property
    def state(self) -> TrackerState:
        return TrackerState.STALLED if self.stalled else TrackerState.MOVING

    @property
    def villages(self) -> list[str]:
        return self.plan.latest_version.content.get("villages") or []


def track(plan: ActionPlan, *, today: dt.date, stalled_days: int) -> TrackedPlan:
    """Stalled: no update for ``stalled_days`` (counted from approval when there is none yet),
    or a milestone whose newest update says blocked."""
    latest: dict[int, PlanUpdate] = {}
    for update in sorted(plan.updates, key=lambda u: (u.reported_on, u.id)):
        latest[update.activity_index] = update
    dates = [u.reported_on for u in plan.updates]
    last = max(dates) if dates else None
    since = last or (plan.approved_at.date() if plan.approved_at else today)
    blocked = any(u.status is UpdateStatus.BLOCKED for u in latest.values())
    return TrackedPlan(plan, latest, last, blocked or (today - since).days > stalled_days)


def by_village(tracked: Iterable[TrackedPlan]) -> list[tuple[str, int, int, int]]:
    """(village, plans, moving, stalled) per target village; plans without one count under
    an empty name."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for item in tracked:
        for village in item.villages or [""]:
            row = totals[village]
            row[0] += 1
            row[1 if not item.stalled else 2] += 1
    return sorted(((v, *counts) for v, counts in totals.items()), key=lambda r: (r[0] == "",
                                                                                  r[0]))


def export_table(tracked: Sequence[TrackedPlan]) -> Table:
    """The documented tracker export (docs/exports.md): dates as dates (machine columns),
    repeated at the end written out in Bahasa Indonesia for people."""
    header = ["Angkatan", "NIP", "Nama", "Unit", "Desa sasaran", "Judul", "Nilai", "Predikat",
              "Disetujui", "Pembaruan terakhir", "Tonggak", "Selesai", "Berjalan", "Terhambat",
              "Status", "Disetujui (teks)", "Pembaruan terakhir (teks)"]
    rows = []
    for item in tracked:
        user = item.plan.enrolment.user
        counts = item.counts
        approved = local_date(item.plan.approved_at) if item.plan.approved_at else None
        rows.append([item.plan.enrolment.cohort.name, user.nip_display or "", user.full_name,
                     user.unit or "", ", ".join(item.villages),
                     item.plan.latest_version.content.get("title", ""), item.plan.score,
                     item.plan.predicate or "", approved, item.last_update, item.milestones,
                     counts[UpdateStatus.DONE], counts[UpdateStatus.IN_PROGRESS],
                     counts[UpdateStatus.BLOCKED], label_id(item.state),
                     date_text_id(approved), date_text_id(item.last_update)])
    return Table("Pemantauan", header, rows)
