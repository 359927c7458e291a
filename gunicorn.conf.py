"""gunicorn's settings for LEANS: ``gunicorn -c gunicorn.conf.py wsgi:app`` (gunicorn also
reads this file by itself when started in this folder). Workers, address and timeouts stay on
the command line; this file holds the hooks the app needs.

Prometheus metrics in multiprocess mode (docs/operations.md): with PROMETHEUS_MULTIPROC_DIR
set, every worker writes its values to files in that folder, and a scrape adds them up; a
worker that ends is marked dead so that its live gauges stop counting (its counters stay).
"""

from __future__ import annotations

import os


def child_exit(server, worker) -> None:
    """A worker ended (restarted, killed, or at shutdown)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
