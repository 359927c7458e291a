"""``leans backup OUT`` and ``leans restore IN``: a consistent copy while the app serves.

SQLite uses its online backup API (pages copied under a read lock, so writers are never
blocked for long); PostgreSQL uses pg_dump/pg_restore in their custom format.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from leans.extensions import db


def _sqlite_path() -> str:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).database


def _pg_url() -> str:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise click.ClickException(f"{name} is not installed (Debian: postgresql-client)")
    return path


def backup_to(target: Path) -> None:
    if db.engine.dialect.name == "sqlite":
        with sqlite3.connect(_sqlite_path()) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return
    subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={target}",  # noqa: S603
                    _pg_url()], check=True)


def restore_from(source: Path) -> None:
    db.session.remove()
    db.engine.dispose()
    if db.engine.dialect.name == "sqlite":
        with sqlite3.connect(source) as backup, sqlite3.connect(_sqlite_path()) as live:
            backup.backup(live)
        return
    subprocess.run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",  # noqa: S603
                    f"--dbname={_pg_url()}", str(source)], check=True)


@click.command("backup")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(out: Path) -> None:
    """Write a consistent copy of the database to OUT (safe while the app is serving)."""
    if out.exists():
        raise click.ClickException(f"{out} exists already; choose a new file name")
    backup_to(out)
    click.echo(f"Backup written to {out} ({out.stat().st_size} bytes).")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(source: Path, yes: bool) -> None:
    """Replace the database's contents with the backup SOURCE (stop the app first)."""
    if not yes:
        click.confirm(f"Replace everything in the database with {source}?", abort=True)
    restore_from(source)
    click.echo(f"Restored from {source}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
