"""The app as served: error pages, the production entry point under gunicorn."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from pathlib import Path

from leans import create_app
from tests.fixtures.servers import clean_env, gunicorn
from tests.fixtures.signing import production_key_settings

ROOT = Path(__file__).parent.parent


def test_server_errors_get_a_friendly_page(tmp_path):
    app = create_app({"TESTING": False, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})

    @app.route("/boom")
    def boom():
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Terjadi kesalahan" in response.get_data(as_text=True)


def test_wsgi_refuses_to_start_without_a_secret_key(tmp_path):
    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=clean_env(),
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "LEANS_SECRET_KEY is missing or too weak for production" in result.stderr


def test_gunicorn_serves_the_wsgi_app(tmp_path):
    env = clean_env(LEANS_SECRET_KEY="k" * 40,
                    LEANS_DATABASE_URL=f"sqlite:///{tmp_path}/g.sqlite3",
                    LEANS_RATELIMIT_STORAGE_URL="memory://",  # one worker
                    LEANS_BASE_URL="https://leans.bojonegorokab.go.id",
                    **production_key_settings(tmp_path / "keys"))
    with gunicorn(env) as base, urllib.request.urlopen(f"{base}/login") as response:
        assert b"Masuk ke LEANS" in response.read()
