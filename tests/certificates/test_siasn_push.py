"""Pushing course-history records to SIASN, against a stub server started by the test: a
record with its PDF, an expired token, a 500 then success, a timeout, a rejected record,
idempotent re-runs, a revoked certificate's record removed, and a dry run."""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from leans.certificates.issuing import issue_all, revoke
from leans.certificates.models import Certificate
from leans.certificates.siasn import SiasnSettings
from leans.certificates.siasn_client import SiasnAuthError, SiasnClient, SiasnRejected
from leans.certificates.siasn_models import SiasnRecord, SiasnState
from leans.certificates.siasn_service import PushResult, push
from leans.core.extensions import db
from leans.core.models import User

NIP_0 = "197812052003121004"
NIP_1 = "198001012005011002"
TOKEN = "api-token"


class Stub:
    """What the stub SIASN holds and how it misbehaves next."""

    def __init__(self):
        self.records: dict[str, dict] = {}
        self.uploads: dict[str, bytes] = {}
        self.deleted: list[str] = []
        self.calls: list[tuple[str, str]] = []
        self.expired = False
        self.fail_saves: list[int] = []  # statuses for the next saves (e.g. [500])
        self.slow_saves = 0  # how many next saves answer too late
        self.reject_nips: set[str] = set()
        self.fail_deletes = False
        self.lock = threading.Lock()


def make_handler(stub: Stub, delay: float):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            if stub.expired or self.headers.get("Authorization") != f"Bearer {TOKEN}" \
                    or self.headers.get("Auth") != "bearer sso-token":
                self._answer(401, {"message": "invalid or expired jwt"})
                return False
            return True

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_GET(self):
            stub.calls.append(("GET", self.path))
            match = re.fullmatch(r"/pns/data-utama/(\d{18})", self.path)
            if self._authorised():
                self._answer(200, {"data": {"id": f"orang-{match.group(1)}"}})

        def do_POST(self):
            body = self._body()
            stub.calls.append(("POST", self.path))
            if not self._authorised():
                return
            if self.path == "/kursus/save":
                self._save(json.loads(body))
            elif self.path == "/upload-dok-rw":
                record_id = re.search(rb'name="id_riwayat"\r\n\r\n([^\r]+)', body).group(1)
                assert b"%PDF" in body
                stub.uploads[record_id.decode()] = body
                self._answer(200, {"success": True, "message": "File berhasil di upload"})

        def _save(self, payload: dict) -> None:
            with stub.lock:
                if stub.slow_saves:
                    stub.slow_saves -= 1
                    time.sleep(delay)
                if stub.fail_saves:
                    self._answer(stub.fail_saves.pop(0), {"message": "internal error"})
                    return
            nip = payload["pnsOrangId"].removeprefix("orang-")
            if nip in stub.reject_nips:
                self._answer(400, {"success": False,
                                   "message": "Tanggal kursus tidak valid"})
                return
            record_id = f"rw-{len(stub.records) + 1}"
            stub.records[record_id] = payload
            self._answer(200, {"success": True, "message": "success",
                               "mapData": {"rwKursusId": record_id}})

        def do_DELETE(self):
            stub.calls.append(("DELETE", self.path))
            if not self._authorised():
                return
            if stub.fail_deletes:
                self._answer(404, {"message": "data tidak ditemukan"})
                return
            stub.deleted.append(self.path.rsplit("/", 1)[1])
            self._answer(200, {"success": True})

    return Handler


@pytest.fixture
def stub():
    state = Stub()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state, delay=0.6))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def client(stub):
    return SiasnClient(stub.url, TOKEN, "sso-token", timeout=0.3, retries=2, backoff=0.01)


@pytest.fixture
def cohort(certificate_cohort):
    """Certificates issued to p0 and p1 (NIPs) and p2 (no NIP)."""
    certificate_cohort.enrolments[1].user.nip = NIP_1
    db.session.commit()
    assert issue_all(certificate_cohort, None).issued == 3
    return certificate_cohort


SETTINGS = SiasnSettings(instansi_id="A5EB", jenis_diklat_id="2")


def results(rows) -> dict[str, str]:
    return {row.nip or row.number: row.result for row in rows}


def stored() -> dict[str, SiasnRecord]:
    db.session.expire_all()
    return {r.certificate.number: r for r in db.session.scalars(select(SiasnRecord))}


def test_records_are_sent_with_their_pdf_and_a_rerun_sends_nothing_new(cohort, stub, client):
    rows = push(cohort, client, SETTINGS)
    db.session.commit()
    assert results(rows)[NIP_0] == PushResult.SENT and results(rows)[NIP_1] == PushResult.SENT
    skipped = [r for r in rows if r.result == PushResult.SKIPPED]
    assert len(skipped) == 1 and "NIP" in skipped[0].message
    assert not any(row.failed for row in rows)
    assert len(stub.records) == 2 and set(stub.uploads) == {"rw-1", "rw-2"}
    payload = stub.records["rw-1"]
    assert payload["pnsOrangId"] == f"orang-{NIP_0}" and payload["instansiId"] == "A5EB"
    assert "nip" not in payload and "kodeVerifikasiLeans" not in payload
    assert re.fullmatch(r"\d\d-\d\d-\d{4}", payload["tanggalKursus"])
    assert {r.state for r in stored().values()} == {SiasnState.PUSHED}

    calls = len(stub.calls)
    again = push(cohort, client, SETTINGS)
    assert {results(again)[NIP_0], results(again)[NIP_1]} == {PushResult.ALREADY_SENT}
    assert len(stub.calls) == calls  # nothing sent


