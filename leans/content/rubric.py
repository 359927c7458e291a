"""Grading rubrics (``content/rubrics/*.md``): the scale, the score bands, the cap for a
criterion below its minimum and the criteria with weights and levels in the front matter,
guidance for graders in the body. Loaded and checked with file:line problems.

The scale (rubric v2, issue 16):

- ``scale`` gives every level its label and its score on 0-100 (the lowest level scores 0,
  the highest 100) and the predicate a plan lands in when every criterion is at that level;
- a plan's score is the weighted mean of its levels' scores (weights add up to 100);
- ``bands`` write the predicate ranges out in the rubric; they must be the ranges the app is
  configured with (``LEANS_PREDICATE_THRESHOLDS``), or the check reports both;
- ``min_level`` (per criterion) and ``below_minimum_cap``: a criterion graded below its
  minimum caps the predicate at that predicate, whatever the score.

Predicate ranges are parsed here (not in ``assessments.plans``), so that the content check can
compare them without the app.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from leans.content.problems import Problem
from leans.content.yamlcheck import Checker, LineLoader, front_matter_end
from leans.core.config import load_config
from leans.core.slugs import is_slug

#: The setting the rubric's bands must agree with.
THRESHOLDS_SETTING = "LEANS_PREDICATE_THRESHOLDS"
#: What every rubric must add its criteria's weights up to.
TOTAL_WEIGHT = 100

_THRESHOLD_RE = re.compile(r"^\s*(.+?)\s*(>=|>)\s*(\d+(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Threshold:
    """One predicate range: scores above ``value`` (or from it, when ``inclusive``)."""

    predicate: str
    inclusive: bool
    value: float

    def admits(self, score: float) -> bool:
        return score >= self.value if self.inclusive else score > self.value

    def __str__(self) -> str:
        return f"{self.predicate} {'>=' if self.inclusive else '>'} {self.value:g}"


class ThresholdError(ValueError):
    pass


def parse_thresholds(text: str) -> list[Threshold]:
    """``"Sangat Memuaskan>90;Memuaskan>80;...;Tidak Memuaskan>=0"``, highest first."""
    thresholds = []
    for part in filter(str.strip, text.split(";")):
        match = _THRESHOLD_RE.match(part)
        if not match:
            raise ThresholdError(f"predicate range {part.strip()!r} must look like "
                                 "'Memuaskan>80' or 'Tidak Memuaskan>=0'")
        name, op, value = match.groups()
        thresholds.append(Threshold(name, op == ">=", float(value)))
    if not thresholds:
        raise ThresholdError("no predicate ranges configured")
    values = [t.value for t in thresholds]
    if values != sorted(values, reverse=True):
        raise ThresholdError("predicate ranges must go from the highest to the lowest score")
    return thresholds


def predicate(score: float, thresholds: list[Threshold] | tuple[Threshold, ...]) -> str:
    """The first predicate whose range admits the score (ranges are highest first)."""
    for threshold in thresholds:
        if threshold.admits(score):
            return threshold.predicate
    return thresholds[-1].predicate


def configured_thresholds(env: Mapping[str, str] | None = None) -> str:
    """``LEANS_PREDICATE_THRESHOLDS`` as the app reads it: from the environment, or its
    default (``leans content check`` runs without the app)."""
    env = os.environ if env is None else env
    return load_config({THRESHOLDS_SETTING: env[THRESHOLDS_SETTING]}
                       if THRESHOLDS_SETTING in env else {})[THRESHOLDS_SETTING]


@dataclass(frozen=True)
class ScaleLevel:
    """A level of the scale every criterion shares."""

    points: int
    label: str
    #: The level's score on 0-100.
    score: float
    #: The predicate of a plan with every criterion at this level (checked against the bands).
    predicate: str


@dataclass(frozen=True)
class Level:
    points: int
    label: str
    descriptor: str
    #: The level's score on 0-100, from the scale.
    score: float


@dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    weight: float
    description: str
    #: Highest points first.
    levels: tuple[Level, ...]
    #: The lowest level that does not cap the predicate (points).
    min_level: int

    @property
    def max_points(self) -> int:
        return max(level.points for level in self.levels)

    def level(self, points: int) -> Level | None:
        return next((level for level in self.levels if level.points == points), None)

    @property
    def minimum(self) -> Level:
        """The minimum level (``min_level``)."""
        return self.level(self.min_level)

    def below_minimum(self, points: int | None) -> bool:
        return points is not None and points < self.min_level


@dataclass(frozen=True)
class Rubric:
    slug: str
    title: str
    criteria: tuple[Criterion, ...]
    guidance: str
    path: Path
    #: Highest level first.
    scale: tuple[ScaleLevel, ...]
    #: The predicate ranges as written in the rubric, highest first.
    bands: tuple[Threshold, ...]
    #: The highest predicate a plan with a criterion below its minimum can get.
    below_minimum_cap: str

    def below_minimum(self, levels: Mapping[str, int | None]) -> list[Criterion]:
        """The criteria graded below their minimum level (ungraded ones are not)."""
        return [c for c in self.criteria if c.below_minimum(levels.get(c.id))]


def _bands(checker: Checker, data: dict) -> tuple[tuple[Threshold, ...], list[int]]:
    """The bands, highest first, and the line of each."""
    raw = checker.field(data, "bands", list, check=bool, hint="must be a non-empty list")
    bands: list[Threshold] = []
    lines: list[int] = []
    for item in raw or []:
        if not isinstance(item, dict):
            checker.add(data["__lines__"]["bands"], "each band needs a predicate and 'above' "
                                                    "(score > value) or 'from' (score >= value)")
            continue
        checker.unknown(item, ("predicate", "above", "from"), "a band")
        name = checker.field(item, "predicate", str, check=str.strip,
                             hint="must be non-empty text")
        if ("above" in item) == ("from" in item):
            checker.add(item["__line__"], "a band needs exactly one of 'above' (score > value) "
                                          "or 'from' (score >= value)")
            continue
        key = "above" if "above" in item else "from"
        value = checker.field(item, key, (int, float), check=lambda v: 0 <= v <= 100,
                              hint="must be a number from 0 to 100")
        if None not in (name, value):
            bands.append(Threshold(name.strip(), key == "from", float(value)))
            lines.append(item["__line__"])
    values = [band.value for band in bands]
    if values != sorted(values, reverse=True) or len(set(values)) != len(values):
        checker.add(data["__lines__"]["bands"], "bands must go from the highest to the lowest "
                                                "score, each lower than the one before")
    names = [band.predicate for band in bands]
    if len(set(names)) != len(names):
        checker.add(data["__lines__"]["bands"], "each predicate may have only one band")
    if bands and not (bands[-1].inclusive and bands[-1].value == 0):
        checker.add(data["__lines__"]["bands"], "the lowest band must start 'from: 0', so that "
                                                "every score has a predicate")
    return tuple(bands), lines


def _band_differences(bands: tuple[Threshold, ...], configured: list[Threshold]
                      ) -> list[tuple[int | None, str]]:
    """How the bands differ from the configured ranges: (index of the band or None, message
    with both values)."""
    if list(bands) == configured:
        return []
    found: list[tuple[int | None, str]] = [
        (index, f"band {index + 1} is '{mine}' here but '{theirs}' in {THRESHOLDS_SETTING}")
        for index, (mine, theirs) in enumerate(zip(bands, configured, strict=False))
        if mine != theirs]
    if len(bands) != len(configured):
        found.append((None, f"the rubric has {len(bands)} bands but {THRESHOLDS_SETTING} has "
                            f"{len(configured)}: here '{'; '.join(map(str, bands))}', "
                            f"configured '{'; '.join(map(str, configured))}'"))
    return found


def _compare_bands(checker: Checker, data: dict, bands: tuple[Threshold, ...],
                   lines: list[int], thresholds: str) -> None:
    """Report every band that differs from the configured predicate ranges, with both."""
    line = data["__lines__"]["bands"]
    try:
        configured = parse_thresholds(thresholds)
    except ThresholdError as error:
        checker.add(line, f"{THRESHOLDS_SETTING} cannot be compared with the bands: {error}")
        return
    for index, message in _band_differences(bands, configured):
        checker.add(line if index is None else lines[index], message)


def band_mismatches(rubric: Rubric, thresholds: list[Threshold]) -> list[str]:
    """``file: message`` for every way the rubric's bands differ from THRESHOLDS (the app's
    own setting, which may not be the environment's), for the app to refuse to start."""
    return [f"{rubric.path}: {message}"
            for _, message in _band_differences(rubric.bands, list(thresholds))]


