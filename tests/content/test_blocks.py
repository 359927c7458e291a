"""Blocks with time and tasks (content format v2): attributes in braces on a container's info
line, answerable tasks, word counts, and how they render."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leans.content.blocks import count_words, parse_blocks
from leans.content.loader import load_catalogue
from leans.content.markdown import render
from leans.content.model import Task
from tests.fixtures.content import lesson_meta, module_meta, write_module


def problems(root: Path) -> list[str]:
    return [str(p).replace(f"{root}/", "") for p in load_catalogue(root).problems]


def lesson_problems(tmp_path: Path, body: str) -> list[str]:
    write_module(tmp_path, "01-x", module_meta("x", 1), {"01-a.md": (lesson_meta("a", 1), body)})
    return problems(tmp_path)


def test_tasks_of_a_lesson_and_of_a_module(tmp_path):
    write_module(tmp_path, "01-x", module_meta("x", 1), {
        "01-a.md": (lesson_meta("a", 1),
                    "Pengantar.\n\n::: tugas Petakan aktor di desa {id=peta-aktor menit=30}\n"
                    "Tulis **tiga** aktor.\n\n- satu\n:::\n\n::: tugas Hanya tampilan\nIsi.\n:::\n"
                    "\n::: tugas {id=tanpa-judul}\nJawab.\n:::\n"),
        "02-b.md": (lesson_meta("b", 2), "::: tugas Rencana {id=rencana}\nSusun.\n:::\n"),
    })
    catalogue = load_catalogue(tmp_path)
    assert catalogue.ok, catalogue.problems
    module = catalogue.module("x")
    a, b = module.lessons
    assert a.tasks == (Task("peta-aktor", "Petakan aktor di desa", 30,
                            "Tulis **tiga** aktor.\n\n- satu"),
                       Task("tanpa-judul", "Pelajaran a", 0, "Jawab."))  # title: the lesson's
    assert [(lesson.slug, task.id) for lesson, task in module.tasks] == [
        ("a", "peta-aktor"), ("a", "tanpa-judul"), ("b", "rencana")]


@pytest.mark.parametrize(("line", "message"), [
    ("::: catatan Penting {menit=10}",
     "attribute 'menit' is not allowed on a 'catatan' block (it is allowed on tugas, refleksi, "
     "studi-kasus): remove it"),
    ("::: refleksi Apa? {id=apa}",
     "attribute 'id' is not allowed on a 'refleksi' block (only a 'tugas' block can be "
     "answerable): remove it"),
    ("::: tugas Lama {menit=0}", "menit must be a whole number from 1 to 240 (got '0')"),
    ("::: tugas Lama {menit=241}", "menit must be a whole number from 1 to 240 (got '241')"),
    ("::: refleksi Lama {menit=sepuluh}",
     "menit must be a whole number from 1 to 240 (got 'sepuluh')"),
    ("::: tugas Peta {id=Peta_Aktor}",
     "task id must be a-z, 0-9 and '-', e.g. {id=peta-aktor} (got 'Peta_Aktor')"),
    ("::: tugas Peta {durasi=10}", "unknown block attribute 'durasi' (known: id, menit)"),
    ("::: tugas Peta {menit}",
     "block attribute 'menit' must be written name=value, e.g. {menit=10} or {id=peta-aktor}"),
    ("::: tugas Peta {menit=10 menit=20}", "block attribute 'menit' is given twice: keep one"),
    ("::: tugas {menit=10} Peta",
     "block attributes must be one group in braces at the end of the line, e.g. "
     "'::: tugas Judul {menit=10}'"),
])
def test_each_attribute_problem_names_its_line(tmp_path, line, message):
    body = f"Pengantar.\n\n{line}\nIsi.\n:::\n"
    assert lesson_problems(tmp_path, body) == [f"modules/01-x/01-a.md:8: {message}"]


def test_menit_in_range_is_accepted(tmp_path):
    body = ("::: tugas A {menit=1}\nIsi.\n:::\n\n::: studi-kasus B {menit=240}\nIsi.\n:::\n\n"
            "::: refleksi C {menit=15}\nIsi.\n:::\n")
    assert lesson_problems(tmp_path, body) == []


def test_a_task_id_is_unique_within_the_module(tmp_path):
    write_module(tmp_path, "01-x", module_meta("x", 1), {
        "01-a.md": (lesson_meta("a", 1), "::: tugas A {id=sama}\nIsi.\n:::\n"),
        "02-b.md": (lesson_meta("b", 2), "Teks.\n\n::: tugas B {id=sama}\nIsi.\n:::\n"),
    })
    write_module(tmp_path, "02-y", module_meta("y", 2),  # another module may reuse it
                 {"01-a.md": (lesson_meta("a", 1), "::: tugas A {id=sama}\nIsi.\n:::\n")})
    assert problems(tmp_path) == [
        "modules/01-x/02-b.md:8: duplicate task id 'sama' (also in modules/01-x/01-a.md:6): "
        "task ids must be unique within the module"]


def test_module_overview_has_no_time_or_tasks(tmp_path):
    write_module(tmp_path, "01-x", module_meta("x", 1),
                 {"01-a.md": (lesson_meta("a", 1), "Teks.\n")},
                 overview="Ringkasan.\n\n::: tugas Awal {id=awal menit=5}\nIsi.\n:::\n")
    assert problems(tmp_path) == [
        "modules/01-x/module.md:12: block attributes (id=, menit=) belong in lessons, not in "
        "module.md: remove the braces"]


def test_parse_blocks_gives_kind_title_lines_and_body():
    blocks, found = parse_blocks("Teks.\n\n::: refleksi Renungkan {menit=10}\nApa?\n:::\n")
    assert found == []
    (block,) = blocks
    assert (block.kind, block.title, block.line, block.body, block.minutes, block.task_id) == (
        "refleksi", "Renungkan", 2, "Apa?", 10, None)


def test_words_are_counted_without_markdown_marks_addresses_or_attributes():
    body = ("## Judul Bagian\n\nSatu dua, tiga[^1]. Lihat [laman BPS](https://bps.go.id/a/b).\n\n"
            "| a | b |\n|---|---|\n| 1 | - |\n\n- butir\n\n"
            "::: tugas Peta {id=peta menit=30}\nIsi.\n:::\n\n[^1]: Sumber resmi.\n")
    # Judul Bagian | Satu dua, tiga. Lihat [laman BPS] | a b 1 | butir | tugas Peta Isi. |
    # Sumber resmi.
    assert count_words(body) == 2 + 6 + 3 + 1 + 3 + 2


def test_an_answerable_task_renders_as_a_section_and_braces_are_hidden():
    html = render("::: tugas Petakan aktor {id=peta-aktor menit=30}\nTulis.\n:::\n\n"
                  "::: refleksi Apa yang berubah? {menit=10}\nRenungkan.\n:::\n\n"
                  "::: tugas Biasa\nLihat.\n:::\n").html
    assert ('<section class="callout tugas" id="tugas-peta-aktor" data-task="peta-aktor">\n'
            '<p class="callout-title">Tugas: Petakan aktor</p>\n<p>Tulis.</p>\n</section>'
            ) in html
    assert ('<aside class="callout callout-refleksi">\n'
            '<p class="callout-title">Refleksi: Apa yang berubah?</p>') in html
    assert '<aside class="callout callout-tugas">\n<p class="callout-title">Tugas: Biasa</p>' \
        in html
    assert "{" not in html and "menit" not in html


def test_nested_blocks_close_with_their_own_tags():
    html = render(":::: tugas Luar {id=luar}\nA\n\n::: catatan\nB\n:::\n\nC\n::::\n").html
    assert html.index("</aside>") < html.index("</section>")
    assert html.count("<section") == html.count("</section>") == 1


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.sampled_from(["tugas", "refleksi", "catatan", "studi-kasus"]),
       st.text(alphabet="abc {}=-_0123456789 menitd\t", max_size=40), st.text(max_size=60))
def test_any_info_line_parses_renders_and_counts_without_crashing(kind, info, body):
    text = f"::: {kind} {info}\n{body}\n:::\n"
    blocks, found = parse_blocks(text)
    assert all(isinstance(line, int) and message for line, message in found)
    html = render(text).html
    assert html.count("<section") == html.count("</section>")
    assert count_words(text) >= 0
    for block in blocks:
        assert block.task_id is None or block.kind == "tugas"
        assert block.minutes == 0 or 1 <= block.minutes <= 240


@pytest.mark.parametrize("line", ["::: tugas Judul" + " " * 40_000 + "x",
                                  "::: " + "a" * 40_000, "::: tugas Judul" + " " * 40_000 + "{x"])
def test_a_huge_info_line_is_read_in_linear_time(line):
    """A pasted line of spaces once took seconds per page (quadratic regular expressions)."""
    import time

    started = time.perf_counter()
    count_words(line + "\n:::\n")
    parse_blocks(line + "\n:::\n")
    assert time.perf_counter() - started < 2
