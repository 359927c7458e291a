"""The ``leans`` command: Flask's CLI with LEANS's own commands."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, routes_command, shell_command, with_appcontext

from leans import create_app
from leans.content.cli import content_group


def upgrade_database() -> None:
    """Create the SQLite folder if needed and bring the schema to the newest migration."""
    from flask_migrate import upgrade

    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):
        Path(uri.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    upgrade()


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, help="Port to listen on.")
@click.option("--reload", is_flag=True, help="Restart when code changes (development).")
@with_appcontext
def run_command(host: str, port: int, reload: bool) -> None:
    """Serve LEANS locally; creates and migrates the database first."""
    from werkzeug.serving import run_simple

    from leans.certificates.jobs import start_background_worker

    upgrade_database()
    app = current_app._get_current_object()
    start_background_worker()
    click.echo(f"LEANS LMS is running at http://{host}:{port}/  (Ctrl+C to stop)")
    run_simple(host, port, app, use_reloader=reload, threaded=True)


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=False,
             add_version_option=False)
def main() -> None:
    """LEANS LMS command line. Settings come from LEANS_* environment variables."""


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Worker threads.")
def worker_command(workers: int) -> None:
    """Run background jobs (bulk certificates) for a production install."""
    from leans.certificates.jobs import queue

    queue.create_consumer(workers=workers, worker_type="thread", periodic=False).run()


main.add_command(run_command)
main.add_command(worker_command)
main.add_command(content_group)  # works even when the content is broken
main.add_command(shell_command)
main.add_command(routes_command)
