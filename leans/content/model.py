"""What the content tree holds: modules, lessons, and problems found while loading it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from leans.content.blocks import Block, count_words, parse_blocks
from leans.content.problems import Problem

if TYPE_CHECKING:
    from leans.content.glossary import Glossary
    from leans.content.quiz import Quiz
    from leans.content.rubric import Rubric

READING_WPM = 150
"""Words per minute used to turn a lesson's words into reading minutes (content format v2).

150 words per minute: study reading of Indonesian informational text, often on a phone. This is
deliberately below the ~238 words per minute that Brysbaert (2019, "How many words do we read
per minute? A review and meta-analysis of reading rate", Journal of Memory and Language 109,
104047) found for silent reading of English non-fiction, because participants read to apply,
not to skim."""


@dataclass(frozen=True)
class Objective:
    """A learning objective of a module; quiz items and reports refer to it by ``id``."""

    id: str
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Task:
    """An answerable task: a ``::: tugas ... {id=...}`` block of a lesson."""

    id: str
    title: str
    #: The block's ``menit`` (0 when not given).
    minutes: int
    #: The Markdown inside the block.
    body: str


@dataclass(frozen=True)
class Lesson:
    module_slug: str
    slug: str
    title: str
    order: int
    path: Path
    #: Markdown after the front matter, and the file line it starts on (1-based).
    body: str
    body_line: int
    #: Timed activity not written as a block (e.g. a discussion in class), from the front matter.
    activity_minutes: int = 0

    @cached_property
    def _parsed_blocks(self) -> tuple[tuple[Block, ...], list[tuple[int, str]]]:
        # One parse per lesson object: the loader checks it, the pages reuse it.
        return parse_blocks(self.body)

    @property
    def blocks(self) -> tuple[Block, ...]:
        """The body's container blocks (callouts), in order."""
        return self._parsed_blocks[0]

    @property
    def block_problems(self) -> list[tuple[int, str]]:
        """What is wrong with the blocks' attributes, as (0-based line in the body, message)."""
        return self._parsed_blocks[1]

    @cached_property
    def words(self) -> int:
        """Words of the body (front matter excluded, footnote definitions included)."""
        return count_words(self.body)

    @property
    def reading_minutes(self) -> int:
        return math.ceil(self.words / READING_WPM)

    @property
    def block_minutes(self) -> int:
        """The sum of the ``menit`` of the body's blocks."""
        return sum(block.minutes for block in self.blocks)

    @property
    def estimated_minutes(self) -> int:
        """Reading minutes + the blocks' ``menit`` + ``activity_minutes``."""
        return self.reading_minutes + self.block_minutes + self.activity_minutes

    @cached_property
    def tasks(self) -> tuple[Task, ...]:
        """The answerable tasks, in order; a task without a title takes the lesson's."""
        return tuple(Task(block.task_id, block.title or self.title, block.minutes, block.body)
                     for block in self.blocks if block.task_id)


@dataclass(frozen=True)
class Module:
    slug: str
    title: str
    order: int
    #: Training hours (JP) credited when the module is complete.
    jp: float
    objectives: tuple[Objective, ...]
    prerequisites: tuple[str, ...]
    summary: str
    folder: Path
    path: Path
    overview: str
    body_line: int
    lessons: tuple[Lesson, ...] = ()
    #: Completion rules, from the front matter's ``completion`` (default: all lessons done).
    completion: tuple[str, ...] = ("lessons",)
    #: The module's question bank (``quiz.yaml``), if it has one.
    quiz: Quiz | None = None

    @cached_property
    def lesson_slugs(self) -> frozenset[str]:
        return frozenset(lesson.slug for lesson in self.lessons)

    def objective(self, objective_id: str) -> Objective | None:
        return next((o for o in self.objectives if o.id == objective_id), None)

    @cached_property
    def tasks(self) -> tuple[tuple[Lesson, Task], ...]:
        """Every answerable task of the module with its lesson, in lesson order."""
        return tuple((lesson, task) for lesson in self.lessons for task in lesson.tasks)

    @property
    def words(self) -> int:
        return sum(lesson.words for lesson in self.lessons)

    @property
    def test_minutes(self) -> int:
        """The bank's ``time_limit_minutes`` once for each test it serves as (pre, post)."""
        if self.quiz is None or not self.quiz.time_limit_minutes:
            return 0
        return self.quiz.time_limit_minutes * len(self.quiz.use_as)

    @property
    def estimated_minutes(self) -> int:
        """The lessons' minutes plus the pre-test's and post-test's time limits."""
        return sum(lesson.estimated_minutes for lesson in self.lessons) + self.test_minutes

    def quiz_for(self, kind: str) -> Quiz | None:
        """The bank if it serves as this kind of test (``pre`` or ``post``)."""
        return self.quiz if self.quiz is not None and kind in self.quiz.use_as else None

    def lesson(self, slug: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.slug == slug), None)


@dataclass(frozen=True)
class Catalogue:
    """Every module of the content tree, in order, with the problems found."""

    root: Path
    modules: tuple[Module, ...]
    problems: tuple[Problem, ...] = ()
    #: Grading rubrics from ``rubrics/``, by slug.
    rubrics: dict[str, Rubric] = field(default_factory=dict, compare=False)
    #: The glossary (``glosarium.md``), if the content has one.
    glossary: Glossary | None = None
    _by_slug: dict[str, Module] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_slug.update({module.slug: module for module in self.modules})

    def module(self, slug: str) -> Module | None:
        return self._by_slug.get(slug)

    @property
    def ok(self) -> bool:
        return not self.problems
