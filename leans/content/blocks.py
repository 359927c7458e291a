"""Container blocks (``::: kind Title {id=... menit=...}``) and word counts of Markdown bodies.

One parse serves the loader (which reports bad attributes with their line), the model (a
lesson's answerable tasks and timed activities) and the renderer (which strips the braces).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from leans.content.markdown import CALLOUTS, InfoLine, parse, split_info
from leans.core.slugs import is_slug

#: Block attribute -> the block kinds that may carry it (content format v2).
ATTRIBUTE_KINDS: dict[str, tuple[str, ...]] = {
    "id": ("tugas",),
    "menit": ("tugas", "refleksi", "studi-kasus"),
}
MIN_BLOCK_MINUTES = 1
MAX_BLOCK_MINUTES = 240

_LINK_TARGET_RE = re.compile(r"\]\([^)]*\)")
_FOOTNOTE_MARK_RE = re.compile(r"\[\^[^\]\s]+\]:?")
#: The opening line of a block up to its ``{...}`` (written to run in linear time on any line:
#: no two repeats here can both take the same run of spaces).
_CONTAINER_LINE_RE = re.compile(r"^([ \t]*:::+[ \t]*\S.*?)\{[^{}\n]*\}[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class Block:
    """One container block of a body, as the parser saw it."""

    kind: str
    #: The words after the kind, braces removed (may be empty).
    title: str
    #: 0-based line of the opening ``:::`` within the body.
    line: int
    #: The Markdown between the opening and the closing line.
    body: str
    #: ``menit=N`` when valid, else 0.
    minutes: int = 0
    #: ``id=...`` on a ``tugas`` when valid: the block is an answerable task.
    task_id: str | None = None


def _check_attributes(info: InfoLine) -> tuple[int, str | None, list[str]]:
    """The valid minutes and task id of one block, and what is wrong with its attributes."""
    problems = [info.error] if info.error else []
    minutes, task_id, seen = 0, None, set()
    for name, value in info.attributes:
        if value is None or not value:
            problems.append(f"block attribute {name!r} must be written name=value, e.g. "
                            "{menit=10} or {id=peta-aktor}")
            continue
        if name not in ATTRIBUTE_KINDS:
            problems.append(f"unknown block attribute {name!r} (known: "
                            f"{', '.join(ATTRIBUTE_KINDS)})")
            continue
        if name in seen:
            problems.append(f"block attribute {name!r} is given twice: keep one")
            continue
        seen.add(name)
        allowed = ATTRIBUTE_KINDS[name]
        if info.kind not in allowed:
            hint = ("only a 'tugas' block can be answerable" if name == "id"
                    else f"it is allowed on {', '.join(allowed)}")
            problems.append(f"attribute {name!r} is not allowed on a {info.kind!r} block "
                            f"({hint}): remove it")
            continue
        if name == "menit":
            number = int(value) if value.isascii() and value.isdigit() else None
            if number is None or not MIN_BLOCK_MINUTES <= number <= MAX_BLOCK_MINUTES:
                problems.append(f"menit must be a whole number from {MIN_BLOCK_MINUTES} to "
                                f"{MAX_BLOCK_MINUTES} (got {value!r})")
            else:
                minutes = number
        elif name == "id":
            if is_slug(value):
                task_id = value
            else:
                problems.append(f"task id must be a-z, 0-9 and '-', e.g. {{id=peta-aktor}} "
                                f"(got {value!r})")
    return minutes, task_id, problems


def parse_blocks(body: str) -> tuple[tuple[Block, ...], list[tuple[int, str]]]:
    """Every container block of a Markdown body, in order, and the problems of their
    attributes as (0-based line in the body, message)."""
    lines = body.splitlines()
    blocks, problems = [], []
    for token in parse(body):
        if not (token.type.startswith("container_") and token.type.endswith("_open")):
            continue
        info = split_info(token.info)
        if info.kind not in CALLOUTS or not token.map:
            continue
        start, end = token.map
        minutes, task_id, messages = _check_attributes(info)
        problems.extend((start, message) for message in messages)
        blocks.append(Block(info.kind, info.title, start, "\n".join(lines[start + 1:end]),
                            minutes, task_id))
    return tuple(blocks), problems


def count_words(body: str) -> int:
    """Words of a Markdown body: runs of non-space characters holding a letter or a digit.

    Markdown marks alone (``#``, ``-``, ``|``, ``:::``), link addresses, footnote marks and
    block attributes are not words; footnote definitions are counted like any other text.
    """
    text = _CONTAINER_LINE_RE.sub(r"\1", body)
    text = _LINK_TARGET_RE.sub("]", text)
    text = _FOOTNOTE_MARK_RE.sub(" ", text)
    return sum(1 for word in text.split() if any(char.isalnum() for char in word))
