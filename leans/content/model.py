"""What the content tree holds: modules, lessons, and problems found while loading it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from leans.content.problems import Problem

if TYPE_CHECKING:
    from leans.content.quiz import Quiz
    from leans.content.rubric import Rubric


@dataclass(frozen=True)
class Lesson:
    module_slug: str
    slug: str
    title: str
    order: int
    estimated_minutes: int
    path: Path
    #: Markdown after the front matter, and the file line it starts on (1-based).
    body: str
    body_line: int


@dataclass(frozen=True)
class Module:
    slug: str
    title: str
    order: int
    #: Training hours (JP) credited when the module is complete.
    jp: float
    estimated_minutes: int
    objectives: tuple[str, ...]
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
    _by_slug: dict[str, Module] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_slug.update({module.slug: module for module in self.modules})

    def module(self, slug: str) -> Module | None:
        return self._by_slug.get(slug)

    @property
    def ok(self) -> bool:
        return not self.problems
