"""nginx as deployed: Debian's nginx runs the shipped site, deploy/nginx/leans.conf (only its
paths, ports and upstream addresses substituted), over HTTPS with a certificate made here, in
front of two gunicorn app servers in production mode (LEANS_PROXY_COUNT=1, one SQLite database,
one Redis for the rate limits).

- Logins and pages work through it, answered by both app servers.
- The app sees each client's own address: the verification limit counts per client, not per
  proxy, and a forged X-Forwarded-For does not escape it.
- HSTS on pages and static files; static files come from nginx with the long cache.
- An upload just under the app's limit (10 MiB; 26 MiB for a milestone report's evidence)
  reaches the app; one over it gets the app's own 413 page, not nginx's."""

from __future__ import annotations

import http.client
import re
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest

from leans.assessments.plans.milestone_views import MAX_REPORT_REQUEST
from leans.core.config import PROJECT_ROOT, load_config
from tests.fixtures.constants import CSRF_RE, PASSWORD
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

REDIS = shutil.which("redis-server")
MiB = 2**20
LIMIT = load_config({})["MAX_CONTENT_LENGTH"]  # 10 MiB
YEAR = "public, max-age=31536000, immutable"
HSTS = "max-age=31536000; includeSubDomains"

pytestmark = pytest.mark.skipif(
    NGINX is None or REDIS is None,
    reason="nginx and redis-server are not installed (make system installs them: Debian's "
           "nginx and redis-server packages)")


@dataclass
class Site:
    port: int  #: https
    http_port: int
    context: ssl.SSLContext
    app_logs: tuple[Path, Path]  #: each app server's access log
    redis_socket: Path


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


