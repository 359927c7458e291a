"""Prometheus metrics (docs/operations.md): requests and their latency per endpoint, server
errors, failed and throttled logins, the queue's depth, bulk-job durations and notifications
sent.

The metric objects live here, at module level; features count with one-line calls
(:func:`login_refused`, :func:`notification_sent`, :func:`timed_job`). Under gunicorn, set
``PROMETHEUS_MULTIPROC_DIR`` (the same empty folder for every app server and ``leans
worker``): each process then writes its values to files there, and a scrape answered by any
worker adds up all of them (:func:`scrape_registry`). Label values are bounded: an endpoint's
name, never a path; ``none`` when no route matched.

``/metrics`` answers only when ``LEANS_METRICS_TOKEN`` or ``LEANS_METRICS_ALLOW`` is set
(:func:`refusal`); with both, a scrape needs both.
"""

from __future__ import annotations

import functools
import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from flask import Flask, Request, Response, g, request
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric

from leans.core.config import ConfigError

log = logging.getLogger("leans.core.metrics")

#: Set (by the service manager) to a folder emptied at each start: multiprocess mode.
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
#: The endpoint label of a request that matched no route (a 404, a 405 on no rule).
NO_ENDPOINT = "none"
#: Request methods counted under their own name; any other is ``other``.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

HTTP_REQUESTS = Counter(
    "leans_http_requests", "HTTP requests answered, by endpoint, method and status.",
    ["endpoint", "method", "status"])
HTTP_DURATION = Histogram(
    "leans_http_request_duration_seconds",
    "Time to answer a request, by endpoint (from the first request hook to the response).",
    ["endpoint"], buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0))
HTTP_SERVER_ERRORS = Counter(
    "leans_http_server_errors", "Responses with a 5xx status, by endpoint.", ["endpoint"])
LOGIN_FAILURES = Counter(
    "leans_login_failures",
    "Failed logins: bad_credentials (wrong password or unknown name) or inactive.",
    ["reason"])
LOGIN_THROTTLED = Counter(
    "leans_login_throttled",
    "Logins refused by the password throttle (429): account (locked) or address.",
    ["reason"])
JOB_DURATION = Histogram(
    "leans_job_duration_seconds", "Time a bulk certificate job ran, by kind and final status.",
    ["kind", "status"], buckets=(1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600))
NOTIFICATIONS_SENT = Counter(
    "leans_notifications_sent",
    "Notifications delivered: channel in_app (recorded) or email (accepted by SMTP), by kind.",
    ["channel", "kind"])


def _code(value: object) -> str:
    """A label value from an enum member (its code) or anything else (its text)."""
    return str(getattr(value, "value", value))


def login_refused(outcome: str, reason: str | None = None) -> None:
    """Count a login that did not get in: throttled (``refused``, with the throttle's
    REASON) or failed (OUTCOME ``bad_credentials``, ``inactive``)."""
    if outcome == "refused":
        LOGIN_THROTTLED.labels(reason=reason or "unknown").inc()
    else:
        LOGIN_FAILURES.labels(reason=outcome).inc()


def notification_sent(channel: str, kind: object) -> None:
    """Count one notification delivered on CHANNEL (``in_app``, ``email``)."""
    NOTIFICATIONS_SENT.labels(channel=channel, kind=_code(kind)).inc()


F = TypeVar("F", bound=Callable[..., Any])


