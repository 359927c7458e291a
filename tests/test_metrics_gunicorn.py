"""``/metrics`` under gunicorn with several workers (multiprocess mode, docs/operations.md):
whichever worker answers a scrape, it reports every worker's requests, because each one
writes its values to PROMETHEUS_MULTIPROC_DIR and the scrape adds them up."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from tests.fixtures.servers import BIN, clean_env, gunicorn
from tests.fixtures.signing import production_key_settings

SECRET = "metrik-" + "3" * 40
TOKEN = "pengikis-" + "5" * 32
#: Requests to the login page, at least (more while workers are still booting).
PAGES = 30


def writers(folder: Path) -> set[str]:
    """The counter files in the multiprocess folder: one per process that counted."""
    return {path.name for path in folder.glob("counter_*.db")}


def page_status(url: str) -> int:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status


def login_page_count(base: str) -> tuple[float, str]:
    """One scrape, on a fresh connection: the GET /login answers counted, and the text."""
    request = urllib.request.Request(f"{base}/metrics",
                                     headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        text = response.read().decode()
    count = sum(sample.value for family in text_string_to_metric_families(text)
                for sample in family.samples
                if sample.name == "leans_http_requests_total"
                and sample.labels == {"endpoint": "auth.login", "method": "GET", "status": "200"})
    return count, text


def test_every_worker_s_requests_are_in_every_scrape(tmp_path):
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = clean_env(LEANS_ENV="production", LEANS_SECRET_KEY=SECRET,
                    LEANS_INSTANCE_PATH=str(tmp_path),
                    LEANS_DATABASE_URL=f"sqlite:///{tmp_path}/metrics.sqlite3",
                    LEANS_RATELIMIT_STORAGE_URL="memory://",
                    LEANS_BASE_URL="https://leans.bojonegorokab.go.id",
                    LEANS_METRICS_TOKEN=TOKEN, PROMETHEUS_MULTIPROC_DIR=str(folder),
                    **production_key_settings(tmp_path / "keys"))
    subprocess.run([str(BIN / "leans"), "db", "upgrade"], env=env, check=True,
                   capture_output=True)
    with gunicorn(env, workers=3) as base, ThreadPoolExecutor(6) as pool:
        # Six at a time, each on a new connection, so that a busy worker leaves the next one
        # to another; at least PAGES, and more until every worker has booted and counted
        # (the first one up answers everything while the others still load the app).
        made, deadline = 0, time.monotonic() + 60
        while made < PAGES or (len(writers(folder)) < 3 and time.monotonic() < deadline):
            statuses = list(pool.map(lambda _: page_status(f"{base}/login"), range(6)))
            assert statuses == [200] * 6
            made += len(statuses)
            time.sleep(0.1)
        scrapes = list(pool.map(lambda _: login_page_count(base), range(6)))
        counted = writers(folder)
    assert [count for count, _ in scrapes] == [made] * 6
    assert "leans_queue_depth 0.0" in scrapes[-1][1]
    # More than one worker counted requests: every scrape added up several files.
    assert len(counted) >= 2, counted
