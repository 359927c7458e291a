"""Benchmark: a cohort like Moodle's L load plan (1,000 users) with think time, through the
production stack on this machine (issue 19 targets: 0 responses 5xx; every acknowledged write
stored; page p95 < 1 s and p99 < 2 s).

    .venv/bin/python bench/cohort_load.py [--users 1000] [--minutes 5] [--spawn-rate 10]

Runs Locust headless (bench/locustfile.py: participants reading, marking lessons done, taking a
pre-test and saving plan drafts, 5-15 s between steps; a few facilitators) against nginx
(the shipped deploy/nginx/leans.conf over HTTPS) in front of two gunicorn app servers, a
`leans worker`, PostgreSQL and a private Redis (queue and rate limits). Needs PostgreSQL as in
.ci/run and Debian's nginx and redis-server (`make system`). The load generator shares the two
cores with the stack, so its own CPU time is reported. The 100-user no-think-time run in
bench/load.py stays as the overload test.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from common import ROOT
from load import PASSWORD, prepare, stored

from leans import create_app
from leans.core.extensions import db
from tests.fixtures.app import empty_database
from tests.fixtures.nginx import (
    NGINX,
    SITE,
    https_ready,
    nginx_conf,
    render_site,
    write_certificate,
)
from tests.fixtures.servers import BIN, clean_env, find_free_port, gunicorn, serving
from tests.fixtures.signing import production_key_settings

REDIS = "redis-server"


def the_stack(tmp: Path, url: str, stack: ExitStack, app_workers: int) -> tuple[int, Path]:
    """Redis, two app servers, the worker and nginx; returns nginx's port and access log."""
    import redis

    redis_port = find_free_port()
    env = clean_env(LEANS_ENV="production", LEANS_SECRET_KEY="beban-" + "5" * 40,
                    LEANS_DATABASE_URL=url, LEANS_PROXY_COUNT="1",
                    LEANS_BASE_URL="https://leans.example.go.id",
                    LEANS_RATELIMIT_STORAGE_URL=f"redis://127.0.0.1:{redis_port}/0",
                    LEANS_QUEUE_URL=f"redis://127.0.0.1:{redis_port}/1",
                    **production_key_settings(tmp / "keys"))
    store = redis.Redis(port=redis_port)
    stack.enter_context(serving([REDIS, "--port", str(redis_port), "--bind", "127.0.0.1",
                                 "--save", "", "--appendonly", "no", "--dir", str(tmp)],
                                store.ping, what="redis-server"))
    servers = []
    for n in (1, 2):
        folder = tmp / f"app{n}"
        folder.mkdir()
        servers.append(stack.enter_context(gunicorn(
            {**env, "LEANS_INSTANCE_PATH": str(folder),
             "GUNICORN_CMD_ARGS": f"--error-logfile {tmp}/app{n}.log --capture-output"},
            workers=app_workers)))
    worker_folder = tmp / "worker"
    worker_folder.mkdir()
    worker = subprocess.Popen([str(BIN / "leans"), "worker"], cwd=ROOT, stdout=subprocess.DEVNULL,
                              env={**env, "LEANS_INSTANCE_PATH": str(worker_folder)})
    stack.callback(worker.wait, 20)
    stack.callback(worker.terminate)
    cert, key = write_certificate(tmp)
    port, http_port = find_free_port(), find_free_port()
    conf = tmp / "nginx.conf"
    conf.write_text(nginx_conf(render_site(
        SITE.read_text(), port=port, http_port=http_port, cert=cert, key=key,
        static=ROOT / "static", logs=tmp,
        upstreams=tuple(s.removeprefix("http://") for s in servers)), tmp,
        connections=4096))  # a hall of phones keeps its connections open
    import ssl

    context = ssl.create_default_context(cafile=str(cert))
    stack.enter_context(serving([NGINX, "-e", "stderr", "-p", str(tmp), "-c", str(conf)],
                                https_ready(port, context), what="nginx"))
    return port, tmp / "leans.access.log"  # the site's own log, moved into TMP


