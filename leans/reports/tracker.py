"""After the design approval: which plans are moving, which are stalled and which are
completed, with their evidence, per cohort, OPD, kecamatan and desa."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from leans.assessments.plans.followups import (
    CARRIED_OUT,
    Milestone,
    latest_statuses,
    milestones,
    newest_follow_up,
)
from leans.assessments.plans.models import (
    ActionPlan,
    EvidenceFile,
    FollowUp,
    MilestoneReport,
    PlanUpdate,
)
from leans.assessments.plans.states import (
    DESIGN_APPROVED,
    FollowUpStatus,
    MilestoneStatus,
    PlanState,
    UpdateStatus,
)
from leans.core.extensions import db
from leans.core.i18n import date_text_id, local_date
from leans.core.labels import Labelled, label_id
from leans.core.models import Enrolment
from leans.core.spreadsheets import Table


class TrackerState(Labelled):
    """A design-approved plan: completed (the report seminar passed, the newest follow-up
    says so, or every milestone confirmed), stalled (no sign of progress for too long, a
    milestone blocked or overdue, or the newest follow-up says stalled), or moving."""

    MOVING = "moving"
    STALLED = "stalled"
    COMPLETED = "completed"


#: The order plans are listed in: those needing help first.
ORDER = {TrackerState.STALLED: 0, TrackerState.MOVING: 1, TrackerState.COMPLETED: 2}


@dataclass(frozen=True)
class PlanFacts:
    """What the tracker counts of a plan's milestone reports and evidence files."""

    #: The newest milestone report's status, by activity position.
    statuses: dict[int, MilestoneStatus] = field(default_factory=dict)
    #: The day of the newest milestone report (Asia/Jakarta).
    last_report: dt.date | None = None
    evidence: int = 0


@dataclass(frozen=True)
class TrackedPlan:
    plan: ActionPlan
    #: The newest update of each milestone (by activity position).
    latest: dict[int, PlanUpdate]
    last_update: dt.date | None
    stalled: bool
    completed: bool = False
    #: Milestones confirmed by the mentor; milestones past their date and not carried out.
    confirmed: int = 0
    overdue: int = 0
    evidence: int = 0
    follow_up: FollowUp | None = None

    @property
    def counts(self) -> Counter:
        return Counter(update.status for update in self.latest.values())

    @property
    def milestones(self) -> int:
        return len(self.plan.latest_version.content.get("activities", []))

    @property
    def state(self) -> TrackerState:
        if self.completed:
            return TrackerState.COMPLETED
        return TrackerState.STALLED if self.stalled else TrackerState.MOVING

    @property
    def villages(self) -> list[str]:
        return self.plan.latest_version.content.get("villages") or []


def _overdue(items: Sequence[Milestone], latest: dict[int, PlanUpdate],
             today: dt.date) -> int:
    """Milestones past their date that were neither reported (or confirmed) with evidence
    nor marked done by a progress update."""
    return sum(1 for m in items if m.due_on is not None and m.due_on < today
               and m.status not in CARRIED_OUT
               and not (m.index in latest and latest[m.index].status is UpdateStatus.DONE))


def track(plan: ActionPlan, *, today: dt.date, stalled_days: int,
          facts: PlanFacts | None = None) -> TrackedPlan:
    """Completed: the report seminar passed, the newest follow-up says completed, or every
    milestone is confirmed. Else stalled: no progress update, milestone report or follow-up
    for ``stalled_days`` (counted from approval when there is none yet), a milestone whose
    newest update says blocked, a milestone overdue, or a newest follow-up saying stalled."""
    facts = facts or PlanFacts()
    latest: dict[int, PlanUpdate] = {}
    for update in sorted(plan.updates, key=lambda u: (u.reported_on, u.id)):
        latest[update.activity_index] = update
    last = max((u.reported_on for u in plan.updates), default=None)
    follow_up = newest_follow_up(plan.follow_ups)
    signs = [day for day in (last, facts.last_report,
                             local_date(follow_up.submitted_at) if follow_up else None) if day]
    since = max(signs) if signs else (local_date(plan.approved_at) if plan.approved_at
                                      else today)
    items = milestones(plan.latest_version.content, facts.statuses)
    confirmed = sum(1 for m in items if m.status is MilestoneStatus.CONFIRMED)
    overdue = _overdue(items, latest, today)
    said = follow_up.status if follow_up else None
    stalled = (any(u.status is UpdateStatus.BLOCKED for u in latest.values())
               or (today - since).days > stalled_days or said == FollowUpStatus.STALLED
               or overdue > 0)
    completed = (plan.state == PlanState.COMPLETED or said == FollowUpStatus.COMPLETED
                 or (bool(items) and confirmed == len(items)))
    return TrackedPlan(plan, latest, last, stalled, completed, confirmed, overdue,
                       facts.evidence, follow_up)


