"""Helpers shared by the benchmarks: free ports, a gunicorn process, wrk runs, logins."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
if str(ROOT) not in sys.path:  # the benchmarks import the test fixtures' key maker
    sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer within {seconds} s") from None
            time.sleep(0.2)


@contextmanager
def gunicorn(app: str, env: dict, workers: int, cwd: Path = ROOT, ready: str | None = None):
    """Run ``gunicorn APP`` on a free port; yields the base URL once READY (a path) answers."""
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", app],
        cwd=cwd, env={**os.environ, **env})
    try:
        wait_for(f"http://127.0.0.1:{port}" + (ready or ("/healthz" if "wsgi" in app else "/")))
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


def wrk(url: str, connections: int, seconds: int, cookie: str | None = None) -> dict:
    """Run wrk; returns requests/s, p50/p99 latency in ms and error counts."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def latency(percent: str) -> float:
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": latency("50"), "p99": latency("99"),
            "non2xx": int(errors.group(1)) if errors else 0}


def login(base: str, username: str, password: str) -> str:
    """Log in through the real form; returns the ``session=...`` cookie for other clients."""
    page = urllib.request.urlopen(f"{base}/login")
    cookie = page.headers["Set-Cookie"].split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      page.read().decode()).group(1)
    data = urllib.parse.urlencode({"login": username, "password": password,
                                   "csrf_token": token}).encode()
    request = urllib.request.Request(f"{base}/login", data=data, headers={"Cookie": cookie})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        response = opener.open(request)
    except urllib.error.HTTPError as exc:  # the 302 after a good login
        response = exc
    if response.status != 302:
        raise RuntimeError(f"login as {username} failed ({response.status})")
    return response.headers["Set-Cookie"].split(";")[0]


def log_in(client, username: str, password: str) -> None:
    """Log a Flask test client in through the login form (with its CSRF token)."""
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token"')[1].split('value="')[1].split('"')[0]
    client.post("/login", data={"login": username, "password": password, "csrf_token": token})