def _scale(checker: Checker, data: dict,
           bands: tuple[Threshold, ...]) -> tuple[ScaleLevel, ...]:
    raw = checker.field(data, "scale", list, check=lambda v: len(v) >= 2,
                        hint="must be a list of at least 2 levels")
    scale: list[ScaleLevel] = []
    seen: set[int] = set()
    for item in raw or []:
        if not isinstance(item, dict):
            checker.add(data["__lines__"]["scale"],
                        "each level of the scale needs points, label, score and predicate")
            continue
        checker.unknown(item, ("points", "label", "score", "predicate"), "a level of the scale")
        points = checker.field(item, "points", int, check=lambda v: v >= 0,
                               hint="must be a whole number, 0 or more")
        label = checker.field(item, "label", str, check=str.strip, hint="must be non-empty text")
        score = checker.field(item, "score", (int, float), check=lambda v: 0 <= v <= 100,
                              hint="must be a number from 0 to 100")
        name = checker.field(item, "predicate", str, check=str.strip,
                             hint="must be non-empty text")
        if points in seen:
            checker.add(item["__lines__"].get("points", item["__line__"]),
                        f"two levels of the scale have {points} points")
            continue
        seen.add(points)
        if None in (points, label, score, name):
            continue
        level = ScaleLevel(points, label.strip(), float(score), name.strip())
        scale.append(level)
        if bands and predicate(level.score, bands) != level.predicate:
            checker.add(item["__lines__"]["predicate"],
                        f"every criterion at '{level.label}' scores {level.score:g}, which is "
                        f"'{predicate(level.score, bands)}' by the bands, not "
                        f"'{level.predicate}'")
    scale.sort(key=lambda level: -level.points)
    if len(scale) >= 2:
        line = data["__lines__"]["scale"]
        scores = [level.score for level in scale]
        if scores != sorted(set(scores), reverse=True):
            checker.add(line, "a level with more points must score more on the scale")
        if scale[-1].score != 0:
            checker.add(line, f"the lowest level ('{scale[-1].label}') must score 0, not "
                              f"{scale[-1].score:g}")
        if scale[0].score != 100:
            checker.add(line, f"the highest level ('{scale[0].label}') must score 100, not "
                              f"{scale[0].score:g}")
    return tuple(scale)


