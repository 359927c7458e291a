"""Certificates signed by a remote signing service, against a stub service started by the test:
it checks the credentials, signs the PDF for real (pyHanko, PAdES) and answers in base64, or
misbehaves on request: credentials refused, a 500, too slow an answer, one document rejected,
a PDF returned unsigned. Nothing unsigned is ever issued and no number is used up."""

from __future__ import annotations

import base64
import io
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader
from sqlalchemy import select

from leans.certificates.issuing import issue_all
from leans.certificates.models import BulkJob, Certificate
from leans.core.extensions import db
from tests.fixtures.signing import Signer, make_signer
from tests.fixtures.web import fetch_csrf_token

TOKEN = "token-layanan-uji"
#: The participant whose document the stub rejects when asked to (p1 of certificate_cohort).
REJECTED_NAME = "Peserta 1, S.Sos."
REJECTION = "NIK penandatangan tidak terdaftar untuk dokumen ini"


@dataclass
class Stub:
    """What the stub signing service received, and how it misbehaves next."""

    signer: Signer
    url: str = ""
    authorization: str = f"Bearer {TOKEN}"
    #: Answer every request with this HTTP status (401, 500) instead of signing.
    status: int = 200
    #: Seconds to wait before answering (longer than the app's timeout).
    delay: float = 0.0
    #: Reject (422) the document of the participant with this name.
    reject_name: str = ""
    #: Answer 200 with the PDF as received, unsigned.
    unsigned: bool = False
    requests: list[dict] = field(default_factory=list)

    def sign(self, pdf: bytes) -> bytes:
        """The PDF sealed with PAdES by the stub's own signer (pyHanko)."""
        signer = signers.SimpleSigner.load_pkcs12(str(self.signer.p12),
                                                  passphrase=self.signer.passphrase.encode())
        meta = signers.PdfSignatureMetadata(field_name="SegelElektronik",
                                            subfilter=fields.SigSeedSubFilter.PADES)
        out = signers.PdfSigner(meta, signer).sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False))
        return out.getvalue()


def make_handler(stub: Stub):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up waiting (the timeout test)
                pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            stub.requests.append({"authorization": self.headers.get("Authorization"),
                                  "body": body})
            if stub.delay:
                time.sleep(stub.delay)
            if self.headers.get("Authorization") != stub.authorization or stub.status == 401:
                self._answer(401, {"message": "token kedaluwarsa"})
                return
            if stub.status != 200:
                self._answer(stub.status, {"message": "kesalahan internal"})
                return
            pdf = base64.b64decode(body["file"][0])
            text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
            if stub.reject_name and stub.reject_name in text:
                self._answer(422, {"message": REJECTION})
                return
            sealed = pdf if stub.unsigned else stub.sign(pdf)
            self._answer(200, {"file": [base64.b64encode(sealed).decode()]})

    return Handler


@pytest.fixture
def stub(tmp_path):
    """The stub signing service, running on a free local port."""
    state = Stub(make_signer(tmp_path / "service", "Balai Sertifikasi Elektronik Uji"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/api/v2/sign/pdf"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def remote(certificate_cohort, stub, use_signer):
    """The app signs through the stub, trusting the stub signer's CA; cohort ``k`` ready."""
    use_signer(LEANS_SIGNER="remote", LEANS_REMOTE_SIGNER_URL=stub.url,
               LEANS_REMOTE_SIGNER_TOKEN=TOKEN, LEANS_REMOTE_SIGNER_AUTH="bearer",
               LEANS_SIGNING_TRUSTED_CERTS=str(stub.signer.trust_pem))
    return certificate_cohort


def issued() -> list[Certificate]:
    db.session.expire_all()
    return list(db.session.scalars(select(Certificate).order_by(Certificate.seq)))


def issue_one(client, post_form, cohort, index: int) -> str:
    """The admin's POST issuing participant INDEX; the registry page it leads to."""
    enrolment = cohort.enrolments[index]
    response = post_form(client, f"/admin/certificates/k/issue/{enrolment.id}", {},
                         token_page="/admin/certificates/k", follow_redirects=True)
    return response.get_data(as_text=True)


def start_issue_job(client, post_form) -> tuple[BulkJob, str]:
    """The admin's "issue to all" (run at once in tests); the job and its page."""
    response = post_form(client, "/admin/certificates/k/jobs", {"kind": "issue"},
                         token_page="/admin/certificates/k")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    job = db.session.scalars(select(BulkJob).order_by(BulkJob.id.desc())).first()
    return job, page


def test_a_certificate_is_sealed_by_the_service_and_verifies_as_genuine(
        app, remote, stub, post_form, logged_in):
    client = logged_in("admin")
    page = issue_one(client, post_form, remote, 0)
    (certificate,) = issued()
    assert certificate.number in page
    assert certificate.signed_by == app.config["LEANS_SIGNATORY_TITLE"]

    (request,) = stub.requests
    assert request["authorization"] == f"Bearer {TOKEN}"
    (properties,) = request["body"]["signatureProperties"]
    assert properties["reason"] == f"Sertifikat {certificate.number}"
    assert properties["tampilan"] == "VISIBLE" and properties["page"] == 1
    sent = base64.b64decode(request["body"]["file"][0])
    assert sent.startswith(b"%PDF-") and b"/ByteRange" not in sent  # sent unsigned

    roots = list(load_certs_from_pemder([str(stub.signer.trust_pem)]))
    signature = PdfFileReader(io.BytesIO(certificate.pdf)).embedded_signatures[-1]
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=roots))
    assert status.intact and status.valid and status.trusted
    assert status.coverage is SignatureCoverageLevel.ENTIRE_FILE
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"

    form = {"file": (io.BytesIO(certificate.pdf), "sertifikat.pdf"),
            "csrf_token": fetch_csrf_token(client, "/verify")}
    verdict = client.post("/verify", data=form, content_type="multipart/form-data")
    text = verdict.get_data(as_text=True)
    assert 'data-result="genuine"' in text
    assert stub.signer.common_name in text


