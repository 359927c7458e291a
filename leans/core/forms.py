"""Forms every feature uses."""

from __future__ import annotations

from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """A bare form for POST-only buttons: it carries only the CSRF token."""
