"""``leans backup OUT`` and ``leans restore IN``: a consistent copy while the app serves.

SQLite uses its online backup API (pages copied under a read lock, so writers are never
blocked for long); PostgreSQL uses pg_dump/pg_restore in their custom format.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from leans.core.extensions import db


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


class BackupError(click.ClickException):
    """A backup or restore that could not be done; the database is as it was."""


def _copy_sqlite(source_path: str, target: Path) -> None:
    with sqlite3.connect(source_path) as source, sqlite3.connect(target) as copy:
        source.backup(copy)


def _run(command: list[str], what: str) -> None:
    _output(command, what)


def _output(command: list[str], what: str) -> str:
    done = subprocess.run(command, capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip() or done.returncode}")
    return done.stdout


def backup_to(target: Path) -> None:
    """Write the copy to a private temporary file beside TARGET, then link it into place only
    when complete and only if TARGET does not exist yet: a failed or concurrent backup never
    leaves or overwrites a file that looks like a good one."""
    if not target.parent.is_dir():
        raise BackupError(f"the folder {target.parent} does not exist")
    descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(descriptor)  # created 0600: the copy holds password hashes and NIPs
    partial = Path(name)
    try:
        if db.engine.dialect.name == "sqlite":
            _copy_sqlite(_sqlite_path(), partial)  # an empty file is an empty database
        else:
            _run([_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}",
                  _pg_url()], "pg_dump")
        os.link(partial, target)
    except FileExistsError as exc:
        raise BackupError(f"{target} exists already; choose a new file name") from exc
    finally:
        partial.unlink(missing_ok=True)


#: Tables every LEANS backup holds, whatever its age.
CORE_TABLES = {"alembic_version", "users", "user_roles", "cohorts", "enrolments"}


def _sqlite_contents(source: Path) -> tuple[set[str], list[str]]:
    """The tables of a SQLite backup and its migration revision(s)."""
    try:
        with sqlite3.connect(f"file:{quote(str(source))}?mode=ro", uri=True) as backup:
            tables = {row[0] for row in backup.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            revisions = [row[0] for row in backup.execute(
                "SELECT version_num FROM alembic_version")] \
                if "alembic_version" in tables else []
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} is not a LEANS SQLite backup ({exc})") from exc
    return tables, revisions


def _pg_contents(source: Path) -> tuple[set[str], list[str]]:
    """The tables of a pg_dump backup (from its table of contents) and its revision(s)."""
    listing = _output([_tool("pg_restore"), "--list", str(source)],
                      f"{source} is not a pg_dump backup: pg_restore --list")
    # Entries read "215; 1259 16390 TABLE public users owner" (the owner may be absent).
    tables = {match.group(1) for line in listing.splitlines()
              if (match := re.match(r"^\d+; \d+ \d+ TABLE \S+ (\S+)", line))}
    data = _output([_tool("pg_restore"), "--data-only", "--table=alembic_version",
                    "--file=-", str(source)], "pg_restore of alembic_version")
    revisions, copying = [], False
    for line in data.splitlines():
        if line.startswith("COPY ") and "alembic_version" in line:
            copying = True
        elif copying and line == "\\.":
            copying = False
        elif copying and line.strip():
            revisions.append(line.strip())
    return tables, revisions


def _check_backup(source: Path) -> None:
    """Refuse, before touching anything, a file that is not a complete LEANS backup of this
    database's kind, or one made by a newer LEANS (a schema this code cannot run)."""
    if db.engine.dialect.name == "sqlite":
        tables, revisions = _sqlite_contents(source)
    else:
        tables, revisions = _pg_contents(source)
    missing = sorted(CORE_TABLES - tables)
    if missing:
        raise BackupError(f"{source} is not a complete LEANS backup: it has no "
                          f"{', '.join(missing)} table; nothing was changed")
    if len(revisions) != 1:
        raise BackupError(f"{source} records {len(revisions)} schema versions instead of one; "
                          "nothing was changed")
    if _revision_age(revisions[0]) == "newer":
        raise BackupError(f"{source} was made by a newer LEANS (schema {revisions[0]}): "
                          "update LEANS to that version first; nothing was changed")


def restore_from(source: Path) -> None:
    """All or nothing: SQLite copies the pages in one transaction, pg_restore runs in one."""
    _check_backup(source)
    db.session.remove()
    db.engine.dispose()
    if db.engine.dialect.name == "sqlite":
        _copy_sqlite(str(source), Path(_sqlite_path()))
        return
    _run([_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
          f"--dbname={_pg_url()}", str(source)], "pg_restore")


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
    schema = schema_age()
    if schema == "older":
        click.echo("The backup was made by an older LEANS: run `leans db upgrade` before "
                   "starting the app.")
    elif schema == "newer":
        click.echo("The backup was made by a newer LEANS than this one: update LEANS to that "
                   "version (or newer) before starting the app.")


def schema_age() -> str:
    """The database's schema: ``current``, ``older`` or ``newer`` (a migration this code
    does not know)."""
    from alembic.migration import MigrationContext

    with db.engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
    return _revision_age(revision)


def _revision_age(revision: str | None) -> str:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    if revision == script.get_current_head():
        return "current"
    try:
        found = script.get_revision(revision)
    except CommandError:
        return "newer"
    return "older" if found is not None else "newer"


def init_app(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
