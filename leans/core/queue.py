"""The background queue: a Huey task queue (SQLite in the instance folder by default, Redis
when LEANS_QUEUE_URL is set) for work that must not run inside a request: bulk certificate
jobs, notification emails, and the daily reminders.

The queue is built by :func:`init_app` from the app's configuration and kept in
``app.extensions["leans.queue"]``; features register their tasks on it
(:meth:`TaskQueue.task`, :meth:`TaskQueue.daily`). A task runs inside the app that built its
queue, so the worker's app is the one ``leans worker`` was started with (no second factory
call). In tests (or with LEANS_QUEUE_IMMEDIATE) tasks run at once, in their own app context.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from huey import Huey, RedisHuey, SqliteHuey, crontab


class TaskQueue:
    """One app's queue: features register tasks; ``leans run`` consumes them in threads, a
    production install in the ``leans worker`` process."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.huey = _make_huey(app)
        self.huey.immediate = bool(app.config.get("LEANS_QUEUE_IMMEDIATE",
                                                  app.config.get("TESTING")))

    def task(self, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register FUNCTION as task NAME; calling the returned function enqueues it."""
        def register(function: Callable[..., Any]) -> Callable[..., Any]:
            @self.huey.task(name=name)
            def run_in_app(*args: Any) -> None:
                with self.app.app_context():
                    function(*args)

            return run_in_app

        return register

    def daily(self, name: str, hour: int) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
        """Register FUNCTION to run every day at HOUR (the worker's clock), besides being
        callable directly (``leans notifications remind``)."""
        def register(function: Callable[[], Any]) -> Callable[[], Any]:
            @self.huey.periodic_task(crontab(minute="0", hour=str(hour)), name=name)
            def run_in_app() -> None:
                with self.app.app_context():
                    function()

            return function

        return register

    def consume(self, workers: int) -> None:
        """Run tasks, and the daily ones, until stopped (``leans worker``)."""
        self.huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()

    def start_in_threads(self, workers: int = 1) -> None:
        """Run the consumer, daily tasks included, in daemon threads of this process
        (``leans run``: a single install needs no worker of its own)."""
        consumer = self.huey.create_consumer(workers=workers, worker_type="thread",
                                             periodic=True)
        for _, thread in consumer.worker_threads:
            thread.daemon = True
        consumer.scheduler.daemon = True
        consumer.start()
        # Keep Ctrl+C and SIGTERM for the server, not the consumer's graceful shutdown.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _make_huey(app: Flask) -> Huey:
    url = app.config["LEANS_QUEUE_URL"]
    if url.startswith("redis"):
        return RedisHuey("leans", url=url)
    folder = Path(app.instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("leans", filename=str(folder / "queue.sqlite3"))


def task_queue() -> TaskQueue:
    """The current app's queue."""
    return current_app.extensions["leans.queue"]


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Worker threads.")
@with_appcontext
def worker_command(workers: int) -> None:
    """Run background jobs (bulk certificates, emails, daily reminders) for a production
    install."""
    task_queue().consume(workers)


def init_app(app: Flask) -> None:
    app.extensions["leans.queue"] = TaskQueue(app)
    app.cli.add_command(worker_command)
