"""Course content: Markdown modules and lessons under ``content/``, loaded, checked, cached."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from leans.content.model import Catalogue
from leans.content.store import ContentError, ContentStore

__all__ = ["ContentError", "get_catalogue", "get_store", "init_app"]


def init_app(app: Flask) -> None:
    """Load the content once; refuse to start when it has problems."""
    store = ContentStore(Path(app.config["LEANS_CONTENT_DIR"]),
                         reload_seconds=app.config.get("LEANS_CONTENT_RELOAD_SECONDS", 2.0))
    catalogue = store.catalogue()
    if not catalogue.ok:
        lines = "\n".join(str(problem) for problem in catalogue.problems)
        raise ContentError(
            f"The content in {store.root} has {len(catalogue.problems)} problem(s); fix them "
            f"(check with `leans content check {store.root}`):\n{lines}"
        )
    app.extensions["leans_content"] = store
    from leans.content.views import bp

    app.register_blueprint(bp)


def get_store() -> ContentStore:
    return current_app.extensions["leans_content"]


def get_catalogue() -> Catalogue:
    return get_store().catalogue()
