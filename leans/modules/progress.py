"""Completion rules and progress, computed from recorded facts and the current content.

Plain functions on plain values: no database, no request. A lesson removed from the content no
longer counts; percentages are capped by construction (done lessons are counted only among the
lessons that exist).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from leans.content.model import Module
from leans.core.labels import Labelled

#: lesson slug -> when it was marked done
LessonFacts = Mapping[str, dt.datetime]
#: task id -> when an answer to it was first sent
TaskFacts = Mapping[str, dt.datetime]


@dataclass(frozen=True)
class ModuleFacts:
    """What was recorded for one module of one training."""

    lessons: LessonFacts = field(default_factory=dict)
    #: When the post-test rule was met (per the bank's best/last policy), if it was.
    post_test_passed_at: dt.datetime | None = None
    #: When the participant's action plan was approved, if it was.
    plan_approved_at: dt.datetime | None = None
    #: The module's tasks with an answer sent.
    tasks: TaskFacts = field(default_factory=dict)


NO_FACTS = ModuleFacts()


class ProgressStatus(Labelled):
    LOCKED = "locked"
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"


@dataclass(frozen=True)
class Missing:
    """One unmet completion rule, with what the template needs to explain and link it."""

    #: ``prerequisite`` (module slug/title), ``lesson`` (lesson slug/title), ``task`` (its
    #: lesson's slug, the task's title and id), ``post_test`` or ``action_plan`` (module
    #: slug/title).
    kind: str
    slug: str
    title: str
    #: ``task``: the task's id (its anchor on the lesson page is ``tugas-<id>``).
    task: str | None = None


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    done: frozenset[str]
    status: ProgressStatus
    completed_at: dt.datetime | None
    last_activity: dt.datetime | None
    unmet_prerequisites: tuple[Module, ...] = ()
    post_test_passed: bool = False
    plan_approved: bool = False
    #: The ids of the module's tasks with an answer sent.
    tasks_sent: frozenset[str] = frozenset()
    #: What the rules count: each lesson, each task when ``tasks`` is a rule, plus the
    #: post-test and the action plan when they are rules; and how many of those are done.
    steps_total: int = 0
    steps_done: int = 0

    @cached_property
    def missing(self) -> tuple[Missing, ...]:
        """Each unmet rule, in the order to fix them (built only when a page asks)."""
        missing = [Missing("prerequisite", m.slug, m.title) for m in self.unmet_prerequisites]
        if "lessons" in self.module.completion:
            missing += [Missing("lesson", lesson.slug, lesson.title)
                        for lesson in self.module.lessons if lesson.slug not in self.done]
        if "tasks" in self.module.completion:
            missing += [Missing("task", lesson.slug, task.title, task.id)
                        for lesson, task in self.module.tasks if task.id not in self.tasks_sent]
        if "post_test" in self.module.completion and not self.post_test_passed:
            missing.append(Missing("post_test", self.module.slug, self.module.title))
        if "action_plan" in self.module.completion and not self.plan_approved:
            missing.append(Missing("action_plan", self.module.slug, self.module.title))
        return tuple(missing)

    @property
    def lessons_total(self) -> int:
        return len(self.module.lessons)

    @property
    def lessons_done(self) -> int:
        return len(self.done)

    @property
    def percent(self) -> int:
        if not self.steps_total:
            return 100 if self.status is ProgressStatus.COMPLETE else 0
        return min(100, self.steps_done * 100 // self.steps_total)

    @property
    def complete(self) -> bool:
        return self.status is ProgressStatus.COMPLETE

    @property
    def jp_earned(self) -> float:
        return self.module.jp if self.complete else 0

    def next_lesson_slug(self) -> str | None:
        """The first lesson, in order, that is not done yet."""
        return next((lesson.slug for lesson in self.module.lessons
                     if lesson.slug not in self.done), None)


def module_progress(module: Module, facts: ModuleFacts = NO_FACTS,
                    unmet_prerequisites: Sequence[Module] = ()) -> ModuleProgress:
    """Apply the module's completion rules to the facts."""
    existing = module.lesson_slugs
    rules = module.completion
    done = existing.intersection(facts.lessons) if facts.lessons else frozenset()
    times = [facts.lessons[slug] for slug in done]
    lessons_met = "lessons" not in module.completion or len(done) == len(existing)
    post_passed = facts.post_test_passed_at is not None
    post_met = "post_test" not in module.completion or post_passed
    if "post_test" in module.completion and post_passed:
        times.append(facts.post_test_passed_at)
    approved = facts.plan_approved_at is not None
    plan_met = "action_plan" not in module.completion or approved
    if "action_plan" in module.completion and approved:
        times.append(facts.plan_approved_at)
    task_ids = {task.id for _lesson, task in module.tasks}
    sent = frozenset(task_ids.intersection(facts.tasks)) if facts.tasks else frozenset()
    tasks_met = "tasks" not in rules or len(sent) == len(task_ids)
    if "tasks" in rules:
        times += [facts.tasks[task_id] for task_id in sent]
    complete = (not unmet_prerequisites and lessons_met and tasks_met and post_met and plan_met
                and bool(existing))
    if unmet_prerequisites:
        status = ProgressStatus.LOCKED
    elif complete:
        status = ProgressStatus.COMPLETE
    elif done or sent:
        status = ProgressStatus.IN_PROGRESS
    else:
        status = ProgressStatus.NOT_STARTED
    return ModuleProgress(
        module=module, done=done, status=status,
        completed_at=max(times) if complete and times else None,
        last_activity=max(times) if times else None,
        unmet_prerequisites=tuple(unmet_prerequisites), post_test_passed=post_passed,
        plan_approved=approved, tasks_sent=sent,
        steps_total=len(existing) + ("post_test" in rules) + ("action_plan" in rules)
        + (len(task_ids) if "tasks" in rules else 0),
        steps_done=len(done) + ("post_test" in rules and post_passed)
        + ("action_plan" in rules and approved) + (len(sent) if "tasks" in rules else 0),
    )


def training_progress(modules: Sequence[Module],
                      facts: Mapping[str, ModuleFacts]) -> list[ModuleProgress]:
    """Progress of every module of a training, in order; prerequisites are those modules of
    the same training that are not complete (a prerequisite the training does not use is
    ignored)."""
    by_slug = {module.slug: module for module in modules}
    results: dict[str, ModuleProgress] = {}

    def progress_of(module: Module, seen: frozenset[str] = frozenset()) -> ModuleProgress:
        if module.slug in results:
            return results[module.slug]
        unmet = [
            by_slug[slug] for slug in module.prerequisites
            if slug in by_slug and slug not in seen
            and not progress_of(by_slug[slug], seen | {module.slug}).complete
        ]
        results[module.slug] = module_progress(module, facts.get(module.slug, NO_FACTS), unmet)
        return results[module.slug]

    return [progress_of(module) for module in modules]


def overall_percent(progress: Sequence[ModuleProgress]) -> int:
    """Share of all steps (lessons, tasks, post-tests, the plan) of the training that are
    done (0-100)."""
    total = sum(p.steps_total for p in progress)
    done = sum(p.steps_done for p in progress)
    return min(100, done * 100 // total) if total else 0
