"""Benchmark: an authenticated lesson page under gunicorn vs a minimal *authenticated* Flask
page (the ceiling, bench/ceiling.py), with hello-world as a second reference line.

    .venv/bin/python bench/lesson_page.py [--seconds 10] [--connections 50] [--workers 4]

Needs wrk (Debian: apt-get install -y wrk). Loads the demo into a throw-away SQLite database,
logs in a participant through the real login form, then measures the three apps one after
the other with the same gunicorn settings. Target (issue 19, replacing issue 4's): the lesson
page serves at least 80% of the ceiling's requests/s; p99 < 150 ms.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import tempfile
import urllib.request
from pathlib import Path

from common import BIN, ROOT, gunicorn, login, wrk

from tests.fixtures.signing import production_key_settings

LESSON = "/learn/angkatan-1/kepemimpinan-kolaboratif/memimpin-tanpa-kewenangan"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {"LEANS_ENV": "production", "LEANS_RATELIMIT_STORAGE_URL": "memory://",
               "LEANS_BASE_URL": "https://leans.bojonegorokab.go.id",
               "LEANS_SECRET_KEY": "bench-" + "k" * 40,
               "LEANS_DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
               "LEANS_INSTANCE_PATH": tmp, **production_key_settings(Path(tmp) / "keys")}
        subprocess.run([str(BIN / "leans"), "demo", "--force"], env={**os.environ, **env},
                       check=True, capture_output=True)
        with gunicorn("wsgi:app", env, args.workers) as base:
            cookie = login(base, "fauzi", "leans-demo-2026")
            lesson = wrk(base + LESSON, args.connections, args.seconds, cookie)
        user_id = sqlite3.connect(Path(tmp) / "bench.sqlite3").execute(
            "SELECT id FROM users WHERE username = 'fauzi'").fetchone()[0]
        with gunicorn("ceiling:app", env, args.workers, cwd=ROOT / "bench",
                      ready="/healthz") as base:
            cookie = urllib.request.urlopen(f"{base}/login/{user_id}").headers[
                "Set-Cookie"].split(";")[0]
            ceiling = wrk(base + "/page/1", args.connections, args.seconds, cookie)
        with gunicorn("hello:app", {}, args.workers, cwd=ROOT / "bench") as base:
            hello = wrk(base + "/", args.connections, args.seconds)
    ratio = lesson["rps"] / ceiling["rps"]
    print(f"gunicorn --workers {args.workers}, wrk -c{args.connections} -d{args.seconds}s")
    print(f"{'':22}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'non-2xx':>10}")
    for name, result in (("lesson page", lesson), ("authenticated ceiling", ceiling),
                         ("hello world", hello)):
        print(f"{name:22}{result['rps']:>10.0f}{result['p50']:>10.1f}{result['p99']:>10.1f}"
              f"{result['non2xx']:>10}")
    print(f"ratio lesson/ceiling: {ratio:.0%} (target >= 80%); lesson/hello "
          f"{lesson['rps'] / hello['rps']:.0%}; lesson p99 {lesson['p99']:.0f} ms "
          f"(target < 150 ms)")
    ok = ratio >= 0.8 and lesson["p99"] < 150 and lesson["non2xx"] == ceiling["non2xx"] == 0
    print("PASS" if ok else "FAIL")


if __name__ == "__main__":
    main()