def plan_facts(plan_ids: Sequence[int]) -> dict[int, PlanFacts]:
    """The milestone statuses and evidence counts of PLAN_IDS, in two grouped queries."""
    if not plan_ids:
        return {}
    evidence = dict(db.session.execute(
        select(EvidenceFile.plan_id, func.count(EvidenceFile.id))
        .where(EvidenceFile.plan_id.in_(plan_ids)).group_by(EvidenceFile.plan_id)).all())
    reports: dict[int, list[tuple[int, MilestoneStatus]]] = defaultdict(list)
    last: dict[int, dt.date] = {}
    for plan_id, index, status, reported_at in db.session.execute(
            select(MilestoneReport.plan_id, MilestoneReport.activity_index,
                   MilestoneReport.status, MilestoneReport.reported_at)
            .where(MilestoneReport.plan_id.in_(plan_ids)).order_by(MilestoneReport.id)):
        reports[plan_id].append((index, status))
        last[plan_id] = max(last.get(plan_id, dt.date.min), local_date(reported_at))
    return {plan_id: PlanFacts(latest_statuses(reports.get(plan_id, [])), last.get(plan_id),
                               evidence.get(plan_id, 0))
            for plan_id in plan_ids}


def tracked_plans(cohort_ids: Sequence[int], *, today: dt.date,
                  stalled_days: int) -> list[TrackedPlan]:
    """Every design-approved plan of COHORT_IDS, tracked (a fixed number of queries), those
    needing help first."""
    plans = list(db.session.scalars(
        select(ActionPlan).join(Enrolment, Enrolment.id == ActionPlan.enrolment_id)
        .where(Enrolment.cohort_id.in_(cohort_ids),
               ActionPlan.state.in_([str(state) for state in DESIGN_APPROVED]))
        .options(selectinload(ActionPlan.versions), selectinload(ActionPlan.updates),
                 selectinload(ActionPlan.follow_ups),
                 selectinload(ActionPlan.enrolment).selectinload(Enrolment.user),
                 selectinload(ActionPlan.enrolment).selectinload(Enrolment.cohort))))
    facts = plan_facts([plan.id for plan in plans])
    tracked = [track(plan, today=today, stalled_days=stalled_days, facts=facts[plan.id])
               for plan in plans]
    tracked.sort(key=lambda t: (ORDER[t.state], t.plan.enrolment.user.full_name.lower()))
    return tracked


@dataclass
class Summary:
    """One group's plans, by state, and their evidence files."""

    name: str
    plans: int = 0
    moving: int = 0
    stalled: int = 0
    completed: int = 0
    evidence: int = 0


def summarise(tracked: Iterable[TrackedPlan],
              names_of: Callable[[TrackedPlan], Iterable[str]]) -> list[Summary]:
    """A row per group NAMES_OF gives a plan (a plan may be in several, e.g. its target
    villages); plans without one count under an empty name, listed last."""
    rows: dict[str, Summary] = {}
    for item in tracked:
        for name in list(names_of(item)) or [""]:
            row = rows.setdefault(name, Summary(name))
            row.plans += 1
            row.evidence += item.evidence
            setattr(row, item.state.value, getattr(row, item.state.value) + 1)
    return sorted(rows.values(), key=lambda r: (r.name == "", r.name.lower()))


#: The tracker's summaries: how each groups a plan.
GROUPS: dict[str, Callable[[TrackedPlan], Iterable[str]]] = {
    "cohort": lambda t: [t.plan.enrolment.cohort.name],
    "unit": lambda t: [t.plan.enrolment.user.unit or ""],
    "kecamatan": lambda t: [t.plan.enrolment.user.kecamatan or ""],
    "desa": lambda t: [t.plan.enrolment.user.desa or ""],
    "village": lambda t: t.villages,
}


def summaries(tracked: Sequence[TrackedPlan]) -> dict[str, list[Summary]]:
    """Per cohort, OPD or unit, kecamatan and desa (the participant's), and target village."""
    return {key: summarise(tracked, names_of) for key, names_of in GROUPS.items()}


def _follow_up_text(follow_up: FollowUp | None) -> str:
    if follow_up is None:
        return ""
    return f"{follow_up.months} bulan: {label_id(follow_up.status)}"


def export_table(tracked: Sequence[TrackedPlan]) -> Table:
    """The documented tracker export (docs/exports.md): dates as dates (machine columns),
    repeated at the end written out in Bahasa Indonesia for people."""
    header = ["Angkatan", "NIP", "Nama", "Unit", "Desa sasaran", "Judul", "Nilai", "Predikat",
              "Disetujui", "Pembaruan terakhir", "Tonggak", "Selesai", "Berjalan", "Terhambat",
              "Status", "Disetujui (teks)", "Pembaruan terakhir (teks)",
              "Tonggak terkonfirmasi", "Berkas bukti", "Tindak lanjut terakhir"]
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
                     date_text_id(approved), date_text_id(item.last_update),
                     item.confirmed, item.evidence,
                     _follow_up_text(item.follow_up)])
    return Table("Pemantauan", header, rows)
