"""Static files: URLs carry a hash of the file's content, and a versioned file is kept for a
year (a changed file gets a new URL)."""

from __future__ import annotations

import hashlib
import os
import re

from leans.core.config import PROJECT_ROOT

CSS_RE = re.compile(r'href="(/static/leans\.css\?v=([0-9a-f]{12}))"')


def test_stylesheet_link_carries_the_content_hash(client):
    html = client.get("/login").get_data(as_text=True)
    match = CSS_RE.search(html)
    assert match, "the stylesheet link carries ?v=<hash>"
    content = (PROJECT_ROOT / "static" / "leans.css").read_bytes()
    assert match.group(2) == hashlib.sha256(content).hexdigest()[:12]


def test_versioned_static_file_is_kept_for_a_year(client, auth, make_user):
    make_user(username="p")
    auth.login("p")  # logged-in pages are no-store; static files are not
    url = CSS_RE.search(client.get("/dashboard").get_data(as_text=True)).group(1)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_unversioned_or_stale_static_file_is_rechecked(client):
    for url in ("/static/leans.css", "/static/leans.css?v=000000000000"):
        response = client.get(url)
        assert response.status_code == 200
        assert "immutable" not in response.headers.get("Cache-Control", "")


def test_missing_static_file_gets_no_version(app):
    from flask import url_for

    with app.test_request_context():
        assert url_for("static", filename="nothing-here.css") == "/static/nothing-here.css"


def test_changing_the_file_changes_its_version(other_app, tmp_path):
    other = other_app()
    other.static_folder = str(tmp_path)
    style = tmp_path / "site.css"
    style.write_text("body { color: black; }")
    os.utime(style, ns=(1_000_000_000, 1_000_000_000))
    with other.test_request_context():
        from flask import url_for

        first = url_for("static", filename="site.css")
        style.write_text("body { color: navy; }")
        os.utime(style, ns=(2_000_000_000, 2_000_000_000))
        second = url_for("static", filename="site.css")
    assert first != second
    navy = hashlib.sha256(b"body { color: navy; }").hexdigest()[:12]
    assert second == f"/static/site.css?v={navy}"
    client = other.test_client()
    assert "immutable" in client.get(second).headers["Cache-Control"]
    assert "immutable" not in client.get(first).headers.get("Cache-Control", "")