def timed_job(run: F) -> F:
    """Decorate a bulk job's ``run(job, ...)``: its duration is observed under the job's
    ``kind`` and the ``status`` it ended with, whatever happens."""
    @functools.wraps(run)
    def timed(job: Any, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return run(job, *args, **kwargs)
        finally:
            JOB_DURATION.labels(kind=_code(job.kind), status=_code(job.status)).observe(
                time.perf_counter() - start)

    return timed  # type: ignore[return-value]


# Request hooks -------------------------------------------------------------------------------

def _start_timer() -> None:
    g.leans_metrics_start = time.perf_counter()


def _count_response(response: Response) -> Response:
    endpoint = request.url_rule.endpoint if request.url_rule is not None else NO_ENDPOINT
    method = request.method if request.method in METHODS else "other"
    HTTP_REQUESTS.labels(endpoint=endpoint, method=method, status=str(response.status_code)).inc()
    start = g.get("leans_metrics_start")
    if start is not None:
        HTTP_DURATION.labels(endpoint=endpoint).observe(time.perf_counter() - start)
    if response.status_code >= 500:
        HTTP_SERVER_ERRORS.labels(endpoint=endpoint).inc()
    return response


# Scraping ------------------------------------------------------------------------------------

class QueueCollector:
    """``leans_queue_depth`` (tasks waiting) and ``leans_queue_scheduled`` (tasks set for
    later), read from the queue's store at each scrape, so every server reports the same
    shared queue; ``leans_queue_up`` is 0 when the store cannot be read."""

    def __init__(self, huey: Any) -> None:
        self.huey = huey

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("leans_queue_up", "1 when the queue's store answered the scrape.")
        try:
            pending, scheduled = self.huey.pending_count(), self.huey.scheduled_count()
        except Exception as error:  # Redis down, SQLite locked: the scrape still answers
            log.warning("queue depth not read: %s", error)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily("leans_queue_depth", "Tasks waiting in the background queue.",
                                value=pending)
        yield GaugeMetricFamily("leans_queue_scheduled",
                                "Tasks scheduled for later (retries, delayed tasks).",
                                value=scheduled)


class _Forward:
    """Every metric of another registry (this process's, outside multiprocess mode)."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self) -> Iterator[Metric]:
        yield from self.registry.collect()


def scrape_registry(app: Flask) -> CollectorRegistry:
    """A fresh registry for one scrape: every process's values (multiprocess mode) or this
    process's, and the queue's depth."""
    registry = CollectorRegistry()
    if os.environ.get(MULTIPROC_ENV):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_Forward(REGISTRY))
    registry.register(QueueCollector(app.extensions["leans.queue"].huey))
    return registry


# Access --------------------------------------------------------------------------------------

def allowed_networks(raw: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """LEANS_METRICS_ALLOW: addresses or CIDR ranges separated by commas."""
    networks = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as error:
            raise ConfigError(
                f"LEANS_METRICS_ALLOW has {item!r}, which is not an address or a CIDR range: "
                "list the Prometheus servers' addresses separated by commas, e.g. "
                "LEANS_METRICS_ALLOW=127.0.0.1,10.0.5.0/24") from error
    return networks


def _address_allowed(address: str | None, networks: list) -> bool:
    try:
        client = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    if isinstance(client, ipaddress.IPv6Address) and client.ipv4_mapped is not None:
        client = client.ipv4_mapped
    return any(client in network for network in networks)


def _token_matches(req: Request, token: str) -> bool:
    scheme, _, given = req.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(),
                                                              token.encode())


def refusal(app: Flask, req: Request) -> int | None:
    """Why a scrape is refused: 404 (metrics not configured), 403 (an address outside
    LEANS_METRICS_ALLOW), 401 (no or a wrong bearer token); None when it may go on. The
    address is the client's as the app sees it (after LEANS_PROXY_COUNT's proxies)."""
    token = app.config.get("LEANS_METRICS_TOKEN") or ""
    networks = app.extensions["leans.metrics_networks"]
    if not token and not networks:
        return 404
    if networks and not _address_allowed(req.remote_addr, networks):
        return 403
    if token and not _token_matches(req, token):
        return 401
    return None


def init_app(app: Flask) -> None:
    """Count every request (the timer starts before any other hook) and check the settings."""
    folder = os.environ.get(MULTIPROC_ENV)
    if folder and not os.path.isdir(folder):
        raise ConfigError(f"{MULTIPROC_ENV}={folder} is not a folder: create it, empty, before "
                          "the app servers start (docs/operations.md).")
    app.extensions["leans.metrics_networks"] = allowed_networks(
        app.config.get("LEANS_METRICS_ALLOW") or "")
    app.before_request_funcs.setdefault(None, []).insert(0, _start_timer)
    app.after_request(_count_response)
