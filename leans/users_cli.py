"""``leans users``: account commands for the shell (the first admin of a real install)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from leans.auth.passwords import password_problems
from leans.auth.services import create_user
from leans.extensions import db
from leans.identity import IdentityError, parse_golongan, parse_nip
from leans.models import Cohort, Role, User

users = AppGroup("users", help="Manage user accounts.")


def _checked(parser, value: str | None, option: str) -> str | None:
    if not value:
        return None
    try:
        return parser(value)
    except IdentityError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from exc


@users.command("create")
@click.option("--username", required=True, help="Login name (lower case).")
@click.option("--name", "full_name", required=True, help="Full name with titles, as written.")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice([r.value for r in Role]), help="Repeat for several roles.")
@click.option("--email", default=None)
@click.option("--nip", default=None, help="18 digits, spaces allowed.")
@click.option("--golongan", default=None, help="e.g. III/b")
@click.option("--jabatan", default=None)
@click.option("--unit", default=None, help="OPD, kecamatan or desa.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--must-change-password", is_flag=True,
              help="Make the user choose a new password at first login.")
def create_command(username, full_name, roles, email, nip, golongan, jabatan, unit,
                   password_stdin, must_change_password) -> None:
    """Create a user with one or more roles."""
    username = username.strip().lower()
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise click.BadParameter(f"username {username!r} is already taken.",
                                 param_hint="--username")
    if email and db.session.scalar(select(User.id).where(User.email == email.strip().lower())):
        raise click.BadParameter(f"email {email!r} is already used.", param_hint="--email")
    nip = _checked(parse_nip, nip, "--nip")
    if nip and db.session.scalar(select(User.id).where(User.nip == nip)):
        raise click.BadParameter("this NIP already belongs to another user.", param_hint="--nip")
    golongan = _checked(parse_golongan, golongan, "--golongan")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problems = password_problems(password, [username, full_name, email or "", nip or ""])
    if problems:
        raise click.BadParameter(problems[0], param_hint="password")
    user = create_user(
        username=username, full_name=full_name, password=password,
        roles={Role(r) for r in roles}, must_change_password=must_change_password,
        email=email, nip=nip, golongan=golongan, jabatan=jabatan, unit=unit,
    )
    db.session.commit()
    click.echo(f"Created user {user.username} ({', '.join(sorted(roles))}).")


@users.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--cohort", "slug", required=True, help="Enrol the participants in this cohort.")
@click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing.")
def import_command(file: Path, slug: str, dry_run: bool) -> None:
    """Import participants from CSV or XLSX (all rows or none)."""
    from leans.admin.importing import apply_import, plan_import
    from leans.admin.sheets import SheetError, read_sheet

    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == slug))
    if cohort is None:
        raise click.BadParameter(f"no cohort with slug {slug!r}", param_hint="--cohort")
    try:
        plan = plan_import(read_sheet(file.name, file.read_bytes()), cohort)
    except SheetError as error:
        raise click.ClickException(f"{file}: {error}") from error
    for result in plan.results:
        for column, message in result.errors:
            click.echo(f"{file}: row {result.row}, column {column}: {message}", err=True)
    counts = plan.counts
    click.echo(f"{len(plan.results)} rows: {counts['new']} new, {counts['update']} update, "
               f"{counts['unchanged']} unchanged, {counts['error']} with errors.")
    if plan.ignored_headers:
        click.echo(f"Ignored columns: {', '.join(plan.ignored_headers)}")
    if not plan.ok:
        raise click.ClickException("Nothing was imported: fix the rows above and try again.")
    if dry_run:
        click.echo("Dry run: nothing was written.")
        return
    accounts = apply_import(plan, cohort, None)
    base = current_app.config["LEANS_BASE_URL"].rstrip("/")
    for account in accounts:
        click.echo(f"  {account.username:<20} {account.full_name} — "
                   f"{base}/account/setup/{account.setup_token}")
    click.echo(f"Imported into {cohort.slug}. New accounts choose their password with the "
               "one-time links above (valid 14 days).")


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
