"""``leans users``: account commands for the shell (the first admin of a real install).
``leans users import`` is added by ``leans.admin.cli``."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from leans.auth.passwords import password_problems
from leans.auth.services import create_user
from leans.core.extensions import db
from leans.core.identity import IdentityError, parse_golongan, parse_nip
from leans.core.models import Role, User

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


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
