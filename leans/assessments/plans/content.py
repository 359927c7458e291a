"""What an action plan contains, how it is checked on submission, and how versions differ.

Plain functions on plain values (dicts of strings and lists of row dicts).
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from html import escape

from flask_babel import lazy_gettext as _l

PILOT_VILLAGES = ("Tondomulo", "Kolong", "Nganti")
PENTAHELIX = ("pemerintah", "dunia_usaha", "akademisi", "masyarakat", "media")
BUDGET_SOURCES = ("APBD", "APBDes", "CSR", "lainnya")
TEXT_FIELDS = ("title", "problem", "evidence", "target_group", "sustainability")
#: Table fields and their columns, in display order.
ROW_FIELDS: dict[str, tuple[str, ...]] = {
    "indicators": ("name", "unit", "baseline", "baseline_date", "target", "target_date"),
    "stakeholders": ("role", "name", "contribution"),
    "activities": ("activity", "milestone", "date"),
    "budget": ("source", "purpose", "amount"),
    "risks": ("risk", "mitigation"),
}
#: The most rows a table of the plan may hold, and villages it may name (the form refuses
#: more, with a message).
MAX_ROWS = 40
MAX_VILLAGES = 20
#: Above this many words or rows on both sides together, a changed field is shown as
#: replaced rather than diffed word by word (the diff's work grows with the product of the
#: two sides: this keeps the grading page under a second at the field limits).
MAX_DIFF_TOKENS = 800
#: Columns that may stay empty on submission.
OPTIONAL_COLUMNS = {("budget", "amount")}
DATE_COLUMNS = {("indicators", "baseline_date"), ("indicators", "target_date"),
                ("activities", "date")}
CHOICES = {("stakeholders", "role"): PENTAHELIX, ("budget", "source"): BUDGET_SOURCES}

LABELS = {
    "title": _l("Title"), "problem": _l("The problem"),
    "evidence": _l("Evidence: which data, which numbers"),
    "target_group": _l("Target group"), "villages": _l("Target villages"),
    "sustainability": _l("Sustainability after the programme"),
    "indicators": _l("Indicators"), "stakeholders": _l("Stakeholders"),
    "activities": _l("Activities and milestones"), "budget": _l("Budget sources"),
    "risks": _l("Risks and mitigations"),
    "name": _l("Name"), "unit": _l("Unit of measure"), "baseline": _l("Baseline"),
    "baseline_date": _l("Baseline date"), "target": _l("Target"),
    "target_date": _l("Target date"), "role": _l("Pentahelix role"),
    "contribution": _l("What they contribute"), "activity": _l("Activity"),
    "milestone": _l("Milestone"), "date": _l("Date"), "source": _l("Source"),
    "purpose": _l("What it funds, for which result"), "amount": _l("Amount (Rp)"),
    "risk": _l("Risk"), "mitigation": _l("Mitigation"),
    "pemerintah": _l("Government"), "dunia_usaha": _l("Business"),
    "akademisi": _l("Academia"), "masyarakat": _l("Community"), "media": _l("Media"),
    "lainnya": _l("Other"),
}


def empty_plan() -> dict:
    return {**{name: "" for name in TEXT_FIELDS}, "villages": [],
            **{name: [] for name in ROW_FIELDS}}


def normalize(raw: dict) -> dict:
    """Strip text, drop empty rows and unknown keys; keeps everything a person typed."""
    plan = empty_plan()
    for name in TEXT_FIELDS:
        plan[name] = str(raw.get(name) or "").strip()
    villages = [str(v).strip() for v in raw.get("villages") or [] if str(v).strip()]
    plan["villages"] = list(dict.fromkeys(villages))[:MAX_VILLAGES]
    for name, columns in ROW_FIELDS.items():
        for row in (raw.get(name) or [])[:MAX_ROWS]:
            clean = {c: str((row or {}).get(c) or "").strip() for c in columns}
            if any(clean.values()):
                plan[name].append(clean)
    return plan


def _valid_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def missing_fields(plan: dict) -> list[str]:
    """Everything that stops submission, each named; empty when the plan can be submitted."""
    problems = [str(_l("%(field)s is empty.", field=LABELS[name]))
                for name in ("title", "problem", "evidence") if not plan[name]]
    if not plan["target_group"] and not plan["villages"]:
        problems.append(str(_l("Name the target group or choose at least one village.")))
    for name, columns in ROW_FIELDS.items():
        if not plan[name]:
            problems.append(str(_l("%(field)s: add at least one row.", field=LABELS[name])))
        for number, row in enumerate(plan[name], 1):
            for column in columns:
                value = row[column]
                where = {"field": LABELS[name], "row": number, "column": LABELS[column]}
                if not value and (name, column) not in OPTIONAL_COLUMNS:
                    problems.append(str(_l("%(field)s, row %(row)d: %(column)s is empty.",
                                           **where)))
                elif value and (name, column) in DATE_COLUMNS and not _valid_date(value):
                    problems.append(str(_l("%(field)s, row %(row)d: %(column)s must be a date "
                                           "(YYYY-MM-DD).", **where)))
                elif value and (name, column) in CHOICES and value not in CHOICES[(name,
                                                                                   column)]:
                    problems.append(str(_l("%(field)s, row %(row)d: %(column)s is not one of "
                                           "the choices.", **where)))
    roles = {row["role"] for row in plan["stakeholders"] if row["role"]}
    if plan["stakeholders"] and len(roles) < 2:
        problems.append(str(_l("Stakeholders: a collaborative plan involves at least two "
                               "pentahelix roles.")))
    if not plan["sustainability"]:
        problems.append(str(_l("%(field)s is empty.", field=LABELS["sustainability"])))
    return problems


@dataclass(frozen=True)
class FieldDiff:
    field: str
    #: Safe HTML: escaped text with <ins>/<del> marks.
    html: str


def _as_lines(plan: dict, name: str) -> list[str]:
    if name == "villages":
        return list(plan.get("villages") or [])
    if name in ROW_FIELDS:
        return [" | ".join(row.get(c, "") for c in ROW_FIELDS[name]) for row in plan.get(name)
                or []]
    return (plan.get(name) or "").split()


def _marked(old: list[str], new: list[str], joiner: str) -> str:
    if len(old) + len(new) > MAX_DIFF_TOKENS:
        return f"<del>{escape(joiner.join(old))}</del><ins>{escape(joiner.join(new))}</ins>"
    parts = []
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(a=old, b=new,
                                                      autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape(joiner.join(old[a1:a2])))
            continue
        if a2 > a1:
            parts.append(f"<del>{escape(joiner.join(old[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{escape(joiner.join(new[b1:b2]))}</ins>")
    return joiner.join(parts)


def diff(old: dict, new: dict) -> list[FieldDiff]:
    """The fields that changed between two versions, word by word (rows line by line)."""
    changes = []
    for name in (*TEXT_FIELDS[:4], "villages", *ROW_FIELDS, "sustainability"):
        before, after = _as_lines(old, name), _as_lines(new, name)
        if before != after:
            joiner = " " if name in TEXT_FIELDS else "\n"
            changes.append(FieldDiff(name, _marked(before, after, joiner)))
    return changes
