"""The glossary (``content/glosarium.md``): one ``## Term`` heading per term, its definition
below it. Each term's anchor is made from its heading, so lessons can link to it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from leans.content.markdown import parse

GLOSSARY_FILE = "glosarium.md"


@dataclass(frozen=True)
class Term:
    name: str
    #: The heading's id on the page: ``/glosarium#<anchor>``.
    anchor: str
    #: The file line of the heading (1-based).
    line: int


@dataclass(frozen=True)
class Glossary:
    title: str
    path: Path
    #: Markdown after the front matter, and the file line it starts on (1-based).
    body: str
    body_line: int
    terms: tuple[Term, ...]

    @property
    def anchors(self) -> frozenset[str]:
        return frozenset(term.anchor for term in self.terms)


def read_terms(body: str, body_line: int = 1) -> tuple[tuple[Term, ...], list[tuple[int, str]]]:
    """The ``##`` headings of a glossary body as terms, and what is wrong with them as
    (file line, message); ``body_line`` is the file line the body starts on."""
    tokens = parse(body)
    terms: list[Term] = []
    problems: list[tuple[int, str]] = []
    seen: dict[str, Term] = {}
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.tag != "h2":
            continue
        name = tokens[index + 1].content.strip() if index + 1 < len(tokens) else ""
        line = body_line + (token.map[0] if token.map else 0)
        term = Term(name, str(token.attrGet("id") or ""), line)
        key = name.casefold()
        if key in seen:
            problems.append((line, f"term {name!r} is defined twice (also on line "
                                   f"{seen[key].line}): merge the two definitions"))
            continue
        seen[key] = term
        following = next((t for t in tokens[index + 3:] if t.type != "heading_close"), None)
        if following is None or (following.type == "heading_open"
                                 and following.tag in ("h1", "h2")):
            problems.append((line, f"term {name!r} has no definition: write it below the "
                                   "heading"))
        terms.append(term)
    if not terms:
        problems.append((body_line, "the glossary has no terms: write each term as a '## Istilah' "
                            "heading with its definition below it"))
    return tuple(terms), problems
