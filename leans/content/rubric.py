"""Grading rubrics (``content/rubrics/*.md``): criteria with weights and levels in the front
matter, guidance for graders in the body. Loaded and checked with file:line problems."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from leans.content.problems import Problem
from leans.content.yamlcheck import Checker, LineLoader, front_matter_end
from leans.core.slugs import is_slug


@dataclass(frozen=True)
class Level:
    points: int
    label: str
    descriptor: str


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    weight: float
    description: str
    #: Highest points first.
    levels: tuple[Level, ...]

    @property
    def max_points(self) -> int:
        return max(level.points for level in self.levels)

    def level(self, points: int) -> Level | None:
        return next((level for level in self.levels if level.points == points), None)


@dataclass(frozen=True)
class Rubric:
    slug: str
    title: str
    criteria: tuple[Criterion, ...]
    guidance: str
    path: Path


def _levels(checker: Checker, data: dict) -> tuple[Level, ...]:
    raw = checker.field(data, "levels", list, check=lambda v: len(v) >= 2,
                        hint="must be a list of at least 2 levels")
    levels, seen = [], set()
    for item in raw or []:
        if not isinstance(item, dict):
            checker.add(data["__line__"], "each level needs points, label and descriptor")
            continue
        checker.unknown(item, ("points", "label", "descriptor"), "a level")
        points = checker.field(item, "points", int, check=lambda v: v >= 0,
                               hint="must be a whole number, 0 or more")
        label = checker.field(item, "label", str, check=str.strip, hint="must be non-empty text")
        descriptor = checker.field(item, "descriptor", str, check=str.strip,
                                   hint="must be non-empty text")
        if points in seen:
            checker.add(item["__lines__"].get("points", item["__line__"]),
                        f"two levels have {points} points")
        seen.add(points)
        if None not in (points, label, descriptor):
            levels.append(Level(points, label.strip(), descriptor.strip()))
    if levels and max(level.points for level in levels) == 0:
        checker.add(data["__line__"], "the best level must be worth more than 0 points")
    return tuple(sorted(levels, key=lambda level: -level.points))


def _criterion(checker: Checker, data: object, seen: dict[str, int]) -> Criterion | None:
    if not isinstance(data, dict):
        checker.add(0, "each criterion must be a mapping with id, title, weight and levels")
        return None
    checker.unknown(data, ("id", "title", "weight", "description", "levels"), "a criterion")
    cid = checker.field(data, "id", str, check=is_slug, hint="must be a-z, 0-9 and '-'")
    title = checker.field(data, "title", str, check=str.strip, hint="must be non-empty text")
    weight = checker.field(data, "weight", (int, float), check=lambda v: v > 0,
                           hint="must be a number greater than 0")
    description = checker.field(data, "description", str, required=False, default="")
    levels = _levels(checker, data)
    if cid in seen:
        checker.add(data["__lines__"]["id"], f"duplicate criterion id '{cid}' (also on line "
                                             f"{seen[cid] + checker.offset})")
        return None
    if cid:
        seen[cid] = data["__lines__"]["id"]
    if None in (cid, title, weight) or len(levels) < 2:
        return None
    return Criterion(cid, title.strip(), float(weight), description.strip(), levels)


def load_rubric(path: Path) -> tuple[Rubric | None, list[Problem]]:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    end, problem = front_matter_end(path, lines)
    if problem or end is None:
        return None, [problem] if problem else []
    checker = Checker(path, offset=1)
    try:
        data = yaml.load("\n".join(lines[1:end]), Loader=LineLoader)  # noqa: S506 - SafeLoader
    except (yaml.YAMLError, TypeError, ValueError) as exc:  # TypeError: a key that is a list
        mark = getattr(exc, "problem_mark", None)
        checker.add(mark.line + 1 if mark else 1, f"front matter is not valid YAML: "
                                                  f"{getattr(exc, 'problem', exc)}")
        return None, checker.problems
    if not isinstance(data, dict):
        return None, [Problem(path, 2, "front matter must be a mapping")]
    checker.unknown(data, ("slug", "title", "criteria"), "the rubric")
    slug = checker.field(data, "slug", str, check=is_slug, hint="must be a-z, 0-9 and '-'")
    title = checker.field(data, "title", str, check=str.strip, hint="must be non-empty text")
    raw = checker.field(data, "criteria", list, check=bool, hint="must be a non-empty list")
    seen: dict[str, int] = {}
    criteria = [c for item in raw or [] if (c := _criterion(checker, item, seen))]
    if checker.problems:
        return None, checker.problems
    guidance = "\n".join(lines[end + 1:])
    return Rubric(slug, title.strip(), tuple(criteria), guidance, path), []


def load_rubrics(folder: Path) -> tuple[dict[str, Rubric], list[Problem]]:
    """Every ``*.md`` rubric in the folder, by slug."""
    rubrics: dict[str, Rubric] = {}
    problems: list[Problem] = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        rubric, found = load_rubric(path)
        problems.extend(found)
        if rubric and rubric.slug in rubrics:
            problems.append(Problem(path, 2, f"duplicate rubric slug '{rubric.slug}' (also in "
                                             f"{rubrics[rubric.slug].path})"))
        elif rubric:
            rubrics[rubric.slug] = rubric
    return rubrics, problems
