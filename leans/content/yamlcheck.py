"""YAML with line numbers, and a small field checker that reports problems as file:line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from leans.content.problems import Problem


class LineLoader(yaml.SafeLoader):
    """Records the line of every mapping and of each of its keys (1-based)."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        mapping["__lines__"] = {key.value: key.start_mark.line + 1 for key, _ in node.value
                                if isinstance(key, yaml.ScalarNode)}
        return mapping


class Checker:
    """Collects problems; ``offset`` is added to YAML line numbers (front matter starts on
    line 2 of its file)."""

    def __init__(self, path: Path, offset: int = 0) -> None:
        self.path = path
        self.offset = offset
        self.problems: list[Problem] = []

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line + self.offset, message))

    def field(self, data: dict, name: str, kind: type | tuple, *, required: bool = True,
              default: Any = None, check=None, hint: str = "", missing: str = "") -> Any:
        line = data["__lines__"].get(name, data["__line__"])
        if name not in data or data[name] is None:
            if required:
                self.add(data["__line__"], f"required field '{name}' is missing"
                                           + (f": {missing}" if missing else ""))
            return default
        value = data[name]
        bad_bool = isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple)
                                                            else (kind,))
        if not isinstance(value, kind) or bad_bool or (check and not check(value)):
            self.add(line, f"field '{name}' {hint or 'has the wrong type'} (got {value!r})")
            return default
        return value

    def unknown(self, data: dict, known: tuple[str, ...], where: str) -> None:
        for key, line in data["__lines__"].items():
            if key not in known:
                self.add(line, f"unknown field '{key}' in {where} (known: {', '.join(known)})")


def front_matter_end(path: Path, lines: list[str]) -> tuple[int | None, Problem | None]:
    """The index of the line that closes a file's front matter (``---`` on the first line
    and again below it), or the problem that prevents reading it. Every content file with
    front matter (lessons, modules, rubrics) is split here."""
    if not lines or lines[0].strip() != "---":
        return None, Problem(path, 1, "front matter missing: the file must start with '---'")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        return None, Problem(path, 1, "front matter is not closed by a '---' line")
    return end, None
