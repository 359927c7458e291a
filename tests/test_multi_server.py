"""No state on one server's disk (issue 19): two gunicorn servers A and B, each with an instance
folder of its own, and a ``leans worker`` with a third, sharing one PostgreSQL and one Redis
(the queue and the rate limits), in production mode.

- A participant list previewed on A is confirmed on B (and a second confirmation, on A, finds
  nothing to import: the claim is atomic across servers).
- An export started on B is run by the worker and downloaded from A.
- An evidence file uploaded on A opens on B.

Then no server's instance folder holds an import or an export. Runs when the suite runs on
PostgreSQL (``LEANS_TEST_DATABASE_URL``), as CI's second pass does."""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import io
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.fixtures.app import empty_database
from tests.fixtures.constants import CSRF_RE, PASSWORD
from tests.fixtures.servers import BIN, clean_env, find_free_port, gunicorn, serving
from tests.fixtures.signing import production_key_settings

REDIS = shutil.which("redis-server")
SECRET = "bersama-" + "7" * 40
BASE_URL = "https://leans.bojonegorokab.go.id"
LIST = "Nama;NIP;Unit\nSiti Nurhayati, S.E.;19860926 201505 2 001;Bappeda\n" \
       "Bambang Wicaksono;;Dinas Sosial\n"

pytestmark = [
    pytest.mark.skipif(not os.environ.get("LEANS_TEST_DATABASE_URL", "").startswith("postgresql"),
                       reason="several servers share PostgreSQL: runs when the suite does "
                              "(LEANS_TEST_DATABASE_URL=postgresql...)"),
    pytest.mark.skipif(REDIS is None, reason="redis-server is not installed (make test "
                                             "installs it)"),
]


def seed() -> None:
    """What the servers find (run in a process with their environment): an admin; cohort k
    with two participants holding certificates; cohort baru to import into; cohort pk on the
    full path where peserta's plan is approved with one milestone."""
    from leans import create_app
    from leans.assessments.plans.models import ActionPlan, PlanVersion
    from leans.auth.services import create_user
    from leans.certificates.issuing import issue_all
    from leans.core.extensions import db
    from leans.core.models import Cohort, Enrolment, PlanPath, Role
    from tests.fixtures.certificates import MODULE, T, _make_eligible

    def cohort(slug: str, people: list, **fields) -> Cohort:
        made = Cohort(slug=slug, name=f"Angkatan {slug}", starts_on=dt.date(2026, 10, 5),
                      ends_on=dt.date(2026, 12, 18), place="BKPP Bojonegoro", **fields)
        made.set_modules([MODULE])
        made.enrolments = [Enrolment(user=user) for user in people]
        db.session.add(made)
        db.session.commit()
        return made

    app = create_app()
    with app.test_request_context():  # templates may read current_user
        create_user(username="admin", password=PASSWORD, roles={Role.ADMIN},
                    full_name="Admin BKPP")
        holders = [create_user(username=f"p{n}", password=PASSWORD, roles={Role.PARTICIPANT},
                               full_name=f"Peserta {n}") for n in range(2)]
        peserta = create_user(username="peserta", password=PASSWORD, roles={Role.PARTICIPANT},
                              full_name="Siti Aminah")
        k = cohort("k", holders)
        for enrolment in k.enrolments:
            _make_eligible(enrolment)
        assert issue_all(k, None).issued == 2
        cohort("baru", [])
        pk = cohort("pk", [peserta], plan_path=PlanPath.FULL)
        plan = ActionPlan(enrolment_id=pk.enrolments[0].id, state="approved", draft={},
                          draft_version=1, state_version=5, approved_at=T)
        plan.versions.append(PlanVersion(number=1, submitted_at=T, content={
            "title": "Kolam lele bersama", "activities": [{
                "activity": "Pelatihan budi daya", "milestone": "20 orang lulus pelatihan",
                "date": "2027-02-01"}]}))
        db.session.add(plan)
        db.session.commit()


