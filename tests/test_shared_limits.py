"""Rate limits shared between app servers: two gunicorn servers (two workers each) in
production mode, counting in one Redis. The login limit holds across both, as it must when an
attacker's requests are spread over them; per-process memory would let each server allow
the full limit."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import free_port

from leans.config import PROJECT_ROOT

REDIS = shutil.which("redis-server")
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.skipif(REDIS is None, reason="redis-server is not installed "
                                                      "(make test installs it)")


def wait_until(check, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            check()
            return
        except OSError:
            assert time.monotonic() < deadline, f"{what} did not start"
            time.sleep(0.2)


@contextmanager
def process(command: list[str], **kwargs):
    running = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               **kwargs)
    try:
        yield running
    finally:
        running.terminate()
        running.wait(timeout=20)


def failed_login(base: str) -> int:
    """One wrong password through the real form, on a fresh connection; the status."""
    page = urllib.request.urlopen(f"{base}/login")
    cookie = page.headers["Set-Cookie"].split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.read().decode()).group(1)
    data = urllib.parse.urlencode({"login": "target", "password": "bukan-kata-sandinya",
                                   "csrf_token": token}).encode()
    try:
        urllib.request.urlopen(urllib.request.Request(f"{base}/login", data=data,
                                                      headers={"Cookie": cookie}))
    except urllib.error.HTTPError as error:
        return error.code
    return 200


def test_login_limit_is_shared_by_two_app_servers(tmp_path):
    import redis

    redis_port, first_port, second_port = free_port(), free_port(), free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("LEANS_")},
           "LEANS_ENV": "production", "LEANS_SECRET_KEY": "geser-" + "9" * 40,
           "LEANS_INSTANCE_PATH": str(tmp_path),
           "LEANS_DATABASE_URL": f"sqlite:///{tmp_path}/limits.sqlite3",
           "LEANS_RATELIMIT_STORAGE_URL": f"redis://127.0.0.1:{redis_port}/0",
           "LEANS_LOGIN_RATE_LIMIT": "4 per minute"}
    subprocess.run([str(BIN / "leans"), "db", "upgrade"], env=env, check=True,
                   capture_output=True)
    with process([REDIS, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                  "--appendonly", "no", "--dir", str(tmp_path)]):
        store = redis.Redis(port=redis_port)
        wait_until(lambda: store.ping(), "redis-server")
        servers = [f"http://127.0.0.1:{port}" for port in (first_port, second_port)]
        with (process(gunicorn(first_port), cwd=PROJECT_ROOT, env=env),
              process(gunicorn(second_port), cwd=PROJECT_ROOT, env=env)):
            for base in servers:
                wait_until(lambda: urllib.request.urlopen(f"{base}/healthz").close(),  # noqa: B023
                           "gunicorn")
            statuses = [failed_login(servers[n % 2]) for n in range(8)]  # alternating
        counters = store.keys("*")
    assert statuses == [401] * 4 + [429] * 4  # memory:// gives [401] * 8
    assert counters, "the limiter wrote nothing to Redis"


def gunicorn(port: int) -> list[str]:
    return [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"]
