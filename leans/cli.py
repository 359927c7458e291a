"""The ``leans`` command: Flask's CLI with LEANS's own commands."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import FlaskGroup, routes_command, shell_command, with_appcontext

from leans import create_app
from leans.content.cli import content_group
from leans.core.schema import upgrade_database


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, help="Port to listen on.")
@click.option("--reload", is_flag=True, help="Restart when code changes (development).")
@with_appcontext
def run_command(host: str, port: int, reload: bool) -> None:
    """Serve LEANS locally; creates and migrates the database first."""
    from werkzeug.serving import run_simple

    upgrade_database()
    app = current_app._get_current_object()
    # Links printed outside a request (QR codes issued by a background job) use this address
    # unless LEANS_BASE_URL says otherwise.
    local = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 - a comparison
    app.config["LEANS_SERVED_URL"] = f"http://{f'[{local}]' if ':' in local else local}:{port}"
    app.extensions["leans.queue"].start_in_threads()
    click.echo(f"LEANS LMS is running at http://{host}:{port}/  (Ctrl+C to stop)")
    run_simple(host, port, app, use_reloader=reload, threaded=True)


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=False,
             add_version_option=False)
def main() -> None:
    """LEANS LMS command line. Settings come from LEANS_* environment variables."""


main.add_command(run_command)
main.add_command(content_group)  # works even when the content is broken
main.add_command(shell_command)
main.add_command(routes_command)
