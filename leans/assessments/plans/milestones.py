"""The implementation period of the full path: the approved plan's milestones as a checklist
with due dates (:func:`milestone_list`, pure), the participant's reports with evidence (text,
links, checked files) and the mentor's confirmation or return.

Like :mod:`workflow`, each step changes the session and flushes; the caller commits, or rolls
back on an error. Every report, confirmation and return is in the audit trail.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Protocol
from urllib.parse import urlsplit

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import update

from leans.assessments.plans.evidence import (
    MAX_FILE_BYTES,
    EvidenceError,
    _display_name,
    clean_all,
)
from leans.assessments.plans.models import ActionPlan, EvidenceFile, MilestoneReport
from leans.assessments.plans.states import DESIGN_APPROVED, MilestoneStatus, PlanState
from leans.assessments.plans.workflow import PlanError, lock_plan, plan_topic
from leans.core.audit import record
from leans.core.cohorts import cohort_facilitators
from leans.core.extensions import db
from leans.core.models import User
from leans.core.notifications import NotificationKind, notify, notify_all, resolve
from leans.core.permissions import can_confirm_milestones
from leans.core.templating import format_day

#: Longest description of what was carried out, and longest review comment (characters).
MAX_TEXT = 5000
#: Links per report, and the longest link (characters).
MAX_LINKS = 5
MAX_LINK = 500
#: A milestone due on or before the cohort's last day is expected during the training
#: (short-term); a later one is followed up after it (medium-term).
SHORT, MEDIUM = "short", "medium"
#: Milestones are reported from the design's approval until the report seminar is graded.
REPORTING_STATES = frozenset(DESIGN_APPROVED - {PlanState.COMPLETED})
#: Statuses after which the participant waits (for the mentor) or is done.
SETTLED = frozenset({MilestoneStatus.REPORTED, MilestoneStatus.CONFIRMED})
_MB = 1024 * 1024


class ReportRefused(PlanError):
    """A milestone report refused; FIELD names the form field at fault (text, links, files),
    None when the refusal is about the milestone itself."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Upload(Protocol):
    """An uploaded file as the request gives it (werkzeug's FileStorage)."""

    filename: str | None
    stream: IO[bytes]


@dataclass(frozen=True)
class Milestone:
    """One row of the approved plan's activities, with where it stands."""

    index: int
    activity: str
    milestone: str
    #: "activity — milestone", as reports and notifications name it.
    label: str
    due: dt.date | None
    #: SHORT or MEDIUM.
    term: str
    #: The newest report (highest id), None before the first.
    report: MilestoneReport | None
    #: Every report, newest first.
    history: tuple[MilestoneReport, ...]
    #: None while not reported.
    status: MilestoneStatus | None
    #: Due before today and neither awaiting the mentor nor confirmed.
    overdue: bool

    @property
    def reportable(self) -> bool:
        """Not reported yet, or returned: the participant may report it (again)."""
        return self.status not in SETTLED


def milestone_label(row: dict) -> str:
    """How a milestone is named: its activity and what shows it is done."""
    return f"{row.get('activity', '')} — {row.get('milestone', '')}"[:300]


def _due(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value or ""))
    except ValueError:
        return None


def milestone_list(plan: ActionPlan, today: dt.date) -> list[Milestone]:
    """The milestones of the plan's latest (approved) version, each with its due date, term,
    newest report, status and whether it is overdue on TODAY."""
    version = plan.latest_version
    if version is None:
        return []
    ends_on = plan.enrolment.cohort.ends_on
    reports: dict[int, list[MilestoneReport]] = defaultdict(list)
    for report in plan.milestone_reports:
        reports[report.activity_index].append(report)
    milestones = []
    for index, row in enumerate(version.content.get("activities") or []):
        history = tuple(sorted(reports[index], key=lambda r: r.id, reverse=True))
        status = MilestoneStatus(history[0].status) if history else None
        due = _due(row.get("date"))
        milestones.append(Milestone(
            index=index, activity=row.get("activity", ""), milestone=row.get("milestone", ""),
            label=milestone_label(row), due=due,
            term=SHORT if due is None or due <= ends_on else MEDIUM,
            report=history[0] if history else None, history=history, status=status,
            overdue=due is not None and due < today and status not in SETTLED))
    return milestones


def unreported_short_term(plan: ActionPlan, today: dt.date) -> list[str]:
    """The labels of the short-term milestones not reported yet, or returned: they must be
    reported before the implementation report."""
    return [m.label for m in milestone_list(plan, today)
            if m.term == SHORT and m.status in (None, MilestoneStatus.RETURNED)]


def overdue_count(milestones: Iterable[Milestone]) -> int:
    return sum(m.overdue for m in milestones)


def reporting_open(plan: ActionPlan) -> bool:
    """Whether the plan's milestones can be reported now (full path, design approved, the
    report seminar not yet graded)."""
    return plan.enrolment.cohort.full_path and PlanState(plan.state) in REPORTING_STATES