def _levels(checker: Checker, data: dict, scale: dict[int, ScaleLevel]) -> tuple[Level, ...]:
    raw = checker.field(data, "levels", list, check=lambda v: len(v) >= 2,
                        hint="must be a list of at least 2 levels")
    levels, seen = [], set()
    for item in raw or []:
        if not isinstance(item, dict):
            checker.add(data["__line__"], "each level needs points and a descriptor")
            continue
        checker.unknown(item, ("points", "descriptor"), "a level")
        points = checker.field(item, "points", int, check=lambda v: v >= 0,
                               hint="must be a whole number, 0 or more")
        descriptor = checker.field(item, "descriptor", str, check=str.strip,
                                   hint="must be non-empty text")
        if points in seen:
            checker.add(item["__lines__"].get("points", item["__line__"]),
                        f"two levels have {points} points")
        seen.add(points)
        if points is not None and scale and points not in scale:
            checker.add(item["__lines__"]["points"], f"{points} points is not a level of the "
                                                     "scale")
        elif None not in (points, descriptor) and scale:
            level = scale[points]
            levels.append(Level(points, level.label, descriptor.strip(), level.score))
    missing = sorted(set(scale) - seen, reverse=True)
    if raw and missing:
        checker.add(data["__lines__"]["levels"], "no descriptor for the scale's level(s) "
                    + ", ".join(f"{scale[p].points} ({scale[p].label})" for p in missing))
    return tuple(sorted(levels, key=lambda level: -level.points))


