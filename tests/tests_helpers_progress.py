"""Hand-made modules for tests of the progress rules."""

from __future__ import annotations

from pathlib import Path

from leans.content.model import Lesson, Module


def make_module(slug: str, lessons: list[str], jp: float = 3, prerequisites=(),
                completion=("lessons",)) -> Module:
    return Module(
        slug=slug, title=f"Modul {slug}", order=1, jp=jp, estimated_minutes=90,
        objectives=("x",), prerequisites=tuple(prerequisites), summary="", folder=Path("."),
        path=Path("module.md"), overview="", body_line=1, completion=tuple(completion),
        lessons=tuple(Lesson(slug, name, name, i, 10, Path(f"{name}.md"), "t", 1)
                      for i, name in enumerate(lessons, 1)),
    )
