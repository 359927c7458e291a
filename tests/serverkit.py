"""Real server processes for the tests: LEANS under `leans run` or gunicorn, Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import free_port

BIN = Path(sys.executable).parent


def clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without any LEANS_* setting, plus SETTINGS."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("LEANS_")}, **settings}


def answers(url: str) -> Callable[[], None]:
    """A readiness check: URL answers (any exception means not yet)."""
    return lambda: urllib.request.urlopen(url, timeout=2).close()


@contextmanager
def serving(command: list[str], ready: Callable[[], None], *, what: str,
            seconds: float = 60, **popen) -> Iterator[subprocess.Popen]:
    """Run COMMAND until the block ends, from the moment READY() stops raising. A server that
    stops or does not get ready fails with the end of its output; it is killed if it does not
    stop when asked."""
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, **popen)
        try:
            deadline = time.monotonic() + seconds
            while True:
                try:
                    ready()
                    break
                except Exception:  # not answering yet
                    if process.poll() is not None or time.monotonic() > deadline:
                        output.seek(0)
                        tail = output.read().decode(errors="replace")[-3000:]
                        raise AssertionError(f"{what} did not start:\n{tail}") from None
                    time.sleep(0.2)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def gunicorn(env: dict[str, str], workers: int = 1) -> Iterator[str]:
    """``gunicorn wsgi:app`` on a free port of 127.0.0.1; yields its base URL."""
    from leans.core.config import PROJECT_ROOT

    base = f"http://127.0.0.1:{free_port()}"
    command = [str(BIN / "gunicorn"), "--workers", str(workers), "--bind",
               base.removeprefix("http://"), "wsgi:app"]
    with serving(command, answers(f"{base}/healthz"), what="gunicorn", cwd=PROJECT_ROOT,
                 env=env):
        yield base
