"""Entry point for gunicorn: ``gunicorn wsgi:app``. Production mode unless told otherwise."""

import os

from leans import create_app

os.environ.setdefault("LEANS_ENV", "production")
app = create_app()
