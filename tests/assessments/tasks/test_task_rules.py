"""The completion rule ``tasks`` and where the answer boxes go: plain functions, no app."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from leans.assessments.tasks.placement import split_after_tasks
from leans.content.markdown import render
from leans.content.model import Lesson
from leans.modules.progress import ModuleFacts, ProgressStatus, module_progress
from tests.fixtures.content import make_module

T1 = dt.datetime(2026, 10, 6, 3, tzinfo=dt.UTC)
T2 = dt.datetime(2026, 10, 9, 3, tzinfo=dt.UTC)
T3 = dt.datetime(2026, 10, 12, 3, tzinfo=dt.UTC)

BODY_A = ("## Bagian A\n\nTeks A.\n\n::: tugas Petakan aktor {id=peta-aktor menit=30}\n"
          "Tulis tiga aktor.\n:::\n\nTeks tengah.\n\n::: tugas {id=tanpa-judul}\nTulis.\n:::\n")
BODY_B = "Teks B.\n\n::: tugas Rencana kecil {id=rencana}\nTulis rencana.\n:::\n"


def module_with_tasks(completion=("lessons", "tasks")):
    """Lessons a (tasks peta-aktor, tanpa-judul) and b (task rencana)."""
    module = make_module("satu", ["a", "b"], completion=completion)
    bodies = {"a": BODY_A, "b": BODY_B}
    lessons = tuple(dataclasses.replace(lesson, body=bodies[lesson.slug])
                    for lesson in module.lessons)
    return dataclasses.replace(module, lessons=lessons)


def test_the_content_api_gives_each_lessons_tasks_in_order():
    module = module_with_tasks()
    assert [(lesson.slug, task.id) for lesson, task in module.tasks] == [
        ("a", "peta-aktor"), ("a", "tanpa-judul"), ("b", "rencana")]
    assert module.lessons[0].tasks[1].title == "a"  # no title: the lesson's


def test_tasks_rule_needs_every_task_sent():
    module = module_with_tasks()
    lessons = {"a": T1, "b": T1}
    some = module_progress(module, ModuleFacts(lessons, tasks={"peta-aktor": T2}))
    assert some.status is ProgressStatus.IN_PROGRESS and not some.complete
    assert some.tasks_sent == {"peta-aktor"}
    assert [(m.kind, m.slug, m.task) for m in some.missing] == [
        ("task", "a", "tanpa-judul"), ("task", "b", "rencana")]
    assert some.missing[1].title == "Rencana kecil"
    # 2 lessons + 3 tasks, 3 of them done
    assert (some.steps_total, some.steps_done, some.percent) == (5, 3, 60)
    every = module_progress(module, ModuleFacts(lessons, tasks={
        "peta-aktor": T2, "tanpa-judul": T2, "rencana": T3}))
    assert every.complete and every.missing == ()
    assert every.completed_at == T3  # the last task sent completed the module


def test_tasks_count_only_when_the_rule_is_there_and_only_tasks_that_exist():
    without = module_with_tasks(completion=("lessons",))
    done = module_progress(without, ModuleFacts({"a": T1, "b": T1}))
    assert done.complete and done.steps_total == 2 and done.completed_at == T1
    module = module_with_tasks()
    # An answer to a task since removed from the content does not count, nor complete.
    gone = module_progress(module, ModuleFacts({"a": T1, "b": T1}, tasks={
        "peta-aktor": T2, "tanpa-judul": T2, "dihapus": T3}))
    assert not gone.complete and gone.tasks_sent == {"peta-aktor", "tanpa-judul"}
    assert [m.task for m in gone.missing] == ["rencana"]


def test_a_task_sent_before_any_lesson_is_done_is_progress():
    progress = module_progress(module_with_tasks(), ModuleFacts({}, tasks={"rencana": T1}))
    assert progress.status is ProgressStatus.IN_PROGRESS
    assert progress.last_activity == T1


def test_lessons_come_before_tasks_in_what_is_missing():
    progress = module_progress(module_with_tasks(), ModuleFacts({"a": T1}))
    assert [m.kind for m in progress.missing] == ["lesson", "task", "task", "task"]


def test_answer_boxes_go_right_after_each_rendered_task():
    html = render(BODY_A + "\nKalimat terakhir.[^1]\n\n[^1]: Catatan kaki.\n").html
    pieces = split_after_tasks(html)
    assert "".join(html for html, _task in pieces) == html
    assert [task for _html, task in pieces] == ["peta-aktor", "tanpa-judul", None]
    assert pieces[0][0].rstrip().endswith("</section>")
    assert 'id="tugas-peta-aktor"' in pieces[0][0] and "Teks tengah" in pieces[1][0]
    assert "footnotes" in pieces[2][0]


def test_a_task_holding_a_section_is_cut_after_its_own_end():
    html = ('<p>x</p><section class="callout tugas" id="tugas-t" data-task="t">'
            '<section class="inner">y</section><p>z</p></section><p>after</p>')
    pieces = split_after_tasks(html)
    assert pieces == [(html[:-len("<p>after</p>")], "t"), ("<p>after</p>", None)]
    assert split_after_tasks("<p>no task</p>") == [("<p>no task</p>", None)]
    broken = '<section data-task="t"><p>never closed'
    assert split_after_tasks(broken) == [(broken, None)]


def test_a_lesson_without_tasks_has_none():
    lesson = Lesson(module_slug="m", slug="l", title="L", order=1, path=Path("l.md"),
                    body="::: tugas Hanya tampilan\nTeks.\n:::\n", body_line=1)
    assert lesson.tasks == ()
