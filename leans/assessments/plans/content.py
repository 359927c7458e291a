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
#: Fields that submission needs filled in (the target group may be replaced by villages;
#: each table needs a row: see ``rules``).
REQUIRED_FIELDS = ("title", "problem", "evidence", "sustainability")
#: Different pentahelix roles among the stakeholders that submission needs.
MIN_ROLES = 2
#: What one row of each table is, to name its fields apart ("Name, partner 2").
ROW_ITEMS = {"indicators": _l("indicator"), "stakeholders": _l("partner"),
             "activities": _l("step"), "budget": _l("budget line"), "risks": _l("item")}

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


@dataclass(frozen=True)
class Problem:
    """One gap that stops submission and where to fix it: FIELD (a text field, or a table
    with ROW, counted from 0, and COLUMN). CELL is true when the message is about that cell,
    false when it is about the whole table."""

    field: str
    message: str
    row: int | None = None
    column: str | None = None
    cell: bool = False


def _cell_problem(name: str, number: int, column: str, value: str) -> str | None:
    """What is wrong with one cell of a table (row NUMBER counted from 1), if anything."""
    where = {"field": LABELS[name], "row": number, "column": LABELS[column]}
    if not value and (name, column) not in OPTIONAL_COLUMNS:
        return str(_l("%(field)s, row %(row)d: %(column)s is empty.", **where))
    if value and (name, column) in DATE_COLUMNS and not _valid_date(value):
        return str(_l("%(field)s, row %(row)d: %(column)s must be a date (YYYY-MM-DD).",
                      **where))
    if value and (name, column) in CHOICES and value not in CHOICES[(name, column)]:
        return str(_l("%(field)s, row %(row)d: %(column)s is not one of the choices.",
                      **where))
    return None


def plan_problems(plan: dict) -> list[Problem]:
    """Everything that stops submission, in the order of the form, each named and placed;
    empty when the plan can be submitted."""
    problems = [Problem(name, str(_l("%(field)s is empty.", field=LABELS[name])))
                for name in ("title", "problem", "evidence") if not plan[name]]
    if not plan["target_group"] and not plan["villages"]:
        problems.append(Problem("target_group", str(_l(
            "Name the target group or choose at least one village."))))
    for name, columns in ROW_FIELDS.items():
        if not plan[name]:
            problems.append(Problem(name, str(_l("%(field)s: add at least one row.",
                                                 field=LABELS[name])), 0, columns[0]))
        for index, row in enumerate(plan[name]):
            for column in columns:
                message = _cell_problem(name, index + 1, column, row[column])
                if message:
                    problems.append(Problem(name, message, index, column, cell=True))
    roles = {row["role"] for row in plan["stakeholders"] if row["role"]}
    if plan["stakeholders"] and len(roles) < MIN_ROLES:
        # Fixed in the second row: another row, or another role in it.
        problems.append(Problem("stakeholders", str(_l(
            "Stakeholders: a collaborative plan involves at least two pentahelix roles.")),
            1, "role"))
    if not plan["sustainability"]:
        problems.append(Problem("sustainability", str(_l("%(field)s is empty.",
                                                         field=LABELS["sustainability"]))))
    return problems


def missing_fields(plan: dict) -> list[str]:
    """Everything that stops submission, each named; empty when the plan can be submitted."""
    return [problem.message for problem in plan_problems(plan)]


def rules(name: str) -> list[str]:
    """What submission asks of the field or table NAME, in words, to show beside it before
    submitting (``plan_problems`` checks the same; fields in REQUIRED_FIELDS are only
    marked as required)."""
    if name in ("target_group", "villages"):
        texts = [_l("Name the target group or choose at least one village.")]
        if name == "villages":
            texts.append(_l("At most %(n)d villages.", n=MAX_VILLAGES))
        return [str(text) for text in texts]
    if name not in ROW_FIELDS:
        return []
    columns = ROW_FIELDS[name]
    optional = [str(LABELS[c]) for c in columns if (name, c) in OPTIONAL_COLUMNS]
    texts = [_l("At least one row; at most %(n)d.", n=MAX_ROWS)]
    if optional:
        texts.append(_l("In each row you fill in, every column is needed except "
                        "%(columns)s.", columns=", ".join(optional)))
    else:
        texts.append(_l("In each row you fill in, every column is needed."))
    if any((name, c) in DATE_COLUMNS for c in columns):
        texts.append(_l("Dates as YYYY-MM-DD."))
    if name == "stakeholders":
        texts.append(_l("At least two different pentahelix roles: a collaborative plan "
                        "involves more than one sector."))
    return [str(text) for text in texts]


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