class SecureCookiesOverHttp(http.cookiejar.DefaultCookiePolicy):
    """Send the Secure cookies back over plain http: these servers stand where the TLS proxy
    of a production install would hand them requests."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes
    url: str

    @property
    def page(self) -> str:
        return self.body.decode(errors="replace")


class Browser:
    """One person's browser: a cookie jar shared by both servers, as behind a load balancer."""

    def __init__(self) -> None:
        jar = http.cookiejar.CookieJar(policy=SecureCookiesOverHttp())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def open(self, url: str, data: bytes | None = None, content_type: str = "") -> Answer:
        request = urllib.request.Request(url, data=data)
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with self.opener.open(request, timeout=60) as response:
                return Answer(response.status, dict(response.headers), response.read(),
                              response.geturl())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read(), url)

    def csrf(self, url: str) -> str:
        return CSRF_RE.search(self.open(url).page).group(1)

    def post(self, url: str, fields: dict[str, str], *, token_page: str,
             files: list[tuple[str, str, bytes]] = ()) -> Answer:
        """POST FIELDS (and FILES: field, name, bytes) with the CSRF token of TOKEN_PAGE."""
        fields = {**fields, "csrf_token": self.csrf(token_page)}
        if not files:
            return self.open(url, urllib.parse.urlencode(fields).encode())
        body, content_type = multipart(fields, files)
        return self.open(url, body, content_type)

    def login(self, base: str, username: str) -> Browser:
        answer = self.post(f"{base}/login", {"login": username, "password": PASSWORD},
                           token_page=f"{base}/login")
        assert answer.status == 200 and "/login" not in answer.url, answer.page[-500:]
        return self


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
             f"{value}\r\n".encode() for name, value in fields.items()]
    parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
              f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
              + data + b"\r\n" for field, name, data in files]
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), \
        f"multipart/form-data; boundary={boundary}"


@dataclass
class Site:
    a: str
    b: str
    database_url: str
    folders: tuple[Path, Path, Path]

    def scalar(self, sql: str, **params: object) -> object:
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as conn:
                return conn.execute(text(sql), params).scalar()
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    """Servers A and B and a worker, each with its own instance folder, on one PostgreSQL
    (migrated and seeded) and one private Redis."""
    import redis

    root = tmp_path_factory.mktemp("multi")
    folders = (root / "a", root / "b", root / "worker")
    for folder in folders:
        folder.mkdir()
    keys = production_key_settings(root / "keys")
    socket, port = root / "redis.sock", find_free_port()
    with empty_database(os.environ["LEANS_TEST_DATABASE_URL"], root, "leans_multi") as url:

        def env(folder: Path) -> dict[str, str]:
            return clean_env(LEANS_ENV="production", LEANS_SECRET_KEY=SECRET,
                             LEANS_INSTANCE_PATH=str(folder), LEANS_DATABASE_URL=url,
                             LEANS_QUEUE_URL=f"redis://127.0.0.1:{port}/0",
                             LEANS_RATELIMIT_STORAGE_URL=f"redis+unix://{socket}",
                             LEANS_BASE_URL=BASE_URL, **keys)

        subprocess.run([str(BIN / "leans"), "db", "upgrade"], env=env(folders[0]), check=True,
                       capture_output=True)
        seeded = subprocess.run([str(BIN / "python"), "-c",
                                 "from tests.test_multi_server import seed; seed()"],
                                env=env(folders[0]), cwd=Path(__file__).parent.parent,
                                capture_output=True, text=True)
        assert seeded.returncode == 0, seeded.stderr[-3000:]
        store = redis.Redis(unix_socket_path=str(socket))
        with (serving([REDIS, "--port", str(port), "--bind", "127.0.0.1", "--unixsocket",
                       str(socket), "--save", "", "--appendonly", "no", "--dir", str(root)],
                      store.ping, what="redis-server"),
              serving([str(BIN / "leans"), "worker", "--workers", "1"], lambda: None,
                      what="leans worker", env=env(folders[2])),
              gunicorn(env(folders[0])) as a, gunicorn(env(folders[1])) as b):
            yield Site(a, b, url, folders)