@dataclass
class Browser:
    """One client on its own loopback address, keeping its cookies, talking HTTPS to nginx."""

    site: Site
    source: str = "127.0.0.1"
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Answer:
        connection = http.client.HTTPSConnection("127.0.0.1", self.site.port, timeout=30,
                                                 context=self.site.context,
                                                 source_address=(self.source, 0))
        sent = {"Referer": f"https://127.0.0.1:{self.site.port}{path}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            answer = Answer(response.status, response.headers, response.read())
        finally:
            connection.close()
        for cookie in answer.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";")[0].partition("=")
            self.cookies[name.strip()] = value
        return answer

    def get(self, path: str, **headers: str) -> Answer:
        return self.request("GET", path, headers=headers)

    def token(self, path: str) -> str:
        page = self.get(path)
        assert page.status == 200, (path, page.status)
        return CSRF_RE.search(page.text).group(1)

    def post(self, path: str, fields: dict[str, str]) -> Answer:
        fields = {"csrf_token": self.token(path), **fields}
        return self.request("POST", path, urlencode(fields).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def upload(self, path: str, filename: str, size: int, *,
               form_page: str | None = None) -> Answer:
        """Send a multipart form whose whole body is SIZE bytes: the CSRF token (from
        FORM_PAGE, else PATH) and one file padded to fit."""
        boundary = "leans-nginx-test-boundary"
        part = f"--{boundary}\r\nContent-Disposition: form-data; name="
        head = (f'{part}"csrf_token"\r\n\r\n{self.token(form_page or path)}\r\n'
                f'{part}"file"; filename="{filename}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n").encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        body = head + b"x" * (size - len(head) - len(tail)) + tail
        assert len(body) == size
        return self.request("POST", path, body,
                            {"Content-Type": f"multipart/form-data; boundary={boundary}"})


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    """Redis, two gunicorn app servers on one seeded SQLite database, nginx in front."""
    import redis

    tmp = tmp_path_factory.mktemp("nginx")
    socket = tmp / "redis.sock"
    base = clean_env(LEANS_ENV="production", LEANS_SECRET_KEY="nginx-" + "7" * 40,
                     LEANS_INSTANCE_PATH=str(tmp),
                     LEANS_DATABASE_URL=f"sqlite:///{tmp}/site.sqlite3",
                     LEANS_RATELIMIT_STORAGE_URL=f"redis+unix://{socket}",
                     LEANS_VERIFY_RATE_LIMIT="3 per minute", LEANS_PROXY_COUNT="1",
                     LEANS_BASE_URL="https://leans.example.go.id",
                     **production_key_settings(tmp / "keys"))
    subprocess.run([str(BIN / "leans"), "db", "upgrade"], env=base, check=True,
                   capture_output=True)
    subprocess.run([str(BIN / "leans"), "users", "create", "--username", "admin", "--name",
                    "Admin Gerbang", "--role", "admin", "--password-stdin"], env=base,
                   check=True, capture_output=True, input=f"{PASSWORD}\n", text=True)
    static = tmp / "static"  # the release's static folder, as nginx reads it
    shutil.copytree(PROJECT_ROOT / "static", static)
    (static / "only-nginx.txt").write_text("served by nginx\n")
    cert, key = write_certificate(tmp)
    context = ssl.create_default_context(cafile=str(cert))
    port, http_port = find_free_port(), find_free_port()
    app_logs = (tmp / "app1.log", tmp / "app2.log")
    store = redis.Redis(unix_socket_path=str(socket))
    with ExitStack() as stack:
        stack.enter_context(serving(
            [REDIS, "--port", "0", "--unixsocket", str(socket), "--save", "", "--appendonly",
             "no", "--dir", str(tmp)], store.ping, what="redis-server"))
        servers = [stack.enter_context(gunicorn(
            {**base, "GUNICORN_CMD_ARGS": f"--access-logfile {log}"})) for log in app_logs]
        conf = tmp / "nginx.conf"
        conf.write_text(nginx_conf(render_site(
            SITE.read_text(), port=port, http_port=http_port, cert=cert, key=key,
            static=static, logs=tmp, upstreams=tuple(s.removeprefix("http://")
                                                     for s in servers)), tmp))
        stack.enter_context(serving([NGINX, "-e", "stderr", "-p", str(tmp), "-c", str(conf)],
                                    https_ready(port, context), what="nginx"))
        yield Site(port, http_port, context, app_logs, socket)


def log_in(browser: Browser) -> Answer:
    answer = browser.post("/login", {"login": "admin", "password": PASSWORD})
    assert answer.status == 302, answer.text[-2000:]
    return answer


def test_logins_and_pages_work_through_nginx_on_both_app_servers(site):
    browser = Browser(site)
    assert log_in(browser).headers["Location"].endswith("/dashboard")
    pages = [browser.get("/dashboard") for _ in range(4)]
    assert [page.status for page in pages] == [200] * 4
    assert all("Admin Gerbang" in page.text for page in pages)
    for log in site.app_logs:  # round robin: each app server answered pages
        assert "GET /dashboard" in log.read_text(), log
    assert Browser(site).get("/dashboard").status == 302  # no session: to the login page


def test_plain_http_is_sent_to_https(site):
    connection = http.client.HTTPConnection("127.0.0.1", site.http_port, timeout=10)
    connection.request("GET", "/login?next=/dashboard")
    response = connection.getresponse()
    connection.close()
    assert response.status == 301
    assert response.headers["Location"] == "https://127.0.0.1/login?next=/dashboard"


def test_hsts_is_sent_on_pages_and_static_files(site):
    browser = Browser(site)
    page = browser.get("/login")
    css = browser.get("/static/leans.css")
    assert page.headers.get_all("Strict-Transport-Security") == [HSTS]  # once, by the app
    assert css.headers.get_all("Strict-Transport-Security") == [HSTS]  # by nginx


def test_static_files_come_from_nginx_with_a_long_cache(site):
    browser = Browser(site)
    page = browser.get("/login").text
    url = re.search(r'href="(/static/leans\.css\?v=[0-9a-f]{12})"', page).group(1)
    css = browser.get(url, **{"Accept-Encoding": "gzip"})
    assert css.status == 200
    assert css.headers.get_all("Cache-Control") == [YEAR]
    assert css.headers["Content-Encoding"] == "gzip"
    # The app sends its Content-Security-Policy on every response, its static files too.
    assert "Content-Security-Policy" not in css.headers
    plain = browser.get("/static/leans.css")
    assert plain.body == (PROJECT_ROOT / "static" / "leans.css").read_bytes()
    assert plain.headers["Cache-Control"] == "no-cache"  # unversioned: checked each time
    only = browser.get("/static/only-nginx.txt")  # in nginx's folder, not the app's
    assert (only.status, only.body) == (200, b"served by nginx\n")


def test_rate_limits_count_each_client_not_the_proxy(site):
    import redis

    first, second = Browser(site, "127.0.0.2"), Browser(site, "127.0.0.3")
    spent = [first.get(f"/verify/tebak{n}").status for n in range(4)]
    forged = first.get("/verify/tebak9", **{"X-Forwarded-For": "203.0.113.7"})
    other = [second.get(f"/verify/lain{n}").status for n in range(3)]
    assert spent == [404, 404, 404, 429]  # LEANS_VERIFY_RATE_LIMIT: 3 per minute
    assert forged.status == 429  # a made-up address does not reset the count
    assert other == [404] * 3  # another client keeps its own budget
    keys = b" ".join(redis.Redis(unix_socket_path=str(site.redis_socket)).keys("*"))
    assert b"127.0.0.2" in keys and b"127.0.0.3" in keys
    assert b"203.0.113.7" not in keys and b"127.0.0.1/" not in keys


def test_uploads_up_to_the_limit_reach_the_app_and_larger_get_its_413_page(site):
    browser = Browser(site)
    log_in(browser)
    module = re.search(r'name="module"[^>]*value="([^"]+)"',
                       browser.get("/admin/cohorts/new").text).group(1)
    created = browser.post("/admin/cohorts/new", {
        "name": "Angkatan Gerbang", "slug": "gerbang", "starts_on": "2026-03-02",
        "ends_on": "2026-03-20", "module": module, "plan_path": "light"})
    assert created.status == 302, created.text[-2000:]
    under = browser.upload("/admin/cohorts/gerbang/import", "peserta.pdf", LIMIT - 1024)
    over = browser.upload("/admin/cohorts/gerbang/import", "peserta.pdf", LIMIT + 64 * 1024)
    # The app read the file and answered about its content.
    assert under.status == 400
    assert "Gunakan berkas .csv atau .xlsx." in under.text
    assert over.status == 413
    assert '<html lang="id">' in over.text and "Berkas terlalu besar" in over.text
    assert f"lebih besar dari {LIMIT / MiB:g} MB" in over.text and "nginx" not in over.text


def test_milestone_reports_may_carry_their_larger_evidence(site):
    """Five evidence files of 5 MiB: the app takes 26 MiB there, so nginx must too."""
    browser, report = Browser(site), "/learn/mana-saja/plan/milestones/1"
    under = browser.upload(report, "bukti.jpg", MAX_REPORT_REQUEST - MiB, form_page="/login")
    over = browser.upload(report, "bukti.jpg", MAX_REPORT_REQUEST + 64 * 1024,
                          form_page="/login")
    # The app read the form (its CSRF check passed) before sending a visitor to log in.
    assert under.status == 302
    assert under.headers["Location"].startswith("/login?next=")
    assert over.status == 413
    assert f"lebih besar dari {MAX_REPORT_REQUEST / MiB:g} MB" in over.text
    assert "Untuk bukti" in over.text  # the evidence page's advice