def test_refused_credentials_issue_nothing_and_use_no_number(
        app, remote, stub, post_form, logged_in):
    client = logged_in("admin")
    stub.status = 401
    page = issue_one(client, post_form, remote, 0)
    assert "refused the credentials (HTTP 401): token kedaluwarsa" in page
    assert issued() == []

    stub.status = 200
    issue_one(client, post_form, remote, 0)
    assert [c.seq for c in issued()] == [1]


def test_a_failing_service_stops_the_job_and_a_rerun_issues_everyone_in_order(
        app, remote, stub, post_form, logged_in):
    client = logged_in("admin")
    stub.status = 500
    job, page = start_issue_job(client, post_form)
    assert issued() == [] and job.message.startswith("0 ")
    (row,) = job.failures
    name = remote.enrolments[0].user.full_name
    assert row["name"] == name and "failed (HTTP 500): kesalahan internal" in row["reason"]
    assert name in page and "failed (HTTP 500): kesalahan internal" in page
    assert len(stub.requests) == 1  # stopped at the first refusal, not tried for everyone

    stub.status = 200
    job, page = start_issue_job(client, post_form)
    assert job.failures == [] and job.message == "3"
    assert [c.seq for c in issued()] == [1, 2, 3]


def test_a_service_slower_than_the_timeout_issues_nothing(app, remote, stub, use_signer):
    use_signer(LEANS_REMOTE_SIGNER_TIMEOUT=1)
    stub.delay = 1.5
    outcome = issue_all(remote, None)
    assert outcome.issued == 0
    assert outcome.stopped == "the signing service did not answer within 1 s"
    assert [row.reason for row in outcome.not_issued] == [outcome.stopped]
    assert issued() == []


def test_one_rejected_document_leaves_the_others_issued_without_a_gap(
        app, remote, stub, post_form, logged_in, runner):
    stub.reject_name = REJECTED_NAME
    job, page = start_issue_job(logged_in("admin"), post_form)
    assert len(stub.requests) == 3 + 2  # every document once, then the chunk once without p1
    certificates = issued()
    assert [c.seq for c in certificates] == [1, 2]
    assert [c.enrolment.user.username for c in certificates] == ["p0", "p2"]
    (row,) = job.failures
    assert row["name"] == REJECTED_NAME
    assert row["reason"] == f"the signing service rejected the document (HTTP 422): {REJECTION}"
    assert REJECTED_NAME in page and REJECTION in page

    result = runner.invoke(args=["certificates", "issue", "--cohort", "k"])
    assert result.exit_code != 0
    assert f"not issued: {REJECTED_NAME}" in result.output and REJECTION in result.output
    assert [c.seq for c in issued()] == [1, 2]


def test_a_pdf_answered_without_a_signature_is_not_issued(app, remote, stub):
    stub.unsigned = True
    outcome = issue_all(remote, None)
    assert outcome.issued == 0 and not outcome.stopped  # each document failed, not the service
    assert len(outcome.not_issued) == 3
    assert all("without a signature" in row.reason for row in outcome.not_issued)
    assert len(stub.requests) == 3  # each document sent once, not the chunk again per refusal
    assert issued() == []


def test_basic_authentication_sends_the_user_and_password(app, remote, stub, use_signer):
    use_signer(LEANS_REMOTE_SIGNER_AUTH="basic", LEANS_REMOTE_SIGNER_TOKEN="user:pass")
    stub.authorization = "Basic " + base64.b64encode(b"user:pass").decode()
    assert issue_all(remote, None).issued == 3
    assert {r["authorization"] for r in stub.requests} == {"Basic dXNlcjpwYXNz"}
