"""``leans content check [DIR]``: validate a content tree without starting the app."""

from __future__ import annotations

import os
from pathlib import Path

import click

from leans.content.loader import load_catalogue
from leans.core.config import PROJECT_ROOT


@click.group("content")
def content_group() -> None:
    """Course content commands."""


@content_group.command("check")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
def check_command(directory: Path | None) -> None:
    """Check every module and lesson; print problems as file:line: message."""
    root = directory or Path(os.environ.get("LEANS_CONTENT_DIR", PROJECT_ROOT / "content"))
    catalogue = load_catalogue(root)
    for problem in catalogue.problems:
        click.echo(str(problem))
    if catalogue.problems:
        click.echo(f"{len(catalogue.problems)} problem(s) in {root}.", err=True)
        raise SystemExit(1)
    lessons = sum(len(module.lessons) for module in catalogue.modules)
    click.echo(f"OK: {len(catalogue.modules)} modules, {lessons} lessons in {root}.")
