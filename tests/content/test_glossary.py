"""The glossary: ``content/glosarium.md`` loaded and checked, links to its terms, and the
``/glosarium`` page."""

from __future__ import annotations

from pathlib import Path

from leans.content.loader import load_catalogue
from tests.fixtures.content import lesson_meta, small_tree, write_doc, write_module

GLOSSARY = """\
Istilah yang dipakai dalam modul LEANS.

## DTSEN

Data Tunggal Sosial dan Ekonomi Nasional. Lihat [BPS](https://bps.go.id).

## Desil

Pembagian rumah tangga ke dalam sepuluh kelompok menurut kesejahteraan.

## Pentahelix

Kerja sama lima unsur: pemerintah, akademisi, dunia usaha, masyarakat dan media
(lihat [DTSEN](#dtsen)).
"""


def problems(root: Path) -> list[str]:
    return [str(p).replace(f"{root}/", "") for p in load_catalogue(root).problems]


def test_the_glossary_is_optional(tmp_path):
    catalogue = load_catalogue(small_tree(tmp_path))
    assert catalogue.ok and catalogue.glossary is None


def test_terms_are_the_level_two_headings(tmp_path):
    small_tree(tmp_path)
    write_doc(tmp_path / "glosarium.md", {"title": "Glosarium"}, GLOSSARY)
    catalogue = load_catalogue(tmp_path)
    assert catalogue.ok, catalogue.problems
    glossary = catalogue.glossary
    assert glossary.title == "Glosarium"
    assert [(t.name, t.anchor, t.line) for t in glossary.terms] == [
        ("DTSEN", "dtsen", 6), ("Desil", "desil", 10), ("Pentahelix", "pentahelix", 14)]


def test_glossary_problems(tmp_path):
    small_tree(tmp_path)
    write_doc(tmp_path / "glosarium.md", {"title": "", "judul": "x"},
              "## Desil\n\nSatu.\n\n## desil\n\nDua.\n\n## Kosong\n\n## Lain\n\n"
              "Lihat [pelajaran](modules/01-satu/01-a.md) dan ![g](g.png).\n")
    assert problems(tmp_path) == [
        "glosarium.md:3: unknown field 'judul' (known: title)",
        "glosarium.md:2: field 'title' must be non-empty text",
    ]
    write_doc(tmp_path / "glosarium.md", {"title": "Glosarium"},
              "## Desil\n\nSatu.\n\n## desil\n\nDua.\n\n## Kosong\n\n## Lain\n\n"
              "Lihat [pelajaran](modules/01-satu/01-a.md) dan ![g](g.png).\n")
    assert problems(tmp_path) == [
        "glosarium.md:8: term 'desil' is defined twice (also on line 4): merge the two "
        "definitions",
        "glosarium.md:12: term 'Kosong' has no definition: write it below the heading",
        "glosarium.md:16: the glossary cannot show link 'modules/01-satu/01-a.md': link only to "
        "web addresses (https://...) and to its own terms (#anchor)",
        "glosarium.md:16: the glossary cannot show an image: link only to web addresses "
        "(https://...) and to its own terms (#anchor)",
    ]


def test_a_glossary_without_terms(tmp_path):
    small_tree(tmp_path)
    write_doc(tmp_path / "glosarium.md", {"title": "Glosarium"}, "Belum ada istilah.\n")
    assert problems(tmp_path) == [
        "glosarium.md:4: the glossary has no terms: write each term as a '## Istilah' heading "
        "with its definition below it"]


def test_lessons_link_to_terms_that_exist(tmp_path):
    write_module(tmp_path, "01-x", {"slug": "x", "title": "X", "order": 1, "jp": 1,
                                    "objectives": [{"id": "x-1", "text": "Paham."}]},
                 {"01-a.md": (lesson_meta("a", 1), "Lihat [DTSEN](../../glosarium.md#dtsen) "
                                                   "dan [hantu](../../glosarium.md#hantu).\n")})
    assert problems(tmp_path) == [
        "modules/01-x/01-a.md:6: broken link: '../../glosarium.md#dtsen' does not exist",
        "modules/01-x/01-a.md:6: broken link: '../../glosarium.md#hantu' does not exist",
    ]
    write_doc(tmp_path / "glosarium.md", {"title": "Glosarium"}, GLOSSARY)
    assert problems(tmp_path) == [
        "modules/01-x/01-a.md:6: link '../../glosarium.md#hantu': the glossary has no term with "
        "the anchor 'hantu' (a term's anchor is its '##' heading in lower case, spaces as '-')"]


def test_the_glossary_page(tmp_path, content_app, make_user, make_cohort, logged_in, client):
    root = small_tree(tmp_path / "content")
    small = content_app(root)
    make_cohort("k", modules=["satu", "dua"], participants=[make_user(username="p")])
    reader = logged_in("p", app=small)
    missing = reader.get("/glosarium")
    assert missing.status_code == 200
    assert "Glosarium belum tersedia." in missing.get_data(as_text=True) or \
        "The glossary is not available yet." in missing.get_data(as_text=True)
    write_doc(root / "glosarium.md", {"title": "Glosarium LEANS"}, GLOSSARY)
    write_doc(root / "modules/01-satu/02-b.md", lesson_meta("b", 2),
              "Lihat [DTSEN](../../glosarium.md#dtsen).\n")
    page = reader.get("/glosarium").get_data(as_text=True)
    assert "<h1>Glosarium LEANS</h1>" in page
    assert '<h2 id="dtsen">DTSEN</h2>' in page and 'href="#dtsen"' in page
    assert 'href="https://bps.go.id"' in page
    assert page.index('href="#desil"') < page.index('href="#dtsen"')  # index sorted by name
    lesson = reader.get("/learn/k/satu/b").get_data(as_text=True)
    assert 'href="/glosarium#dtsen"' in lesson
    anonymous = small.test_client().get("/glosarium")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
