"""``leans demo``: realistic demo data that shows every feature at every stage."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from leans.demo.data import demo_command

    app.cli.add_command(demo_command)
