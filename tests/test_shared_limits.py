"""Rate limits shared between app servers: two gunicorn servers (two workers each) in
production mode, counting in one Redis. The login limit holds across both, as it must when an
attacker's requests are spread over them; per-process memory would let each server allow
the full limit."""

from __future__ import annotations

import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.fixtures.constants import CSRF_RE
from tests.fixtures.servers import BIN, clean_env, gunicorn, serving

REDIS = shutil.which("redis-server")
pytestmark = pytest.mark.skipif(REDIS is None, reason="redis-server is not installed "
                                                      "(make test installs it)")


def failed_login(base: str) -> int:
    """One wrong password through the real form, on a fresh connection; the status."""
    page = urllib.request.urlopen(f"{base}/login")
    cookie = page.headers["Set-Cookie"].split(";")[0]
    token = CSRF_RE.search(page.read().decode()).group(1)
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

    socket = tmp_path / "redis.sock"  # a private Redis: no port to race for
    env = clean_env(LEANS_ENV="production", LEANS_SECRET_KEY="geser-" + "9" * 40,
                    LEANS_INSTANCE_PATH=str(tmp_path),
                    LEANS_DATABASE_URL=f"sqlite:///{tmp_path}/limits.sqlite3",
                    LEANS_RATELIMIT_STORAGE_URL=f"redis+unix://{socket}",
                    LEANS_LOGIN_RATE_LIMIT="4 per minute",
                    LEANS_BASE_URL="https://leans.bojonegorokab.go.id")
    subprocess.run([str(BIN / "leans"), "db", "upgrade"], env=env, check=True,
                   capture_output=True)
    store = redis.Redis(unix_socket_path=str(socket))
    with (serving([REDIS, "--port", "0", "--unixsocket", str(socket), "--save", "",
                   "--appendonly", "no", "--dir", str(tmp_path)], store.ping,
                  what="redis-server"),
          gunicorn(env, workers=2) as first, gunicorn(env, workers=2) as second):
        statuses = [failed_login((first, second)[n % 2]) for n in range(8)]  # alternating
        counters = store.keys("*")
    assert statuses == [401] * 4 + [429] * 4  # memory:// gives [401] * 8
    assert counters, "the limiter wrote nothing to Redis"
