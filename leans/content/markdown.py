"""Markdown to safe HTML: markdown-it-py for parsing, nh3 for sanitizing.

Raw HTML in content is never rendered; links to other lessons are rewritten to URLs relative
to the lesson page, images to the URL that serves the module's files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

#: Callout kinds and the heading each shows (content is written in Bahasa Indonesia).
CALLOUTS: dict[str, str] = {
    "refleksi": "Refleksi",
    "studi-kasus": "Studi Kasus",
    "tugas": "Tugas",
    "catatan": "Catatan",
    "penting": "Penting",
    "contoh": "Contoh",
}

#: Given a link target and whether it is an image, return the URL to use, or None if broken.
LinkResolver = Callable[[str, bool], str | None]

_TAGS = {
    "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "em", "strong", "s", "del",
    "code", "pre", "blockquote", "table", "thead", "tbody", "tr", "th", "td", "img", "hr",
    "br", "sup", "sub", "section", "aside", "span",
}
_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title"},
    "h2": {"id"}, "h3": {"id"}, "h4": {"id"},
    "li": {"id"},
    "th": {"style"}, "td": {"style"},
}
_CLASSES = {
    "aside": {"callout", *(f"callout-{kind}" for kind in CALLOUTS)},
    "p": {"callout-title"},
    "section": {"footnotes"},
    "ol": {"footnotes-list"},
    "li": {"footnote-item"},
    "sup": {"footnote-ref"},
    "a": {"footnote-backref"},
    "hr": {"footnotes-sep"},
}


@dataclass(frozen=True)
class Heading:
    level: int
    anchor: str
    text: str


@dataclass(frozen=True)
class RenderedDoc:
    html: str
    toc: tuple[Heading, ...]


def _render_callout(self, tokens: list[Token], idx: int, options, env) -> str:
    token = tokens[idx]
    if token.nesting != 1:
        return "</aside>\n"
    kind, _, title = token.info.strip().partition(" ")
    label = CALLOUTS[kind]
    heading = f"{label}: {escape(title.strip())}" if title.strip() else label
    return f'<aside class="callout callout-{kind}">\n<p class="callout-title">{heading}</p>\n'


def build_parser() -> MarkdownIt:
    """The one Markdown dialect LEANS content uses (see docs/content-format.md)."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=2, max_level=3)
    for kind in CALLOUTS:
        md.use(container_plugin, name=kind, render=_render_callout,
               validate=lambda params, *_, k=kind: params.strip().split(" ", 1)[0] == k)
    return md


_PARSER = build_parser()


def parse(text: str) -> list[Token]:
    return _PARSER.parse(text, {})


def iter_links(tokens: list[Token]):
    """Yield ``(token, attribute, target, line)`` for every link and image; line is 0-based."""
    for block in tokens:
        if block.type != "inline" or not block.children:
            continue
        line = block.map[0] if block.map else 0
        for child in block.children:
            if child.type == "link_open":
                yield child, "href", str(child.attrGet("href") or ""), line
            elif child.type == "image":
                yield child, "src", str(child.attrGet("src") or ""), line


def table_of_contents(tokens: list[Token]) -> tuple[Heading, ...]:
    headings = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag in ("h2", "h3"):
            text = tokens[index + 1].content if index + 1 < len(tokens) else ""
            headings.append(Heading(int(token.tag[1]), str(token.attrGet("id") or ""), text))
    return tuple(headings)


def sanitize(html: str) -> str:
    return nh3.clean(
        html, tags=_TAGS, attributes=_ATTRIBUTES, allowed_classes=_CLASSES,
        url_schemes={"http", "https", "mailto"}, filter_style_properties={"text-align"},
        link_rel="noopener noreferrer",
    )


def render(text: str, resolve: LinkResolver | None = None) -> RenderedDoc:
    """Render Markdown to sanitized HTML and a table of contents."""
    env: dict = {}
    tokens = _PARSER.parse(text, env)
    if resolve is not None:
        for token, attribute, target, _line in iter_links(tokens):
            url = resolve(target, attribute == "src")
            token.attrSet(attribute, url if url is not None else "#")
    html = sanitize(_PARSER.renderer.render(tokens, _PARSER.options, env))
    # Wide tables scroll on a phone; the region is focusable so keyboards can scroll it too.
    html = html.replace("<table>", '<div class="table-scroll" tabindex="0" role="region" '
                                   'aria-label="Tabel"><table>').replace("</table>",
                                                                          "</table></div>")
    return RenderedDoc(html=html, toc=table_of_contents(tokens))
