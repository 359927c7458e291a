"""Where the answer forms go on a lesson page: right after each answerable task block of the
rendered lesson (``<section class="callout tugas" id="tugas-<id>" data-task="<id>">``)."""

from __future__ import annotations

import re

_TASK_OPEN = re.compile(r'<section\b[^>]*\bdata-task="([a-z0-9-]+)"[^>]*>')
_SECTION = re.compile(r"<(/?)section\b[^>]*>")


def split_after_tasks(html: str) -> list[tuple[str, str | None]]:
    """The rendered lesson cut after each answerable task: (html, task id) pieces, the last
    one with ``None``; joined, the pieces are the page unchanged."""
    pieces: list[tuple[str, str | None]] = []
    start = position = 0
    while (opening := _TASK_OPEN.search(html, position)) is not None:
        depth, end = 1, None
        for tag in _SECTION.finditer(html, opening.end()):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                end = tag.end()
                break
        if end is None:  # not closed: leave the rest as it is
            break
        pieces.append((html[start:end], opening.group(1)))
        start = position = end
    pieces.append((html[start:], None))
    return pieces
