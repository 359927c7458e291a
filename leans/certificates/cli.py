"""``leans certificates``: issue and export from the shell."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from leans.certificates.export import build_zip
from leans.certificates.issuing import issue_all
from leans.core.extensions import db
from leans.core.models import Cohort

group = AppGroup("certificates", help="Issue and export certificates.")


def _cohort(slug: str) -> Cohort:
    cohort = db.session.scalar(select(Cohort).where(Cohort.slug == slug))
    if cohort is None:
        raise click.BadParameter(f"no cohort with slug {slug!r}", param_hint="--cohort")
    return cohort


@group.command("issue")
@click.option("--cohort", "slug", required=True, help="Cohort slug, e.g. angkatan-1.")
def issue_command(slug: str) -> None:
    """Issue certificates to every eligible participant who has none (resumable)."""
    outcome = issue_all(_cohort(slug), None,
                        lambda done, total: click.echo(f"  issued {done}/{total}"))
    click.echo(f"Issued {outcome.issued} certificate(s).")
    for row in outcome.not_issued:
        click.echo(f"  not issued: {row.name} ({row.nip or '-'}): {row.reason}", err=True)
    if outcome.stopped:
        raise click.ClickException(f"stopped: {outcome.stopped}. The rest are still waiting; "
                                   "run the command again when signing works.")
    if outcome.not_issued:
        raise click.ClickException(f"{len(outcome.not_issued)} certificate(s) could not be "
                                   "signed and were not issued.")


@group.command("export")
@click.option("--cohort", "slug", required=True, help="Cohort slug, e.g. angkatan-1.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The ZIP file to write.")
def export_command(slug: str, out: Path) -> None:
    """Write a ZIP of the cohort's certificates, the register and a merged PDF."""
    partial = out.with_name(out.name + ".part")
    count = build_zip(_cohort(slug), partial,
                      lambda done, total: click.echo(f"  packed {done}/{total}"))
    partial.replace(out)
    click.echo(f"Wrote {out} with {count} valid certificate(s).")


siasn_group = AppGroup("siasn", help="Send course-history records to BKN's SIASN.")


@siasn_group.command("push")
@click.option("--cohort", "slug", required=True, help="Cohort slug, e.g. angkatan-1.")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send nothing.")
def siasn_push_command(slug: str, dry_run: bool) -> None:
    """Send each valid certificate with an NIP to SIASN with its PDF (only what is missing);
    delete the records of revoked or superseded ones. Exits non-zero when a row failed."""
    from flask import current_app

    from leans.certificates.siasn import SiasnSettings
    from leans.certificates.siasn_client import SiasnClient
    from leans.certificates.siasn_service import push

    config = current_app.config
    if not dry_run and not (config["LEANS_SIASN_TOKEN"] and config["LEANS_SIASN_BASE_URL"]):
        raise click.ClickException(
            "LEANS_SIASN_TOKEN and LEANS_SIASN_BASE_URL must be set in the environment to "
            "push to SIASN (see docs/siasn.md); --dry-run works without them.")
    rows = push(_cohort(slug), SiasnClient.from_config(config),
                SiasnSettings.from_config(config), dry_run=dry_run,
                after_each=db.session.commit)
    db.session.commit()
    for row in rows:
        click.echo(row.line())
    failed = sum(row.failed for row in rows)
    note = " (dry run: nothing sent)" if dry_run else ""
    click.echo(f"{len(rows)} row(s), {failed} failed{note}.")
    if failed:
        raise SystemExit(1)
