"""``leans users import``: participants from CSV or XLSX, from the shell. Importing this
module adds the command to ``leans users`` (registered by ``leans.auth``)."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from leans.admin.importing import apply_import, plan_import
from leans.admin.sheets import SheetError, read_sheet
from leans.auth.cli import users
from leans.auth.services import SETUP_DAYS, setup_url
from leans.core.extensions import db
from leans.core.models import Cohort


@users.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--cohort", "slug", required=True, help="Enrol the participants in this cohort.")
@click.option("--dry-run", is_flag=True, help="Show what would happen; write nothing.")
def import_command(file: Path, slug: str, dry_run: bool) -> None:
    """Import participants from CSV or XLSX (all rows or none)."""
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
    db.session.commit()
    for account in accounts:
        click.echo(f"  {account.username:<20} {account.full_name} — "
                   f"{setup_url(account.setup_token)}")
    click.echo(f"Imported into {cohort.slug}. New accounts choose their password with the "
               f"one-time links above (valid {SETUP_DAYS} days).")
