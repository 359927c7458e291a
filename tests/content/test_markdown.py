"""Rendering and sanitization: content can never inject script."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from leans.content.markdown import render


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def dangerous(html: str) -> list[str]:
    """Every element or attribute in real markup (not escaped text) that could run script."""
    parser = _Elements()
    parser.feed(html)
    problems = []
    for tag, attrs in parser.found:
        if tag in {"script", "iframe", "object", "embed", "style", "form", "svg"}:
            problems.append(tag)
        for name, value in attrs.items():
            if name.startswith("on"):
                problems.append(f"{tag}[{name}]")
            if name in {"href", "src"} and (value or "").strip().lower().startswith(
                    ("javascript:", "data:", "vbscript:")):
                problems.append(f"{tag}[{name}={value}]")
    return problems


@pytest.mark.parametrize("source", [
    "<script>alert(1)</script>",
    "Teks <img src=x onerror=alert(1)> teks",
    "[klik](javascript:alert(1))",
    "[klik](JaVaScRiPt:alert(1))",
    "[klik](<javascript:alert(1)>)",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<div onclick=\"alert(1)\">x</div>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "![x](javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "::: refleksi <img src=x onerror=alert(1)>\nIsi\n:::",
    "| a |\n|---|\n| <script>alert(1)</script> |",
    "[x][r]\n\n[r]: javascript:alert(1)",
])
def test_nothing_executable_survives(source):
    html = render(source).html
    assert dangerous(html) == [], html


def test_raw_html_is_shown_as_text_not_markup():
    html = render("Teks <b onclick=x>tebal</b>").html
    assert "&lt;b onclick=x&gt;" in html and "<b" not in html


def test_supported_markdown():
    doc = render("## Judul\n\nTeks[^1].\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\n"
                 "::: studi-kasus Desa Kolong\nIsi kasus.\n:::\n\n~~lama~~\n\n[^1]: BPS 2025.\n")
    assert '<h2 id="judul">Judul</h2>' in doc.html
    assert '<th style="text-align:right">b</th>' in doc.html
    assert '<aside class="callout callout-studi-kasus">' in doc.html
    assert '<p class="callout-title">Studi Kasus: Desa Kolong</p>' in doc.html
    assert '<section class="footnotes">' in doc.html and 'id="fn1"' in doc.html
    assert "<s>lama</s>" in doc.html
    assert [(h.level, h.anchor, h.text) for h in doc.toc] == [(2, "judul", "Judul")]


def test_links_go_through_the_resolver():
    doc = render("[a](02-b.md#bagian) [x](https://bps.go.id) ![g](gambar/g.png)",
                 lambda target, image: f"/files/{target}" if image else f"resolved:{target}")
    assert 'href="resolved:02-b.md#bagian"' not in doc.html  # unknown scheme is dropped
    doc = render("[a](02-b.md) ![g](gambar/g.png)",
                 lambda target, image: f"/files/{target}" if image else "b")
    assert 'href="b"' in doc.html and 'src="/files/gambar/g.png"' in doc.html
