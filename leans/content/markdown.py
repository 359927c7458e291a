"""Markdown to safe HTML: markdown-it-py for parsing, nh3 for sanitizing.

Raw HTML in content is never rendered; links to other lessons are rewritten to URLs relative
to the lesson page, images to the URL that serves the module's files.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from leans.core.slugs import is_slug

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
    "section": {"id", "data-task"},
    "th": {"style"}, "td": {"style"},
}
_CLASSES = {
    "aside": {"callout", *(f"callout-{kind}" for kind in CALLOUTS)},
    "p": {"callout-title"},
    "section": {"footnotes", "callout", "tugas"},
    "ol": {"footnotes-list"},
    "li": {"footnote-item"},
    "sup": {"footnote-ref"},
    "a": {"footnote-backref"},
    "hr": {"footnotes-sep"},
}


#: ``head {attrs}``; the head is stripped after (a ``\s*`` before the brace would make a long
#: run of spaces take quadratic time).
_ATTRIBUTES_RE = re.compile(r"^(?P<head>.*?)\{(?P<attrs>[^{}]*)\}\s*$")


@dataclass(frozen=True)
class Heading:
    level: int
    anchor: str
    text: str


@dataclass(frozen=True)
class RenderedDoc:
    html: str
    toc: tuple[Heading, ...]


@dataclass(frozen=True)
class InfoLine:
    """A container's info line split into kind, title and raw attributes."""

    kind: str
    title: str
    #: (name, value) pairs in written order; value is None for a word without '='.
    attributes: tuple[tuple[str, str | None], ...]
    #: Why the braces could not be read, if they could not.
    error: str | None = None


def split_info(info: str) -> InfoLine:
    """``tugas Judul {id=x menit=30}`` -> kind ``tugas``, title ``Judul``, attributes."""
    kind, rest = ([*info.split(maxsplit=1), "", ""])[:2]
    rest = rest.strip()
    attributes: list[tuple[str, str | None]] = []
    match = _ATTRIBUTES_RE.match(rest)
    if match:
        rest = match.group("head").strip()
        for word in match.group("attrs").split():
            name, equals, value = word.partition("=")
            attributes.append((name, value if equals else None))
    error = None
    if "{" in rest or "}" in rest:
        error = ("block attributes must be one group in braces at the end of the line, e.g. "
                 f"'::: {kind} Judul {{menit=10}}'")
    return InfoLine(kind, rest, tuple(attributes), error)


def _render_callout(self, tokens: list[Token], idx: int, options, env) -> str:
    """An ``aside`` per callout; an answerable task (``tugas`` with ``id=``) is a ``section``
    the lesson page adds the answer form after. Attribute braces are never shown."""
    token = tokens[idx]
    stack = env.setdefault("leans_callouts", [])
    if token.nesting != 1:
        return f"</{stack.pop() if stack else 'aside'}>\n"
    info = split_info(token.info)
    label = CALLOUTS[info.kind]
    heading = f"{label}: {escape(info.title)}" if info.title else label
    task_id = dict((n, v) for n, v in info.attributes).get("id")
    if info.kind == "tugas" and task_id and is_slug(task_id):
        stack.append("section")
        return (f'<section class="callout tugas" id="tugas-{task_id}" data-task="{task_id}">\n'
                f'<p class="callout-title">{heading}</p>\n')
    stack.append("aside")
    return f'<aside class="callout callout-{info.kind}">\n<p class="callout-title">{heading}</p>\n'


def build_parser() -> MarkdownIt:
    """The one Markdown dialect LEANS content uses (see docs/content-format.md)."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    md.use(anchors_plugin, min_level=2, max_level=3)
    for kind in CALLOUTS:
        md.use(container_plugin, name=kind, render=_render_callout,
               validate=lambda params, *_, k=kind: params.split(maxsplit=1)[:1] == [k])
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
    # Wide tables scroll on a phone; the region is focusable so keyboards can scroll it too,
    # and numbered, since two landmarks of one page may not share a name.
    first, *tables = html.split("<table>")
    html = first + "".join(
        f'<div class="table-scroll" tabindex="0" role="region" aria-label="Tabel {number}">'
        f"<table>{rest}" for number, rest in enumerate(tables, 1)).replace("</table>",
                                                                           "</table></div>")
    return RenderedDoc(html=html, toc=table_of_contents(tokens))
