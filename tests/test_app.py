"""The app as served: error pages, the production entry point under gunicorn."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import free_port

from leans import create_app

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
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEANS_")}
    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "LEANS_SECRET_KEY is missing or too weak for production" in result.stderr


def test_gunicorn_serves_the_wsgi_app(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEANS_")}
    env.update(LEANS_SECRET_KEY="k" * 40, LEANS_DATABASE_URL=f"sqlite:///{tmp_path}/g.sqlite3",
               LEANS_RATELIMIT_STORAGE_URL="memory://")  # one worker
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--workers", "1",
         "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as response:
                    assert response.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login") as response:
            assert b"Masuk ke LEANS" in response.read()
    finally:
        server.terminate()
        server.wait(timeout=10)
