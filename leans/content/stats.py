"""``leans content stats``: per module words, minutes, JP, pools and key balance, as a table."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from leans.content.model import Catalogue, Module
from leans.content.quality import MIN_ITEMS_PER_OBJECTIVE, key_is_longest, objective_counts
from leans.content.quiz import USES


@dataclass(frozen=True)
class ModuleStats:
    order: int
    slug: str
    lessons: int
    words: int
    reading_minutes: int
    activity_minutes: int
    test_minutes: int
    estimated_minutes: int
    jp: float
    jp_minutes: float
    #: (declared - estimate) / estimate, in percent; None without an estimate.
    difference: float | None
    #: Items per form (pre, post); 0 without a bank.
    items: dict[str, int]
    objectives: int
    #: Objectives with enough items in every form the bank serves as.
    objectives_covered: int
    #: The fewest items any objective has in any form the bank serves as (None: no bank).
    min_items: int | None
    singles: int
    longest_keys: int

    @property
    def longest_share(self) -> float | None:
        return self.longest_keys / self.singles if self.singles else None


def module_stats(module: Module, jp_minutes: int) -> ModuleStats:
    quiz = module.quiz
    estimate = module.estimated_minutes
    declared = module.jp * jp_minutes
    used = sorted(quiz.use_as) if quiz else []
    per_form = [objective_counts(module, kind) for kind in used]
    covered = sum(all(counts.get(o.id, 0) >= MIN_ITEMS_PER_OBJECTIVE for counts in per_form)
                  for o in module.objectives) if quiz else 0
    fewest = min((count for counts in per_form for count in counts.values()), default=None)
    singles = [q for q in quiz.questions if q.type == "single"] if quiz else []
    return ModuleStats(
        order=module.order, slug=module.slug, lessons=len(module.lessons), words=module.words,
        reading_minutes=sum(lesson.reading_minutes for lesson in module.lessons),
        activity_minutes=sum(lesson.block_minutes + lesson.activity_minutes
                             for lesson in module.lessons),
        test_minutes=module.test_minutes, estimated_minutes=estimate, jp=module.jp,
        jp_minutes=declared,
        difference=(declared - estimate) / estimate * 100 if estimate else None,
        items={kind: len(quiz.pool(kind)) if quiz else 0 for kind in USES},
        objectives=len(module.objectives), objectives_covered=covered, min_items=fewest,
        singles=len(singles), longest_keys=sum(key_is_longest(q) for q in singles),
    )


def course_stats(catalogue: Catalogue, jp_minutes: int) -> list[ModuleStats]:
    return [module_stats(module, jp_minutes) for module in catalogue.modules]


def _percent(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value:+.0f}%" if signed else f"{value:.0f}%"


#: (header, width, value) of each column of the text table; the first is left-aligned.
_COLUMNS = (
    ("module", 24, lambda s: f"{s.order:02d} {s.slug}"),
    ("words", 6, lambda s: f"{s.words:,}"),
    ("read", 4, lambda s: str(s.reading_minutes)),
    ("act", 4, lambda s: str(s.activity_minutes)),
    ("test", 4, lambda s: str(s.test_minutes)),
    ("est", 5, lambda s: str(s.estimated_minutes)),
    ("JP", 4, lambda s: f"{s.jp:g}"),
    ("JP min", 6, lambda s: f"{s.jp_minutes:g}"),
    ("diff", 5, lambda s: _percent(s.difference, signed=True)),
    ("pre", 4, lambda s: str(s.items["pre"])),
    ("post", 4, lambda s: str(s.items["post"])),
    ("obj ok", 6, lambda s: f"{s.objectives_covered}/{s.objectives}"),
    ("min", 3, lambda s: "-" if s.min_items is None else str(s.min_items)),
    ("longest", 7, lambda s: _percent(None if s.longest_share is None else s.longest_share * 100)),
)


def _row(cells: list[str]) -> str:
    out = []
    for (_header, width, _value), cell in zip(_COLUMNS, cells, strict=True):
        if not out:
            out.append(cell if len(cell) <= width else cell[:width - 1] + "…")
            out[0] = out[0].ljust(width)
        else:
            out.append(cell.rjust(width))
    return " ".join(out).rstrip()


def _summary(rows: list[ModuleStats], jp_minutes: int) -> str:
    estimate = sum(r.estimated_minutes for r in rows)
    jp = sum(r.jp for r in rows)
    declared = jp * jp_minutes
    difference = (declared - estimate) / estimate * 100 if estimate else None
    singles = sum(r.singles for r in rows)
    longest = sum(r.longest_keys for r in rows) / singles * 100 if singles else None
    return "\n".join((
        f"course: {len(rows)} modules, {sum(r.lessons for r in rows)} lessons, "
        f"{sum(r.words for r in rows):,} words",
        f"        estimate {estimate:,} minutes: reading {sum(r.reading_minutes for r in rows)}, "
        f"activities {sum(r.activity_minutes for r in rows)}, tests "
        f"{sum(r.test_minutes for r in rows)}",
        f"        declared {jp:g} JP = {declared:g} minutes at {jp_minutes} per JP "
        f"({_percent(difference, signed=True)} of the estimate)",
        f"        items: pre {sum(r.items['pre'] for r in rows)}, post "
        f"{sum(r.items['post'] for r in rows)}; objectives covered "
        f"{sum(r.objectives_covered for r in rows)}/{sum(r.objectives for r in rows)}",
        f"        the key is the longest option in {_percent(longest)} of {singles} "
        "single-choice items",
    ))


def stats_table(rows: list[ModuleStats], jp_minutes: int) -> str:
    """A plain text table, one line per module (under 100 columns), then the course line."""
    lines = [_row([header for header, _width, _value in _COLUMNS])]
    lines.extend(_row([value(row) for _header, _width, value in _COLUMNS]) for row in rows)
    lines.append("")
    lines.append(_summary(rows, jp_minutes))
    return "\n".join(lines) + "\n"


CSV_HEADER = ("order", "module", "lessons", "words", "reading_minutes", "activity_minutes",
              "test_minutes", "estimated_minutes", "jp", "jp_minutes", "difference_percent",
              "items_pre", "items_post", "objectives", "objectives_covered",
              "min_items_per_objective_form", "single_choice_items", "longest_keys")


def stats_csv(rows: list[ModuleStats]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for r in rows:
        writer.writerow((r.order, r.slug, r.lessons, r.words, r.reading_minutes,
                         r.activity_minutes, r.test_minutes, r.estimated_minutes, f"{r.jp:g}",
                         f"{r.jp_minutes:g}",
                         "" if r.difference is None else f"{r.difference:.1f}",
                         r.items["pre"], r.items["post"], r.objectives, r.objectives_covered,
                         "" if r.min_items is None else r.min_items, r.singles, r.longest_keys))
    return out.getvalue()
