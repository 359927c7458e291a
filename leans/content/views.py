"""``/glosarium``: the course glossary (``content/glosarium.md``) for everyone logged in."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import login_required

from leans.content.store import ContentStore

bp = Blueprint("content", __name__)


@bp.route("/glosarium")
@login_required
def glossary():
    """The glossary's terms with their definitions; says so when the content has none."""
    store: ContentStore = current_app.extensions["leans_content"]
    glossary = store.catalogue().glossary
    doc = store.render_glossary(glossary) if glossary is not None else None
    terms = sorted(glossary.terms, key=lambda t: t.name.casefold()) if glossary else []
    return render_template("content/glossary.html", glossary=glossary, doc=doc, terms=terms)
