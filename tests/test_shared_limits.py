"""Limits shared between app servers: two gunicorn servers (two workers each) in production
mode, their requests alternating, as an attacker's would be spread over them.

- The password throttle counts failed password checks in the database, so two servers on one
  database (SQLite here; PostgreSQL too when the suite runs on it) see each other's failures:
  the account locks after the configured number however the attempts are spread.
- The verification page's limit is Flask-Limiter's, counted in one Redis; per-process memory
  would let each server allow the full limit."""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.fixtures.app import empty_database
from tests.fixtures.constants import CSRF_RE, PASSWORD
from tests.fixtures.servers import BIN, clean_env, gunicorn, serving
from tests.fixtures.signing import production_key_settings

REDIS = shutil.which("redis-server")
SECRET = "geser-" + "9" * 40
BASE_URL = "https://leans.bojonegorokab.go.id"


def open_status(request: urllib.request.Request | str) -> tuple[int, dict, str]:
    """Status, headers and body of a request on a fresh connection (errors included)."""
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def login(base: str, name: str, password: str = "bukan-kata-sandinya") -> int:
    """One login through the real form, on fresh connections; the status."""
    page = urllib.request.urlopen(f"{base}/login")
    cookie = page.headers["Set-Cookie"].split(";")[0]
    token = CSRF_RE.search(page.read().decode()).group(1)
    data = urllib.parse.urlencode({"login": name, "password": password,
                                   "csrf_token": token}).encode()
    status, _, _ = open_status(urllib.request.Request(f"{base}/login", data=data,
                                                      headers={"Cookie": cookie}))
    return status


@contextmanager
def database(kind: str, tmp_path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path}/shared.sqlite3"
        return
    if not os.environ.get("LEANS_TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("PostgreSQL runs when the suite does (LEANS_TEST_DATABASE_URL)")
    with empty_database(os.environ["LEANS_TEST_DATABASE_URL"], tmp_path,
                        "leans_shared") as url:
        yield url


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_password_throttle_is_shared_by_two_app_servers(tmp_path, kind):
    with database(kind, tmp_path) as url:
        env = clean_env(LEANS_ENV="production", LEANS_SECRET_KEY=SECRET,
                        LEANS_INSTANCE_PATH=str(tmp_path), LEANS_DATABASE_URL=url,
                        LEANS_RATELIMIT_STORAGE_URL="memory://",  # the throttle needs none
                        LEANS_ADDRESS_FAILURES="12", LEANS_BASE_URL=BASE_URL,
                        **production_key_settings(tmp_path / "keys"))
        subprocess.run([str(BIN / "leans"), "db", "upgrade"], env=env, check=True,
                       capture_output=True)
        subprocess.run([str(BIN / "leans"), "users", "create", "--username", "target",
                        "--name", "Target", "--role", "participant", "--password-stdin"],
                       env=env, check=True, capture_output=True, input=f"{PASSWORD}\n",
                       text=True)
        with gunicorn(env, workers=2) as first, gunicorn(env, workers=2) as second:
            servers = (first, second)
            guesses = [login(servers[n % 2], "target") for n in range(8)]  # alternating
            right = login(second, "target", PASSWORD)
            # Five failures so far from this address; the budget of 12 is shared too.
            others = [login(servers[n % 2], f"tamu{n}") for n in range(8)]
    assert guesses == [401] * 5 + [429] * 3  # memory per server would give [401] * 8
    assert right == 429  # locked: even the right password, on the other server
    assert others == [401] * 7 + [429]


@pytest.mark.skipif(REDIS is None, reason="redis-server is not installed (make test installs "
                                          "it)")
def test_the_verification_limit_is_shared_by_two_app_servers(tmp_path):
    import redis

    socket = tmp_path / "redis.sock"  # a private Redis: no port to race for
    env = clean_env(LEANS_ENV="production", LEANS_SECRET_KEY=SECRET,
                    LEANS_INSTANCE_PATH=str(tmp_path),
                    LEANS_DATABASE_URL=f"sqlite:///{tmp_path}/limits.sqlite3",
                    LEANS_RATELIMIT_STORAGE_URL=f"redis+unix://{socket}",
                    LEANS_VERIFY_RATE_LIMIT="4 per minute", LEANS_BASE_URL=BASE_URL,
                    **production_key_settings(tmp_path / "keys"))
    subprocess.run([str(BIN / "leans"), "db", "upgrade"], env=env, check=True,
                   capture_output=True)
    store = redis.Redis(unix_socket_path=str(socket))
    with (serving([REDIS, "--port", "0", "--unixsocket", str(socket), "--save", "",
                   "--appendonly", "no", "--dir", str(tmp_path)], store.ping,
                  what="redis-server"),
          gunicorn(env, workers=2) as first, gunicorn(env, workers=2) as second):
        answers = [open_status(f"{(first, second)[n % 2]}/verify/tebak{n}") for n in range(8)]
        counters = store.keys("*")
    assert [status for status, _, _ in answers] == [404] * 4 + [429] * 4
    assert counters, "the limiter wrote nothing to Redis"
    _, headers, page = answers[-1]
    assert 0 < int(headers["Retry-After"]) <= 60
    assert '<html lang="id">' in page and "Kembali ke halaman awal" in page  # the styled page