def test_a_preview_made_on_a_is_confirmed_on_b_once(site):
    admin = Browser().login(site.a, "admin")
    preview = admin.post(f"{site.a}/admin/cohorts/baru/import", {}, files=[
        ("file", "peserta.csv", LIST.encode())], token_page=f"{site.a}/admin/cohorts/baru/import")
    assert preview.status == 200, preview.page[-1000:]
    token = re.search(r'name="token" value="([^"]+)"', preview.page).group(1)

    def confirm(base: str) -> Answer:
        return admin.post(f"{base}/admin/cohorts/baru/import/confirm",
                          {"token": token, "filename": "peserta.csv"},
                          token_page=f"{base}/admin/")

    done = confirm(site.b)
    assert done.status == 200 and "Bambang Wicaksono" in done.page
    assert confirm(site.a).status == 404  # confirmed already, on the other server
    assert site.scalar("SELECT count(*) FROM enrolments e JOIN users u ON u.id = e.user_id "
                       "JOIN cohorts c ON c.id = e.cohort_id WHERE c.slug = 'baru' AND "
                       "u.full_name IN ('Siti Nurhayati, S.E.', 'Bambang Wicaksono')") == 2
    assert site.scalar("SELECT count(*) FROM blobs WHERE kind = 'import'") == 0


def test_an_export_started_on_b_and_run_by_the_worker_downloads_from_a(site):
    admin = Browser().login(site.b, "admin")
    started = admin.post(f"{site.b}/admin/certificates/k/jobs", {"kind": "export"},
                         token_page=f"{site.b}/admin/certificates/k")
    job = re.search(r"/admin/jobs/(\d+)$", started.url).group(1)
    download = f"/admin/jobs/{job}/download"
    deadline = time.monotonic() + 90
    while download not in (page := admin.open(f"{site.a}/admin/jobs/{job}").page):
        assert time.monotonic() < deadline, f"the worker did not finish the export:\n{page}"
        time.sleep(0.5)
    answer = admin.open(f"{site.a}{download}")
    assert answer.status == 200 and answer.headers["Content-Type"] == "application/zip"
    assert int(answer.headers["Content-Length"]) == len(answer.body)
    assert 'filename="sertifikat-k.zip"' in answer.headers["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(answer.body)).namelist()
    assert len([n for n in names if n.startswith("sertifikat/") and n.endswith(".pdf")]) == 2
    assert "register.csv" in names


def test_an_evidence_file_uploaded_on_a_opens_on_b(site):
    from PIL import Image

    photo = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(photo, "PNG")
    peserta = Browser().login(site.a, "peserta")
    checklist = f"{site.a}/learn/pk/plan/milestones"
    reported = peserta.post(f"{site.a}/learn/pk/plan/milestones/0",
                            {"text": "Pelatihan selesai untuk 20 orang.", "links": ""},
                            files=[("files", "pelatihan.png", photo.getvalue())],
                            token_page=checklist)
    assert reported.status == 200, reported.page[-1000:]
    file_id = re.search(r'href="/evidence/(\d+)"', reported.page).group(1)
    opened = peserta.open(f"{site.b}/evidence/{file_id}")
    assert opened.status == 200 and opened.headers["Content-Type"] == "image/png"
    assert "pelatihan.png" in opened.headers["Content-Disposition"]
    assert Image.open(io.BytesIO(opened.body)).size == (40, 30)
    assert Browser().login(site.b, "p0").open(f"{site.b}/evidence/{file_id}").status == 404


def test_no_server_keeps_imports_or_exports_on_its_disk(site):
    for folder in site.folders:
        assert not (folder / "imports").exists() and not (folder / "exports").exists(), folder
