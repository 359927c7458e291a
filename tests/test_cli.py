"""The ``leans`` command itself (the commands are tested with their packages)."""

from __future__ import annotations

from click.testing import CliRunner

from leans.cli import main


def test_leans_help_lists_every_command():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("run", "demo", "users", "db"):
        assert f"  {command} " in result.output