def test_a_dry_run_sends_and_stores_nothing(cohort, stub, client):
    rows = push(cohort, client, SETTINGS, dry_run=True)
    assert results(rows)[NIP_0] == PushResult.WOULD_SEND
    assert stub.calls == [] and stored() == {}


def test_an_expired_token_stops_the_run_and_is_not_retried(cohort, stub, client):
    stub.expired = True
    rows = push(cohort, client, SETTINGS)
    assert all(row.failed for row in rows if row.nip)
    assert not any(row.failed for row in rows if not row.nip)  # skipped: no NIP, no call
    assert "token expired or refused" in rows[0].message
    assert len(stub.calls) == 1  # one refused call, no retry, nothing more sent
    with pytest.raises(SiasnAuthError, match="token expired or refused"):
        client.save({})


def test_a_500_is_retried(cohort, stub, client):
    stub.fail_saves = [500]
    rows = push(cohort, client, SETTINGS)
    assert results(rows)[NIP_0] == PushResult.SENT
    assert stub.calls.count(("POST", "/kursus/save")) == 3


def test_a_timeout_is_retried_then_reported(cohort, stub, client):
    stub.slow_saves = 1  # the first save answers too late; the retry succeeds
    rows = push(cohort, client, SETTINGS)
    assert results(rows)[NIP_0] == PushResult.SENT
    stub.slow_saves = 3  # every try answers too late
    slow = SiasnClient(stub.url, TOKEN, "sso-token", timeout=0.2, retries=1, backoff=0.01)
    with pytest.raises(Exception, match="no answer within"):
        slow.save({"pnsOrangId": f"orang-{NIP_1}"})


def test_a_rejected_record_shows_the_server_message_and_others_go_on(cohort, stub, client):
    stub.reject_nips = {NIP_0}
    rows = push(cohort, client, SETTINGS)
    row = next(r for r in rows if r.nip == NIP_0)
    assert row.result == PushResult.FAILED and row.message == "Tanggal kursus tidak valid"
    assert results(rows)[NIP_1] == PushResult.SENT
    assert len(stub.records) == 1
    with pytest.raises(SiasnRejected):
        client.save({"pnsOrangId": f"orang-{NIP_0}"})
    # Fixed in SIASN's eyes: the next run sends only the missing one.
    stub.reject_nips = set()
    again = push(cohort, client, SETTINGS)
    assert results(again)[NIP_0] == PushResult.SENT
    assert results(again)[NIP_1] == PushResult.ALREADY_SENT


def test_a_revoked_certificates_record_is_deleted_or_flagged(cohort, stub, client):
    push(cohort, client, SETTINGS)
    db.session.commit()
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    first = db.session.scalars(select(Certificate).order_by(Certificate.id)).first()
    revoke(first, admin, "Data kehadiran tidak sah")
    db.session.commit()

    stub.fail_deletes = True
    rows = push(cohort, client, SETTINGS)
    assert results(rows)[NIP_0] == PushResult.DELETE_FAILED
    assert next(r for r in rows if r.nip == NIP_0).failed
    assert stored()[first.number].state is SiasnState.DELETE_FAILED

    stub.fail_deletes = False
    rows = push(cohort, client, SETTINGS)
    assert results(rows)[NIP_0] == PushResult.DELETED
    assert stub.deleted == [stored()[first.number].record_id]
    assert stored()[first.number].state is SiasnState.DELETED
    calls = len(stub.calls)
    rows = push(cohort, client, SETTINGS)  # idempotent: nothing more to delete
    assert results(rows)[NIP_0] == PushResult.SKIPPED and len(stub.calls) == calls


def test_the_command_needs_the_token_and_exits_non_zero_on_a_failure(
        cohort, stub, runner, app, monkeypatch):
    result = runner.invoke(args=["siasn", "push", "--cohort", "k"])
    assert result.exit_code != 0 and "LEANS_SIASN_TOKEN" in result.output
    dry = runner.invoke(args=["siasn", "push", "--cohort", "k", "--dry-run"])
    assert dry.exit_code == 0 and f"{NIP_0}\t" in dry.output and "would send" in dry.output

    for key, value in {"LEANS_SIASN_BASE_URL": stub.url, "LEANS_SIASN_TOKEN": TOKEN,
                       "LEANS_SIASN_AUTH_TOKEN": "sso-token", "LEANS_SIASN_TIMEOUT": 1,
                       "LEANS_SIASN_RETRIES": 0}.items():
        monkeypatch.setitem(app.config, key, value)
    stub.reject_nips = {NIP_1}
    result = runner.invoke(args=["siasn", "push", "--cohort", "k"])
    assert result.exit_code == 1, result.output
    assert "Tanggal kursus tidak valid" in result.output and "sent" in result.output
    stub.reject_nips = set()
    result = runner.invoke(args=["siasn", "push", "--cohort", "k"])
    assert result.exit_code == 0, result.output
    assert "already sent" in result.output
