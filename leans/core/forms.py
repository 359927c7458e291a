"""Forms every feature uses."""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """A bare form for POST-only buttons: it carries only the CSRF token."""


def int_arg(name: str, default: int, low: int, high: int) -> int:
    """A whole-number query parameter kept within [low, high]; the default when it is
    missing or not a number (``?page=1e20``, ``?days=-3`` never reach the database)."""
    value = request.args.get(name, type=int)
    if value is None:
        return default
    return min(max(value, low), high)
