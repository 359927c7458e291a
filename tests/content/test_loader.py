"""The content loader and `leans content check`: every class of problem, with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from leans.cli import main
from leans.content.loader import load_catalogue
from leans.content.model import READING_WPM, Objective
from leans.content.quality import check_course
from leans.core.config import PROJECT_ROOT
from tests.fixtures.content import lesson_meta, module_meta, small_tree, write_doc, write_module


def problems(root: Path) -> list[str]:
    return [str(p).replace(f"{root}/", "") for p in load_catalogue(root).problems]


def test_a_valid_tree_loads_in_order(tmp_path):
    catalogue = load_catalogue(small_tree(tmp_path))
    assert catalogue.ok
    assert [m.slug for m in catalogue.modules] == ["satu", "dua"]
    satu = catalogue.module("satu")
    assert [lesson.slug for lesson in satu.lessons] == ["a", "b"]
    assert satu.lessons[0].body_line == 6  # body starts after 3 meta lines and 2 fences
    assert catalogue.module("dua").prerequisites == ("satu",)


def test_the_shipped_curriculum_is_clean_and_complete():
    catalogue = load_catalogue(PROJECT_ROOT / "content")
    assert [str(p) for p in catalogue.problems] == []
    assert [str(p) for p in check_course(catalogue, 45)] == []
    assert len(catalogue.modules) >= 7
    assert all(3 <= len(m.lessons) <= 6 for m in catalogue.modules)
    words = sum(len(lesson.body.split()) for m in catalogue.modules for lesson in m.lessons)
    assert words >= 12000
    for module in catalogue.modules:  # each module ends with a reflection prompt
        assert "::: refleksi" in module.lessons[-1].body


def test_missing_and_mistyped_fields(tmp_path):
    write_module(tmp_path, "01-x", {"slug": "Bad Slug", "title": "", "order": "satu", "jp": 0,
                                    "objectives": [], "prerequisite": ["y"]},
                 {"01-a.md": (lesson_meta("a", 1), "Teks.\n")})
    found = problems(tmp_path)
    assert "modules/01-x/module.md:2: field 'slug' must be a slug of a-z, 0-9 and '-' " \
           "(got 'Bad Slug')" in found
    assert "modules/01-x/module.md:3: field 'title' must be non-empty text" in found
    assert "modules/01-x/module.md:4: field 'order' must be a whole number greater than 0 " \
           "(got 'satu')" in found
    assert "modules/01-x/module.md:5: field 'jp' must be a number greater than 0 (got 0)" in found
    assert "modules/01-x/module.md:6: field 'objectives' must be a non-empty list of " \
           "objectives, each '- id: kk-1' with 'text: ...' below it" in found
    assert not any("estimated_minutes" in p for p in found)  # computed now, not required
    assert any(p.startswith("modules/01-x/module.md:7: unknown field 'prerequisite'")
               for p in found)


def test_invalid_yaml_is_reported_with_its_line(tmp_path):
    path = tmp_path / "modules/01-x/module.md"
    path.parent.mkdir(parents=True)
    path.write_text("---\nslug: x\ntitle: [tidak ditutup\norder: 1\n---\nTeks\n")
    found = problems(tmp_path)
    assert len(found) == 1 and found[0].startswith("modules/01-x/module.md:")
    assert "front matter is not valid YAML" in found[0]


def test_missing_front_matter_and_missing_module_file(tmp_path):
    (tmp_path / "modules/01-x").mkdir(parents=True)
    (tmp_path / "modules/01-x/01-a.md").write_text("Tanpa front matter\n")
    (tmp_path / "modules/02-y").mkdir()
    found = problems(tmp_path)
    assert any(p.startswith("modules/01-x/module.md:1: module.md is missing") for p in found)
    assert any(p.startswith("modules/02-y/module.md:1: module.md is missing") for p in found)


def test_duplicate_slugs_and_orders(tmp_path):
    write_module(tmp_path, "01-x", module_meta("sama", 1), {
        "01-a.md": (lesson_meta("a", 1), "Teks.\n"),
        "02-a.md": (lesson_meta("a", 1), "Teks.\n"),
    })
    write_module(tmp_path, "02-y", module_meta("sama", 1),
                 {"01-a.md": (lesson_meta("a", 1), "Teks.\n")})
    found = problems(tmp_path)
    assert ("modules/01-x/02-a.md:2: duplicate lesson slug 'a' "
            "(also in modules/01-x/01-a.md)") in found
    assert ("modules/01-x/02-a.md:4: duplicate lesson order 1 "
            "(also in modules/01-x/01-a.md)") in found
    assert ("modules/02-y/module.md:2: duplicate module slug 'sama' "
            "(also in modules/01-x/module.md)") in found


def test_unknown_prerequisite_and_cycles(tmp_path):
    write_module(tmp_path, "01-x", module_meta("x", 1, prerequisites=["y"]),
                 {"01-a.md": (lesson_meta("a", 1), "Teks.\n")})
    write_module(tmp_path, "02-y", module_meta("y", 2, prerequisites=["x", "hantu"]),
                 {"01-a.md": (lesson_meta("a", 1), "Teks.\n")})
    found = problems(tmp_path)
    assert "modules/02-y/module.md:9: unknown prerequisite module 'hantu'" in found
    assert "modules/01-x/module.md:9: prerequisites form a cycle: x -> y -> x" in found


def test_broken_links_images_and_unsafe_schemes(tmp_path):
    body = ("Baris satu.\n\n[hilang](03-tidak-ada.md)\n\n![gambar](gambar/tidak-ada.png)\n\n"
            "[js](javascript:alert(1))\n\n[keluar](../../../rahasia.md)\n\n[abs](/etc/passwd)\n")
    write_module(tmp_path, "01-x", module_meta("x", 1),
                 {"01-a.md": (lesson_meta("a", 1), body)})
    found = problems(tmp_path)
    assert "modules/01-x/01-a.md:8: broken link: '03-tidak-ada.md' does not exist" in found
    assert "modules/01-x/01-a.md:10: broken image: 'gambar/tidak-ada.png' does not exist" \
        in found
    unsafe = "modules/01-x/01-a.md:12: link with scheme 'javascript:' is not allowed"
    assert any(p.startswith(unsafe) for p in found)
    assert "modules/01-x/01-a.md:14: link '../../../rahasia.md' points outside the content " \
           "folder" in found
    assert any(p.startswith("modules/01-x/01-a.md:16: link '/etc/passwd' is absolute")
               for p in found)


def test_empty_lessons_and_modules_without_lessons(tmp_path):
    write_module(tmp_path, "01-x", module_meta("x", 1),
                 {"01-a.md": (lesson_meta("a", 1), "\n  \n")})
    write_module(tmp_path, "02-y", module_meta("y", 2), {})
    found = problems(tmp_path)
    assert any(p.startswith("modules/01-x/01-a.md:6: lesson is empty") for p in found)
    assert any(p.startswith("modules/02-y/module.md:1: module has no lessons") for p in found)


def test_callouts_and_footnotes(tmp_path):
    body = ("::: refleksi\nIsi.\n:::\n\n::: rahasia\nIsi.\n:::\n\n::: tugas\nTidak ditutup.\n\n"
            "Teks[^ada] dan[^hilang].\n\n[^ada]: Sumber.\n")
    write_module(tmp_path, "01-x", module_meta("x", 1),
                 {"01-a.md": (lesson_meta("a", 1), body)})
    found = problems(tmp_path)
    assert any(p.startswith("modules/01-x/01-a.md:10: unknown callout kind 'rahasia'")
               for p in found)
    assert "modules/01-x/01-a.md:14: callout 'tugas' is never closed: end it with a ':::' " \
           "line" in found
    assert "modules/01-x/01-a.md:17: footnote [^hilang] has no definition '[^hilang]: ...'" \
        in found


def test_content_check_command_reports_and_fails(tmp_path):
    write_module(tmp_path, "01-x", module_meta("x", 1),
                 {"01-a.md": (lesson_meta("a", 1), "[hilang](nope.md)\n")})
    result = CliRunner().invoke(main, ["content", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path}/modules/01-x/01-a.md:6: broken link: 'nope.md' does not exist" \
        in result.output


def test_content_check_command_passes_on_the_shipped_curriculum():
    result = CliRunner().invoke(main, ["content", "check", str(PROJECT_ROOT / "content")])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: ")


@pytest.mark.parametrize("name", ["README.md", "_draft.md"])
def test_readme_and_drafts_are_not_lessons(tmp_path, name):
    small_tree(tmp_path)
    write_doc(tmp_path / "modules/01-satu" / name, {}, "Catatan penulis\n")
    assert load_catalogue(tmp_path).ok


def test_objectives_need_ids_and_texts(tmp_path):
    objectives = [{"id": "kk-1", "text": "Menjelaskan."}, "Tanpa id (format v1).",
                  {"id": "Kk 3", "text": "Id salah."}, {"id": "kk-1", "text": "Id ganda."},
                  {"id": "kk-5"}, {"id": "kk-6", "text": "x", "bobot": 2}]
    write_module(tmp_path, "01-x", module_meta("x", 1, objectives=objectives),
                 {"01-a.md": (lesson_meta("a", 1), "Teks.\n")})
    found = problems(tmp_path)
    assert found == [
        "modules/01-x/module.md:9: objective 2 must have an id and a text: write '- id: kk-2' "
        "and 'text: ...' below it (content format v2)",
        "modules/01-x/module.md:10: objective 3 needs an id of a-z, 0-9 and '-', e.g. "
        "'id: kk-3' (got 'Kk 3')",
        "modules/01-x/module.md:12: duplicate objective id 'kk-1' (also objective 1): give each "
        "its own id",
        "modules/01-x/module.md:14: objective 5 needs 'text:' with the objective as a sentence",
        "modules/01-x/module.md:15: unknown field 'bobot' in objective 6 (known: id, text)",
    ]


def test_objectives_and_minutes_of_a_v2_module(tmp_path):
    body = ("Satu dua tiga empat lima.\n\n::: refleksi Renungkan {menit=10}\nApa?\n:::\n\n"
            "::: tugas Peta {id=peta menit=30}\nBuat peta.\n:::\n")
    folder = write_module(tmp_path, "01-x", module_meta("x", 1, objectives=[
        {"id": "x-1", "text": "Menjelaskan A."}, {"id": "x-2", "text": "Menerapkan B."}]), {
        "01-a.md": (lesson_meta("a", 1, activity_minutes=15), body),
        "02-b.md": (lesson_meta("b", 2), " ".join(["kata"] * 151) + "\n"),
    })
    (folder / "quiz.yaml").write_text(
        "pass_mark: 70\ndraw: 1\ntime_limit_minutes: 12\nquestions:\n"
        "  - {id: a, form: pre, objectives: [x-1], type: truefalse, text: T., answer: true, "
        "explanation: x}\n"
        "  - {id: b, form: post, objectives: [x-2, x-1], type: truefalse, text: T., "
        "answer: false, explanation: x}\n", encoding="utf-8")
    catalogue = load_catalogue(tmp_path)
    assert catalogue.ok, catalogue.problems
    module = catalogue.module("x")
    assert module.objectives == (Objective("x-1", "Menjelaskan A."),
                                 Objective("x-2", "Menerapkan B."))
    assert module.objective("x-2").text == "Menerapkan B." and module.objective("x-9") is None
    assert str(module.objectives[0]) == "Menjelaskan A."  # pages may print it as text
    a, b = module.lessons
    assert a.activity_minutes == 15 and b.activity_minutes == 0
    assert b.words == 151 and b.reading_minutes == 2 and b.estimated_minutes == 2
    # 1 reading minute (words / 150, rounded up) + blocks 10 + 30 + activity 15
    assert a.reading_minutes == 1 and a.block_minutes == 40 and a.estimated_minutes == 56
    assert module.test_minutes == 24  # the time limit, once as pre-test, once as post-test
    assert module.estimated_minutes == 56 + 2 + 24
    assert [q.objectives for q in module.quiz.questions] == [("x-1",), ("x-2", "x-1")]


def test_reading_rate_is_a_named_constant_with_its_source():
    import leans.content.model as model

    assert READING_WPM == 150
    source = Path(model.__file__).read_text(encoding="utf-8")
    assert "Brysbaert (2019" in source and "Journal of Memory and Language" in source


def test_v1_estimated_minutes_is_accepted_and_ignored_by_the_loader(tmp_path):
    write_module(tmp_path, "01-x", module_meta("x", 1, estimated_minutes=999),
                 {"01-a.md": (lesson_meta("a", 1, estimated_minutes=999), "Teks.\n")})
    catalogue = load_catalogue(tmp_path)
    assert catalogue.ok
    assert catalogue.module("x").estimated_minutes == 1


def test_activity_minutes_must_be_a_whole_number(tmp_path):
    write_module(tmp_path, "01-x", module_meta("x", 1),
                 {"01-a.md": (lesson_meta("a", 1, activity_minutes=-5), "Teks.\n"),
                  "02-b.md": (lesson_meta("b", 2, activity_minutes="lama"), "Teks.\n")})
    found = problems(tmp_path)
    assert "modules/01-x/01-a.md:5: field 'activity_minutes' must be a whole number, 0 or " \
           "more (got -5)" in found
    assert "modules/01-x/02-b.md:5: field 'activity_minutes' must be a whole number, 0 or " \
           "more (got 'lama')" in found


def test_completion_rule_tasks_needs_an_answerable_task(tmp_path):
    folder = write_module(tmp_path, "01-x", module_meta("x", 1, completion=["lessons", "tasks"]),
                          {"01-a.md": (lesson_meta("a", 1),
                                       "::: tugas Tanpa id\nHanya kotak tampilan.\n:::\n")})
    assert problems(tmp_path) == [
        "modules/01-x/module.md:9: completion rule 'tasks' needs at least one answerable task "
        "in the module's lessons: '::: tugas Judul {id=...}'"]
    write_doc(folder / "01-a.md", lesson_meta("a", 1), "::: tugas Jawab {id=jawab}\nIsi.\n:::\n")
    catalogue = load_catalogue(tmp_path)
    assert catalogue.ok and catalogue.module("x").completion == ("lessons", "tasks")


def test_unknown_completion_rule_lists_the_rules(tmp_path):
    write_module(tmp_path, "01-x", module_meta("x", 1, completion=["lessons", "tugas"]),
                 {"01-a.md": (lesson_meta("a", 1), "Teks.\n")})
    assert problems(tmp_path) == [
        "modules/01-x/module.md:9: field 'completion' must be a non-empty list of rules from: "
        "lessons, tasks, post_test, action_plan"]