def reviewers(plan: ActionPlan) -> list[User]:
    """Who confirms the plan's milestones: the mentor, or the cohort's coaches when the
    participant has no mentor who can act (as :func:`can_confirm_milestones` says)."""
    enrolment = plan.enrolment
    people = [enrolment.mentor] if enrolment.mentor is not None else []
    return [u for u in people + cohort_facilitators(enrolment.cohort)
            if can_confirm_milestones(u, plan)]


# Checking what the participant sent ------------------------------------------------------------
def _shown(link: str) -> str:
    return link if len(link) <= 80 else link[:77] + "…"


def checked_links(links: Sequence[str]) -> list[str]:
    """The links, trimmed, blank lines dropped, duplicates once; each a full http(s) address
    within the limits, or ReportRefused naming the first one that is not."""
    kept = list(dict.fromkeys(link.strip() for link in links if link and link.strip()))
    if len(kept) > MAX_LINKS:
        raise ReportRefused(_("You gave %(count)d links; at most %(limit)d can be attached to "
                              "one report. Keep the ones that show the change best.",
                              count=len(kept), limit=MAX_LINKS), "links")
    for link in kept:
        if len(link) > MAX_LINK:
            raise ReportRefused(_("The link %(link)s is %(n)d characters long; a link may have "
                                  "at most %(limit)d. Use a shorter address, for example the "
                                  "page's share link.", link=_shown(link), n=len(link),
                                  limit=MAX_LINK), "links")
        try:
            parts = urlsplit(link)
        except ValueError:
            parts = None
        if (parts is None or parts.scheme.lower() not in ("http", "https") or not parts.hostname
                or re.search(r"[\s\x00-\x1f\x7f]", link)):
            raise ReportRefused(_("%(link)s is not a web address. Write each link in full, "
                                  "starting with https:// or http://, one per line.",
                                  link=_shown(link)), "links")
    return kept


def _plain(text: str | None) -> str:
    """Text from a form, trimmed, each line break one character (as a browser counts it)."""
    return (text or "").replace("\r\n", "\n").strip()


def _checked_text(text: str) -> str:
    text = _plain(text)
    if len(text) > MAX_TEXT:
        raise ReportRefused(_("Keep the description under %(n)d characters (it has %(has)d).",
                              n=MAX_TEXT, has=len(text)), "text")
    return text


