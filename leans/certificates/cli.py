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
    count = issue_all(_cohort(slug), None,
                      lambda done, total: click.echo(f"  issued {done}/{total}"))
    click.echo(f"Issued {count} certificate(s).")


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
