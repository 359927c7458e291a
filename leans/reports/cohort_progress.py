"""A cohort's progress table for facilitators: filters, sorting and the export rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from leans.core.labels import label_id
from leans.core.spreadsheets import Table
from leans.modules.cohort_progress import CohortReport, ParticipantRow

SORT_KEYS = ("name", "unit", "progress", "activity")


def filter_rows(rows: Sequence[ParticipantRow], *, unit: str = "", state: str = "",
                stuck_days: int = 7, now: dt.datetime | None = None) -> list[ParticipantRow]:
    """``state``: ``not_started`` (nothing done yet), ``stuck`` (unfinished and no activity for
    ``stuck_days``), ``complete``; empty for all."""
    now = now or dt.datetime.now(dt.UTC)
    limit = now - dt.timedelta(days=stuck_days)
    result = [row for row in rows if not unit or row.user.unit == unit]
    if state == "not_started":
        result = [row for row in result if row.last_activity is None]
    elif state == "stuck":
        result = [row for row in result if not row.complete
                  and (row.last_activity or row.enrolment.enrolled_at) < limit]
    elif state == "complete":
        result = [row for row in result if row.complete]
    return result


def sort_rows(rows: Sequence[ParticipantRow], key: str, descending: bool = False
              ) -> list[ParticipantRow]:
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    keys = {
        "name": lambda r: r.user.full_name.lower(),
        "unit": lambda r: ((r.user.unit or "").lower(), r.user.full_name.lower()),
        "progress": lambda r: (r.overall_percent, r.user.full_name.lower()),
        "activity": lambda r: (r.last_activity or epoch, r.user.full_name.lower()),
    }
    return sorted(rows, key=keys.get(key, keys["name"]), reverse=descending)


def export_table(report: CohortReport, timezone: str) -> Table:
    """The documented export columns (docs/exports.md) and one row per participant."""
    zone = ZoneInfo(timezone)
    header = ["NIP", "Nama", "Unit"]
    for module in report.modules:
        header += [f"{module.slug} status", f"{module.slug} selesai"]
    header += ["JP", "Persen"]
    rows = []
    for row in report.rows:
        cells: list = [row.user.nip_display or "", row.user.full_name, row.user.unit or ""]
        for progress in row.progress:
            done = progress.completed_at.astimezone(zone).date() if progress.completed_at else None
            cells += [label_id(progress.status), done]
        cells += [round(row.jp_earned, 2), row.overall_percent]  # a sum of floats: no 2.9999
        rows.append(cells)
    return Table("Kemajuan", header, rows)