def read_upload(upload: Upload) -> tuple[str, bytes] | None:
    """The name and bytes of one uploaded file, None for an empty file input (nothing
    chosen). A file over the limit is refused from its size, without reading it."""
    name = upload.filename or ""
    stream = upload.stream
    data = stream.read(MAX_FILE_BYTES + 1)
    if not name and not data:
        return None
    if len(data) > MAX_FILE_BYTES:
        try:
            size = stream.seek(0, 2)
        except (OSError, ValueError):  # a stream that cannot seek: at least this much
            size = len(data)
        raise ReportRefused(_(
            "%(name)s is %(size)s MB; each file may be at most %(limit)s MB. Make it smaller "
            "(for example a smaller photo or a compressed PDF) and upload it again.",
            name=_display_name(name), size=format_decimal(math.ceil(size * 10 / _MB) / 10,
                                                          format="#,##0.0"),
            limit=MAX_FILE_BYTES // _MB), "files")
    return name, data


def read_uploads(uploads: Iterable[Upload]) -> list[tuple[str, bytes]]:
    """Every chosen file of a report's file input, read within the per-file limit."""
    return [read for upload in uploads if (read := read_upload(upload)) is not None]


# Reporting ------------------------------------------------------------------------------------
def _reportable(plan: ActionPlan, index: int, now: dt.datetime) -> Milestone:
    """The milestone at INDEX, if it can be reported now; else ReportRefused saying why."""
    if not reporting_open(plan):
        raise ReportRefused(_("Milestones can be reported once the plan's design is approved, "
                              "until the report seminar is graded."))
    milestones = milestone_list(plan, now.date())
    if not 0 <= index < len(milestones):
        raise ReportRefused(_("Choose one of the plan's milestones."))
    milestone = milestones[index]
    if milestone.status is MilestoneStatus.REPORTED:
        raise ReportRefused(_("You reported this milestone on %(date)s; it waits to be "
                              "confirmed. You can report it again only if it is returned.",
                              date=format_day(milestone.report.reported_at)))
    if milestone.status is MilestoneStatus.CONFIRMED:
        raise ReportRefused(_("This milestone is already confirmed; it cannot be reported "
                              "again."))
    return milestone


def report_milestone(plan: ActionPlan, participant: User, *, index: int, text: str,
                     links: Sequence[str], files: Sequence[tuple[str, bytes]],
                     now: dt.datetime) -> MilestoneReport:
    """The participant reports the milestone at INDEX as carried out, with a description,
    links and files (checked and cleaned; all or nothing: any refusal stores no row). The
    mentor (or, without one, the coaches) is asked to confirm it."""
    lock_plan(plan)
    milestone = _reportable(plan, index, now)
    text, links = _checked_text(text), checked_links(links)
    if not text and not files:
        raise ReportRefused(_("Describe what was carried out, or attach at least one photo or "
                              "document as evidence."), "text")
    try:
        cleaned = clean_all(files)
    except EvidenceError as error:
        raise ReportRefused(str(error), "files") from error
    report = MilestoneReport(plan_id=plan.id, activity_index=index,
                             activity_label=milestone.label, status=MilestoneStatus.REPORTED,
                             text=text, links=links, reported_at=now)
    db.session.add(report)
    db.session.flush()
    for file in cleaned:
        db.session.add(EvidenceFile(
            plan_id=plan.id, milestone_report_id=report.id, filename=file.filename,
            content_type=file.content_type, size=file.size, sha256=file.sha256, data=file.data,
            created_at=now))
    db.session.flush()
    db.session.expire(plan, ["milestone_reports"])
    record(participant, "milestone.reported", "milestone", report.id, at=now, plan=plan.id,
           activity=index, label=milestone.label, files=len(cleaned), links=len(links))
    topic = plan_topic(plan.id)
    if not _any_with(plan, MilestoneStatus.RETURNED, now):
        resolve(topic, [NotificationKind.MILESTONE_RETURNED], now, user=participant)
    notify_all(reviewers(plan), NotificationKind.MILESTONE_REPORTED, "milestones.review_page",
               {"plan_id": plan.id}, subject=participant.full_name,
               cohort=plan.enrolment.cohort, topic=topic, at=now)
    return report


def _any_with(plan: ActionPlan, status: MilestoneStatus, now: dt.datetime) -> bool:
    return any(m.status is status for m in milestone_list(plan, now.date()))


# Reviewing ------------------------------------------------------------------------------------
def _stale() -> PlanError:
    return PlanError(_("This report was already confirmed or returned, or a newer report "
                       "replaced it. Reload the page to see where the milestone stands."))


def _checked_comment(decision: str, comment: str) -> str:
    if decision not in ("confirm", "return"):
        raise PlanError(_("Choose whether you confirm the milestone or return it."))
    comment = _plain(comment)
    if len(comment) > MAX_TEXT:
        raise PlanError(_("Keep the comment under %(n)d characters (it has %(has)d).",
                          n=MAX_TEXT, has=len(comment)))
    if decision == "return" and not comment:
        raise PlanError(_("Write in the comment what is missing or what the participant "
                          "should do before reporting the milestone again."))
    return comment


def review_milestone(report: MilestoneReport, reviewer: User, *, decision: str, comment: str,
                     now: dt.datetime) -> MilestoneReport:
    """The mentor confirms the reported milestone, or returns it with a comment saying what
    is missing (the participant is told and may report it again). Only the newest report of
    a milestone, while it waits."""
    comment = _checked_comment(decision, comment)
    plan = report.plan
    lock_plan(plan)
    newest = max(r.id for r in plan.milestone_reports
                 if r.activity_index == report.activity_index)
    if report.id != newest or report.status != MilestoneStatus.REPORTED:
        raise _stale()
    status = MilestoneStatus.CONFIRMED if decision == "confirm" else MilestoneStatus.RETURNED
    result = db.session.execute(
        update(MilestoneReport)
        .where(MilestoneReport.id == report.id,
               MilestoneReport.status == str(MilestoneStatus.REPORTED))
        .values(status=str(status), reviewer_id=reviewer.id, reviewed_at=now,
                review_comment=comment))
    if result.rowcount != 1:
        raise _stale()
    db.session.refresh(report)
    db.session.expire(plan, ["milestone_reports"])
    record(reviewer, f"milestone.{status}", "milestone", report.id, at=now, plan=plan.id,
           activity=report.activity_index, label=report.activity_label, comment=comment)
    _tell_after_review(plan, report, now)
    return report


def _tell_after_review(plan: ActionPlan, report: MilestoneReport, now: dt.datetime) -> None:
    """A returned milestone is the participant's to act on; once nothing of the plan waits,
    the reviewers' requests are done."""
    topic = plan_topic(plan.id)
    if report.status == MilestoneStatus.RETURNED:
        notify(plan.enrolment.user, NotificationKind.MILESTONE_RETURNED, "milestones.checklist",
               {"cohort_slug": plan.enrolment.cohort.slug}, subject=report.activity_label,
               cohort=plan.enrolment.cohort, detail=report.review_comment, topic=topic,
               at=now)
    if not _any_with(plan, MilestoneStatus.REPORTED, now):
        resolve(topic, [NotificationKind.MILESTONE_REPORTED], now)
