"""Helpers for the browser tests: a real LEANS server process, logins, screenshots."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import free_port
from serverkit import BIN, answers, clean_env, serving

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "e2e"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)")


def server_env(folder: Path, **extra: str) -> dict[str, str]:
    """A fresh SQLite database in FOLDER; other LEANS_* settings of the caller dropped."""
    return clean_env(LEANS_INSTANCE_PATH=str(folder),
                     LEANS_DATABASE_URL=f"sqlite:///{folder}/e2e.sqlite3",
                     # Every browser logs in from 127.0.0.1; the real limit is in test_security.
                     LEANS_LOGIN_RATE_LIMIT="1000 per minute", **extra)


def leans(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    """Run a ``leans`` command; its output, or the failure with its error output."""
    done = subprocess.run([str(BIN / "leans"), *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"leans {' '.join(args)} failed: {done.stderr}"
    return done.stdout


@contextmanager
def running_server(env: dict[str, str]) -> Iterator[str]:
    """``leans run`` on a free port of 127.0.0.1 until the block ends; yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with serving([str(BIN / "leans"), "run", "--port", str(port)], answers(f"{base}/healthz"),
                 what="leans run", env=env):
        yield base


@contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            yield browser
        finally:
            browser.close()


def watched_page(browser, errors: list[str]):
    """A phone-sized page in its own context; CSP refusals and any dialog go to ERRORS."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.on("console", lambda m: errors.append(m.text) if "Refused" in m.text else None)
    page.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
    return page


def login(browser, base: str, username: str, password: str):
    errors: list[str] = []
    page = watched_page(browser, errors)
    page.goto(f"{base}/login")
    page.fill("#login", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url == f"{base}/dashboard", f"{username} could not log in"
    return page, errors


def open_ok(page, url: str) -> None:
    """Go to URL and insist the page opened (an error page shows no dialog either)."""
    response = page.goto(url)
    assert response is not None and response.ok, f"{url}: {response and response.status}"


def submit(page, selector: str) -> None:
    """Click a submit button and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(selector)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def serious_violations(page) -> list[tuple[str, str, int]]:
    """axe-core's serious and critical findings on the page: (rule, impact, elements)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [(v["id"], v["impact"], len(v["nodes"])) for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")]