def _criterion(checker: Checker, data: object, seen: dict[str, int],
               scale: dict[int, ScaleLevel]) -> Criterion | None:
    if not isinstance(data, dict):
        checker.add(0, "each criterion must be a mapping with id, title, weight, min_level and "
                       "levels")
        return None
    checker.unknown(data, ("id", "title", "weight", "min_level", "description", "levels"),
                    "a criterion")
    cid = checker.field(data, "id", str, check=is_slug, hint="must be a-z, 0-9 and '-'")
    title = checker.field(data, "title", str, check=str.strip, hint="must be non-empty text")
    weight = checker.field(data, "weight", (int, float), check=lambda v: v > 0,
                           hint="must be a number greater than 0")
    minimum = checker.field(data, "min_level", int, check=lambda v: not scale or v in scale,
                            hint="must be the points of a level of the scale")
    description = checker.field(data, "description", str, required=False, default="")
    levels = _levels(checker, data, scale)
    if cid in seen:
        checker.add(data["__lines__"]["id"], f"duplicate criterion id '{cid}' (also on line "
                                             f"{seen[cid] + checker.offset})")
        return None
    if cid:
        seen[cid] = data["__lines__"]["id"]
    if None in (cid, title, weight, minimum) or len(levels) < 2:
        return None
    return Criterion(cid, title.strip(), float(weight), description.strip(), levels, minimum)


def load_rubric(path: Path, thresholds: str | None = None) -> tuple[Rubric | None, list[Problem]]:
    """The rubric in PATH, checked; its bands against THRESHOLDS (default: the configured
    ``LEANS_PREDICATE_THRESHOLDS``)."""
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
    checker.unknown(data, ("slug", "title", "scale", "bands", "below_minimum_cap", "criteria"),
                    "the rubric")
    slug = checker.field(data, "slug", str, check=is_slug, hint="must be a-z, 0-9 and '-'")
    title = checker.field(data, "title", str, check=str.strip, hint="must be non-empty text")
    before = len(checker.problems)
    bands, band_lines = _bands(checker, data)
    if bands and len(checker.problems) == before:
        _compare_bands(checker, data, bands, band_lines,
                       configured_thresholds() if thresholds is None else thresholds)
    names = [band.predicate for band in bands]
    cap = checker.field(data, "below_minimum_cap", str, check=lambda v: not names or v in names,
                        hint=f"must be the predicate of a band ({', '.join(names)})")
    scale = _scale(checker, data, bands)
    by_points = {level.points: level for level in scale}
    raw = checker.field(data, "criteria", list, check=bool, hint="must be a non-empty list")
    seen: dict[str, int] = {}
    criteria = [c for item in raw or [] if (c := _criterion(checker, item, seen, by_points))]
    total = sum(c.weight for c in criteria)
    if raw and len(criteria) == len(raw) and total != TOTAL_WEIGHT:
        checker.add(data["__lines__"]["criteria"], f"the criteria's weights add up to "
                                                   f"{total:g}, not {TOTAL_WEIGHT}")
    if checker.problems:
        return None, checker.problems
    guidance = "\n".join(lines[end + 1:])
    return Rubric(slug, title.strip(), tuple(criteria), guidance, path, scale, bands,
                  cap.strip()), []


def load_rubrics(folder: Path, thresholds: str | None = None
                 ) -> tuple[dict[str, Rubric], list[Problem]]:
    """Every ``*.md`` rubric in the folder, by slug; bands checked against THRESHOLDS
    (default: the configured ``LEANS_PREDICATE_THRESHOLDS``)."""
    rubrics: dict[str, Rubric] = {}
    problems: list[Problem] = []
    if thresholds is None and folder.is_dir():
        thresholds = configured_thresholds()
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        rubric, found = load_rubric(path, thresholds)
        problems.extend(found)
        if rubric and rubric.slug in rubrics:
            problems.append(Problem(path, 2, f"duplicate rubric slug '{rubric.slug}' (also in "
                                             f"{rubrics[rubric.slug].path})"))
        elif rubric:
            rubrics[rubric.slug] = rubric
    return rubrics, problems