def locust(port: int, tmp: Path, args, lessons) -> tuple[float, float, Path, Path]:
    """Run Locust; returns its wall seconds, its CPU seconds, its stats CSV and acked file."""
    acked = tmp / "acked.json"
    env = {**os.environ, "LOAD_PASSWORD": PASSWORD, "LOAD_LESSONS": json.dumps(lessons),
           "LOAD_PARTICIPANTS": str(args.users), "LOAD_FACILITATORS": str(args.facilitators),
           "LOAD_ACKED_FILE": str(acked)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run([str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"),
                    "--headless", "-u", str(args.users + args.facilitators),
                    "-r", str(args.spawn_rate), "-t", f"{round(args.minutes * 60)}s",
                    "--stop-timeout", "20",
                    "--host", f"https://127.0.0.1:{port}", "--csv", str(tmp / "locust"),
                    "--only-summary", "--loglevel", "WARNING"], env=env, check=False)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, tmp / "locust_stats.csv", acked


def statuses(access_log: Path) -> dict[int, int]:
    """Responses per status code, as nginx logged them (combined format)."""
    counts: dict[int, int] = {}
    for line in access_log.read_text(errors="replace").splitlines():
        match = re.search(r'" (\d{3}) ', line)
        if match:
            code = int(match.group(1))
            counts[code] = counts.get(code, 0) + 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--facilitators", type=int, default=10)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--app-workers", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, \
            empty_database("postgresql+psycopg:///postgres", Path(folder), "leans_cohort") as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "load" * 10})
        lessons = prepare(app, args.users, args.facilitators)
        with ExitStack() as stack:
            tmp = Path(folder)
            port, access_log = the_stack(tmp, url, stack, args.app_workers)
            wall, cpu, stats_csv, acked_file = locust(port, tmp, args, lessons)
            codes = statuses(access_log)
            rows = list(csv.DictReader(stats_csv.open()))
            acked = json.loads(acked_file.read_text())
            for log in sorted(tmp.glob("app*.log")):  # what the 5xx were, if any
                errors = [line for line in log.read_text(errors="replace").splitlines()
                          if "Error" in line or "Traceback" in line]
                print(f"{log.name}: {len(errors)} error lines", *errors[:8], sep="\n  ")
        found = stored(app)
        with app.app_context():
            db.engine.dispose()
    total = next(r for r in rows if r["Name"] == "Aggregated")
    p95, p99 = float(total["95%"]) / 1000, float(total["99%"]) / 1000
    errors = sum(n for code, n in codes.items() if code >= 500)
    lessons_acked = {tuple(x) for x in acked["lessons"]}
    drafts_ok = all(found["drafts"].get(u, 0) == n for u, n in acked["drafts"].items())
    print(f"{args.users} participants + {args.facilitators} facilitators, think time 5-15 s, "
          f"{args.minutes:g} min; nginx -> 2 x gunicorn ({args.app_workers} workers) + worker, "
          "PostgreSQL, Redis")
    print(f"requests: {int(total['Request Count'])} ({float(total['Requests/s']):.1f}/s), "
          f"statuses at nginx: {dict(sorted(codes.items()))}")
    print(f"{'':16}{'count':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for row in rows:
        print(f"{row['Name'][:16]:16}{row['Request Count']:>8}{row['50%']:>9}{row['95%']:>9}"
              f"{row['99%']:>9}")
    print(f"5xx: {errors} (target 0); p95 {p95:.2f} s (target < 1), p99 {p99:.2f} s "
          "(target < 2)")
    print(f"lessons marked: acknowledged {len(lessons_acked)}, stored {found['lessons']}; "
          f"pre-tests: acknowledged {len(set(acked['attempts']))}, stored {found['attempts']}; "
          f"drafts: acknowledged {sum(acked['drafts'].values())} saves, all stored: {drafts_ok}")
    print(f"load generator: {cpu:.0f} s CPU in {wall:.0f} s ({cpu / wall:.0%} of one core)")
    ok = (errors == 0 and p95 < 1 and p99 < 2 and lessons_acked and acked["drafts"]
          and sum(codes.values()) >= int(total["Request Count"])
          and len(lessons_acked) == found["lessons"]
          and len(set(acked["attempts"])) == found["attempts"] and drafts_ok)
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
