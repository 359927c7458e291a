"""Checks on Markdown bodies and on the prerequisite graph, reported as problems."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown_it.token import Token

from leans.content.markdown import CALLOUTS, iter_links, parse
from leans.content.model import Module
from leans.content.problems import Problem

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"}
SAFE_SCHEMES = {"http", "https", "mailto"}
_FENCE_RE = re.compile(r"^\s*(```|~~~)")
_OPEN_RE = re.compile(r"^\s*:::+\s*(\S+)")
_CLOSE_RE = re.compile(r"^\s*:::+\s*$")
_SCHEME_LINK_RE = re.compile(r"\]\(\s*<?([A-Za-z][A-Za-z0-9+.-]*):")
_FOOTNOTE_REF_RE = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_FOOTNOTE_DEF_RE = re.compile(r"^\s*\[\^([^\]\s]+)\]:", re.MULTILINE)


def link_kind(target: str) -> str:
    """``anchor``, ``external``, ``unsafe`` (another scheme), ``absolute`` or ``relative``."""
    if target.startswith("#"):
        return "anchor"
    parts = urlsplit(target)
    if parts.scheme:
        return "external" if parts.scheme.lower() in SAFE_SCHEMES else "unsafe"
    if target.startswith("/") or parts.netloc:
        return "absolute"
    return "relative"


def local_path(source: Path, target: str) -> Path:
    """The file a relative link or image points to, fragment and query removed."""
    return (source.parent / unquote(urlsplit(target).path)).resolve()


def _check_links(path: Path, tokens: list[Token], offset: int,
                 root: Path) -> Iterable[Problem]:
    root = root.resolve()
    for _token, attribute, target, line in iter_links(tokens):
        is_image = attribute == "src"
        kind = link_kind(target)
        where = offset + line
        if kind == "absolute":
            yield Problem(path, where, f"link {target!r} is absolute: link to files of the "
                                       "content by a relative path")
        elif kind == "relative":
            file = local_path(path, target)
            if not file.is_relative_to(root):
                yield Problem(path, where, f"link {target!r} points outside the content folder")
            elif not file.is_file():
                what = "image" if is_image else "link"
                yield Problem(path, where, f"broken {what}: {target!r} does not exist")
            elif is_image and file.suffix.lower() not in IMAGE_SUFFIXES:
                yield Problem(path, where, f"image {target!r} must be one of "
                                           f"{', '.join(sorted(IMAGE_SUFFIXES))}")


def _check_schemes(path: Path, body: str, offset: int) -> Iterable[Problem]:
    """Links with a scheme such as ``javascript:``; the parser drops them, so scan the text."""
    for number, line in enumerate(body.splitlines()):
        for scheme in _SCHEME_LINK_RE.findall(line):
            if scheme.lower() not in SAFE_SCHEMES:
                yield Problem(path, offset + number,
                              f"link with scheme '{scheme}:' is not allowed (use "
                              f"{', '.join(sorted(SAFE_SCHEMES))}, or a relative path)")


def _check_callouts(path: Path, body: str, offset: int) -> Iterable[Problem]:
    stack: list[tuple[str, int]] = []
    in_fence = False
    for number, line in enumerate(body.splitlines()):
        if _FENCE_RE.match(line):
            in_fence = not in_fence
        if in_fence:
            continue
        where = offset + number
        if _CLOSE_RE.match(line):
            if not stack:
                yield Problem(path, where, "':::' closes a callout block that was never opened")
            else:
                stack.pop()
        elif match := _OPEN_RE.match(line):
            kind = match.group(1)
            if kind not in CALLOUTS:
                yield Problem(path, where, f"unknown callout kind {kind!r} (use one of "
                                           f"{', '.join(CALLOUTS)})")
            stack.append((kind, where))
    for kind, where in stack:
        yield Problem(path, where, f"callout '{kind}' is never closed: end it with a ':::' line")


def _check_footnotes(path: Path, body: str, offset: int) -> Iterable[Problem]:
    defined = set(_FOOTNOTE_DEF_RE.findall(body))
    for number, line in enumerate(body.splitlines()):
        for name in _FOOTNOTE_REF_RE.findall(line):
            if name not in defined:
                yield Problem(path, offset + number,
                              f"footnote [^{name}] has no definition '[^{name}]: ...'")


def check_body(path: Path, body: str, offset: int, root: Path,
               tokens: list[Token] | None = None) -> list[Problem]:
    """Links, images, callout blocks and footnotes of one Markdown body (``tokens``: the
    body already parsed, if the caller has it)."""
    tokens = parse(body) if tokens is None else tokens
    return [*_check_links(path, tokens, offset, root), *_check_schemes(path, body, offset),
            *_check_callouts(path, body, offset),
            *_check_footnotes(path, body, offset)]


def check_glossary_body(path: Path, body: str, offset: int) -> list[Problem]:
    """The glossary page belongs to no module: it links only to web addresses and to its own
    terms (``#anchor``), and shows no images."""
    problems = [*_check_schemes(path, body, offset), *_check_callouts(path, body, offset),
                *_check_footnotes(path, body, offset)]
    for _token, attribute, target, line in iter_links(parse(body)):
        if link_kind(target) in ("relative", "absolute") or attribute == "src":
            what = "an image" if attribute == "src" else f"link {target!r}"
            problems.append(Problem(path, offset + line, f"the glossary cannot show {what}: "
                                                         "link only to web addresses "
                                                         "(https://...) and to its own terms "
                                                         "(#anchor)"))
    return problems


def links_to(source: Path, body: str, file: Path,
             tokens: list[Token] | None = None) -> Iterable[tuple[str, str, int]]:
    """``(target, fragment, line)`` of every link in ``body`` to ``file``; line is 0-based
    (``tokens``: the body already parsed, if the caller has it)."""
    file = file.resolve()
    for _token, attribute, target, line in iter_links(parse(body) if tokens is None else tokens):
        if (attribute == "href" and link_kind(target) == "relative"
                and local_path(source, target) == file):
            yield target, urlsplit(target).fragment, line


def check_prerequisites(modules: list[Module],
                        key_lines: dict[str, dict[str, int]]) -> list[Problem]:
    """Unknown prerequisites, a module requiring itself, and cycles."""
    problems = []
    known = {module.slug: module for module in modules}
    for module in modules:
        line = key_lines.get(module.slug, {}).get("prerequisites", 1)
        for slug in module.prerequisites:
            if slug == module.slug:
                problems.append(Problem(module.path, line, "a module cannot require itself"))
            elif slug not in known:
                problems.append(Problem(module.path, line, f"unknown prerequisite module "
                                                           f"{slug!r}"))
    for module in modules:
        cycle = _find_cycle(module.slug, known)
        if cycle and cycle[0] == module.slug and module.slug == min(cycle[:-1]):
            line = key_lines.get(module.slug, {}).get("prerequisites", 1)
            problems.append(Problem(module.path, line,
                                    f"prerequisites form a cycle: {' -> '.join(cycle)}"))
    return problems


def _find_cycle(start: str, known: dict[str, Module]) -> list[str] | None:
    path: list[str] = []

    def visit(slug: str) -> list[str] | None:
        if slug in path:
            return [*path[path.index(slug):], slug]
        module = known.get(slug)
        if module is None:
            return None
        path.append(slug)
        for required in module.prerequisites:
            if required != slug and (found := visit(required)):
                return found
        path.pop()
        return None

    return visit(start)
