"""The content loader and `leans content check`: every class of problem, with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from leans.cli import main
from leans.content.loader import load_catalogue
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
    assert satu.lessons[0].body_line == 7  # body starts after 5 meta lines and 2 fences
    assert catalogue.module("dua").prerequisites == ("satu",)


def test_the_shipped_curriculum_is_clean_and_complete():
    catalogue = load_catalogue(PROJECT_ROOT / "content")
    assert [str(p) for p in catalogue.problems] == []
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
    assert "modules/01-x/module.md:1: required field 'estimated_minutes' is missing" in found
    assert "modules/01-x/module.md:6: field 'objectives' must be a non-empty list of texts" \
        in found
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
    assert "modules/01-x/01-a.md:9: broken link: '03-tidak-ada.md' does not exist" in found
    assert "modules/01-x/01-a.md:11: broken image: 'gambar/tidak-ada.png' does not exist" \
        in found
    unsafe = "modules/01-x/01-a.md:13: link with scheme 'javascript:' is not allowed"
    assert any(p.startswith(unsafe) for p in found)
    assert "modules/01-x/01-a.md:15: link '../../../rahasia.md' points outside the content " \
           "folder" in found
    assert any(p.startswith("modules/01-x/01-a.md:17: link '/etc/passwd' is absolute")
               for p in found)


def test_empty_lessons_and_modules_without_lessons(tmp_path):
    write_module(tmp_path, "01-x", module_meta("x", 1),
                 {"01-a.md": (lesson_meta("a", 1), "\n  \n")})
    write_module(tmp_path, "02-y", module_meta("y", 2), {})
    found = problems(tmp_path)
    assert any(p.startswith("modules/01-x/01-a.md:7: lesson is empty") for p in found)
    assert any(p.startswith("modules/02-y/module.md:1: module has no lessons") for p in found)


def test_callouts_and_footnotes(tmp_path):
    body = ("::: refleksi\nIsi.\n:::\n\n::: rahasia\nIsi.\n:::\n\n::: tugas\nTidak ditutup.\n\n"
            "Teks[^ada] dan[^hilang].\n\n[^ada]: Sumber.\n")
    write_module(tmp_path, "01-x", module_meta("x", 1),
                 {"01-a.md": (lesson_meta("a", 1), body)})
    found = problems(tmp_path)
    assert any(p.startswith("modules/01-x/01-a.md:11: unknown callout kind 'rahasia'")
               for p in found)
    assert "modules/01-x/01-a.md:15: callout 'tugas' is never closed: end it with a ':::' " \
           "line" in found
    assert "modules/01-x/01-a.md:18: footnote [^hilang] has no definition '[^hilang]: ...'" \
        in found


def test_content_check_command_reports_and_fails(tmp_path):
    write_module(tmp_path, "01-x", module_meta("x", 1),
                 {"01-a.md": (lesson_meta("a", 1), "[hilang](nope.md)\n")})
    result = CliRunner().invoke(main, ["content", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path}/modules/01-x/01-a.md:7: broken link: 'nope.md' does not exist" \
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
