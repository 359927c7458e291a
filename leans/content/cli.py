"""``leans content check [DIR]`` and ``leans content stats [DIR]``: the content tree, checked
and measured without starting the app."""

from __future__ import annotations

import os
from pathlib import Path

import click

from leans.content.loader import load_catalogue
from leans.content.quality import check_course
from leans.content.stats import course_stats, stats_csv, stats_table
from leans.core.config import PROJECT_ROOT, ConfigError, load_config

_DIRECTORY = click.argument("directory", required=False,
                            type=click.Path(file_okay=False, path_type=Path))
_JP_MINUTES = click.option("--jp-minutes", type=click.IntRange(min=1), default=None,
                           help="Minutes in one JP (default: LEANS_JP_MINUTES, else 45).")


@click.group("content")
def content_group() -> None:
    """Course content commands."""


def _root(directory: Path | None) -> Path:
    return directory or Path(os.environ.get("LEANS_CONTENT_DIR", PROJECT_ROOT / "content"))


def _jp_minutes(option: int | None) -> int:
    if option is not None:
        return option
    try:
        return load_config()["LEANS_JP_MINUTES"]
    except ConfigError as error:
        raise click.UsageError(str(error)) from error


@content_group.command("check")
@_DIRECTORY
@_JP_MINUTES
def check_command(directory: Path | None, jp_minutes: int | None) -> None:
    """Check every module, lesson and bank; print problems as file:line: message.

    Besides what the app needs to start, this checks the course's quality: declared JP within
    25% of the estimated minutes, and balanced question banks (docs/content-format.md)."""
    root = _root(directory)
    catalogue = load_catalogue(root)
    problems = [*catalogue.problems, *check_course(catalogue, _jp_minutes(jp_minutes))]
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem(s) in {root}.", err=True)
        raise SystemExit(1)
    lessons = sum(len(module.lessons) for module in catalogue.modules)
    click.echo(f"OK: {len(catalogue.modules)} modules, {lessons} lessons in {root}.")


@content_group.command("stats")
@_DIRECTORY
@_JP_MINUTES
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV (one row per module).")
def stats_command(directory: Path | None, jp_minutes: int | None, as_csv: bool) -> None:
    """Per module: words, estimated minutes, declared JP, items per form, objectives covered
    and how often the key is the longest option; then the course in total."""
    root = _root(directory)
    catalogue = load_catalogue(root)
    minutes = _jp_minutes(jp_minutes)
    rows = course_stats(catalogue, minutes)
    click.echo(stats_csv(rows) if as_csv else stats_table(rows, minutes), nl=False)
    if not catalogue.ok:
        click.echo(f"{len(catalogue.problems)} problem(s) in {root}: modules with problems are "
                   "left out; run `leans content check`.", err=True)
