"""``/metrics``: the Prometheus scrape (docs/operations.md). Not a person's page: it is
guarded by LEANS_METRICS_TOKEN and/or LEANS_METRICS_ALLOW, not by a login, and answers 404
while neither is set."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort, current_app, request
from prometheus_client import generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from leans.core import metrics

bp = Blueprint("metrics", __name__)


@bp.route("/metrics")
def scrape():
    """Every metric, in Prometheus's text format, for a configured scraper only."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    refused = metrics.refusal(app, request)
    if refused == 401:
        return Response(status=401, headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    if refused is not None:
        abort(refused)
    # The classic text format: every name is a legacy one, so any Prometheus version reads it.
    response = Response(generate_latest(metrics.scrape_registry(app)),
                        headers={"Content-Type": CONTENT_TYPE_PLAIN_0_0_4})
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """The request hooks and the ``/metrics`` route."""
    metrics.init_app(app)
    app.register_blueprint(bp)
