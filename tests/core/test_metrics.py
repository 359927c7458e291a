"""``/metrics`` (leans.core.metrics, docs/operations.md): refused unless configured, guarded by
a bearer token and/or an address allowlist; what it counts, read back through the scrape
itself: requests and latency per endpoint, server errors, failed and throttled logins, the
queue's depth, bulk-job durations and notifications sent.

The metrics are this process's (no PROMETHEUS_MULTIPROC_DIR here; tests/
test_metrics_gunicorn.py covers multiprocess mode), shared by every app the tests build, so
each test compares a value before and after what it does."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from leans import create_app
from leans.certificates.jobs import run
from leans.certificates.models import BulkJob, JobKind, JobStatus
from leans.core.config import ConfigError
from leans.core.extensions import db
from leans.core.models import User
from leans.core.notifications import NotificationKind, notify

TOKEN = "metrik-" + "7" * 32
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def metrics_app(other_app):
    """Factory: an app on the test database whose /metrics takes TOKEN, with SETTINGS."""

    def factory(**settings):
        return other_app(LEANS_METRICS_TOKEN=TOKEN, **settings)

    return factory


def scrape(client) -> str:
    response = client.get("/metrics", headers=BEARER)
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return response.get_data(as_text=True)


def value(client, sample: str, **labels: str) -> float:
    """The sum of the scraped samples named SAMPLE whose labels include LABELS."""
    return sum(s.value for family in text_string_to_metric_families(scrape(client))
               for s in family.samples
               if s.name == sample and labels.items() <= s.labels.items())


def test_metrics_are_not_found_until_configured(client):
    response = client.get("/metrics")
    assert response.status_code == 404
    assert "leans_" not in response.get_data(as_text=True)


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer salah"},
                                     {"Authorization": f"Basic {TOKEN}"},
                                     {"Authorization": f"Bearer {TOKEN}x"}])
def test_a_missing_or_wrong_token_is_refused(metrics_app, headers):
    response = metrics_app().test_client().get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "leans_" not in response.get_data(as_text=True)


def test_the_right_token_gets_every_metric(metrics_app):
    text = scrape(metrics_app().test_client())
    for name in ("leans_http_requests_total", "leans_http_request_duration_seconds_bucket",
                 "leans_queue_depth", "leans_queue_up 1.0"):
        assert name in text


def test_the_allowlist_lets_in_its_addresses_only(other_app):
    client = other_app(LEANS_METRICS_ALLOW="10.1.2.0/24, 192.0.2.9").test_client()
    inside = client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.77"})
    assert inside.status_code == 200 and "leans_queue_depth" in inside.get_data(as_text=True)
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.9"}).status_code == 200
    for outside in ("10.1.3.77", "192.0.2.10", "127.0.0.1"):
        assert client.get("/metrics", environ_base={"REMOTE_ADDR": outside}).status_code == 403


def test_the_allowlist_reads_the_address_after_the_trusted_proxy(other_app):
    client = other_app(LEANS_METRICS_ALLOW="10.1.2.0/24", LEANS_PROXY_COUNT=1).test_client()
    via_proxy = {"REMOTE_ADDR": "127.0.0.1"}
    assert client.get("/metrics", environ_base=via_proxy,
                      headers={"X-Forwarded-For": "10.1.2.5"}).status_code == 200
    assert client.get("/metrics", environ_base=via_proxy,
                      headers={"X-Forwarded-For": "203.0.113.5"}).status_code == 403
    # Without a trusted proxy the header is the client's own claim: ignored.
    direct = other_app(LEANS_METRICS_ALLOW="10.1.2.0/24").test_client()
    assert direct.get("/metrics", environ_base=via_proxy,
                      headers={"X-Forwarded-For": "10.1.2.5"}).status_code == 403


def test_with_both_set_a_scrape_needs_the_address_and_the_token(metrics_app):
    client = metrics_app(LEANS_METRICS_ALLOW="10.1.2.0/24").test_client()
    inside, outside = {"REMOTE_ADDR": "10.1.2.5"}, {"REMOTE_ADDR": "10.9.9.9"}
    assert client.get("/metrics", environ_base=inside).status_code == 401
    assert client.get("/metrics", environ_base=outside, headers=BEARER).status_code == 403
    assert client.get("/metrics", environ_base=inside, headers=BEARER).status_code == 200


def test_a_wrong_allowlist_stops_the_app_with_a_way_to_fix_it(app):
    with pytest.raises(ConfigError, match="LEANS_METRICS_ALLOW.*CIDR"):
        create_app({"TESTING": True, "LEANS_METRICS_ALLOW": "10.1.2.0/24, kantor-bkpp"})


def test_a_page_counts_under_its_endpoint_with_its_latency(metrics_app):
    client = metrics_app().test_client()
    requests = value(client, "leans_http_requests_total", endpoint="auth.login", method="GET",
                     status="200")
    timed = value(client, "leans_http_request_duration_seconds_count", endpoint="auth.login")
    slow = value(client, "leans_http_request_duration_seconds_bucket", endpoint="auth.login",
                 le="+Inf")
    for _ in range(3):
        assert client.get("/login").status_code == 200
    assert value(client, "leans_http_requests_total", endpoint="auth.login", method="GET",
                 status="200") == requests + 3
    assert value(client, "leans_http_request_duration_seconds_count",
                 endpoint="auth.login") == timed + 3
    assert value(client, "leans_http_request_duration_seconds_bucket", endpoint="auth.login",
                 le="+Inf") == slow + 3


def test_an_unknown_path_counts_as_no_endpoint_never_as_its_path(metrics_app):
    client = metrics_app().test_client()
    before = value(client, "leans_http_requests_total", endpoint="none", status="404")
    assert client.get("/tidak-ada-halaman-ini-8271").status_code == 404
    assert value(client, "leans_http_requests_total", endpoint="none", status="404") == before + 1
    assert "tidak-ada-halaman" not in scrape(client)


def test_a_server_error_is_counted(metrics_app):
    app = metrics_app(PROPAGATE_EXCEPTIONS=False)

    @app.route("/rusak")
    def rusak():
        raise RuntimeError("sengaja")

    client = app.test_client()
    before = value(client, "leans_http_server_errors_total", endpoint="rusak")
    assert client.get("/rusak").status_code == 500
    assert value(client, "leans_http_server_errors_total", endpoint="rusak") == before + 1
    assert value(client, "leans_http_requests_total", endpoint="rusak", status="500") >= 1


def test_failed_and_throttled_logins_are_counted(metrics_app, make_user, auth_for):
    make_user(username="budi")
    app = metrics_app(LEANS_LOCKOUT_FAILURES=2)
    client = app.test_client()
    failed = value(client, "leans_login_failures_total", reason="bad_credentials")
    throttled = value(client, "leans_login_throttled_total", reason="account")
    statuses = [auth_for(app.test_client()).login("budi", "bukan-sandinya").status_code
                for _ in range(3)]
    assert statuses == [401, 401, 429]
    assert value(client, "leans_login_failures_total", reason="bad_credentials") == failed + 2
    assert value(client, "leans_login_throttled_total", reason="account") == throttled + 1


def test_the_queue_depth_is_read_at_each_scrape(metrics_app):
    app = metrics_app(LEANS_QUEUE_IMMEDIATE=False)  # tasks wait in the queue's SQLite file
    huey = app.extensions["leans.queue"].huey
    huey.flush()
    client = app.test_client()
    try:
        assert value(client, "leans_queue_depth") == 0
        with app.app_context():
            for notification_id in (91, 92):
                app.extensions["leans.send_notification_email"](notification_id)
        assert value(client, "leans_queue_depth") == 2
        huey.dequeue()
        assert value(client, "leans_queue_depth") == 1
    finally:
        huey.flush()


def test_a_finished_bulk_job_is_observed_with_its_kind_and_status(metrics_app,
                                                                  certificate_cohort):
    client = metrics_app().test_client()
    labels = {"kind": "issue", "status": "done"}
    before = value(client, "leans_job_duration_seconds_count", **labels)
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    job = BulkJob(cohort_id=certificate_cohort.id, kind=JobKind.ISSUE, status=JobStatus.QUEUED,
                  created_by=admin)
    db.session.add(job)
    db.session.commit()
    run(job)
    assert job.status is JobStatus.DONE
    assert value(client, "leans_job_duration_seconds_count", **labels) == before + 1
    assert value(client, "leans_job_duration_seconds_sum", **labels) > 0


def test_a_notification_and_its_email_are_counted(metrics_app, make_user, mail_app,
                                                  smtp_server):
    client = metrics_app().test_client()
    make_user(username="siti", email="siti@contoh.go.id")
    kind = NotificationKind.JOB_FINISHED.value
    in_app = value(client, "leans_notifications_sent_total", channel="in_app", kind=kind)
    emails = value(client, "leans_notifications_sent_total", channel="email", kind=kind)
    mapp = mail_app(smtp_server.port)
    with mapp.app_context():
        siti = db.session.scalar(select(User).where(User.username == "siti"))
        notify(siti, NotificationKind.JOB_FINISHED, "dashboard.index")
        db.session.commit()  # the queue (immediate in tests) sends the email now
    assert len(smtp_server.to("siti@contoh.go.id")) == 1
    assert value(client, "leans_notifications_sent_total", channel="in_app",
                 kind=kind) == in_app + 1
    assert value(client, "leans_notifications_sent_total", channel="email",
                 kind=kind) == emails + 1
