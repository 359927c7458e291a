"""PAdES B-T: with LEANS_TSA_URL set, each certificate's signature carries a timestamp token
from that authority, here a local RFC 3161 server (pyHanko's DummyTimeStamper behind HTTP, with
a TSA certificate made by the test). A failing authority issues nothing.

Signatures are checked with pyHanko directly, not through the app's own checking code."""

from __future__ import annotations

import datetime as dt
import io
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from sqlalchemy import func, select

from leans.certificates.issuing import candidates, issue_all, issue_batch
from leans.certificates.models import Certificate
from leans.core.extensions import db
from tests.fixtures.signing import make_signer


def tsa_certificate() -> tuple[asn1_x509.Certificate, asn1_keys.PrivateKeyInfo]:
    """A self-signed timestamping certificate (RSA: DummyTimeStamper signs only with RSA),
    its extended key usage timeStamping and critical, as RFC 3161 requires."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TSA Uji LEANS"),
                      x509.NameAttribute(NameOID.COUNTRY_NAME, "ID")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]),
                       critical=True)
        .sign(key, hashes.SHA256()))
    der_key = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return (asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
            asn1_keys.PrivateKeyInfo.load(der_key))


@dataclass
class Tsa:
    """The local timestamp authority: its certificate, what it answered, how it fails."""

    certificate: asn1_x509.Certificate
    stamper: DummyTimeStamper
    url: str = ""
    #: Answer every request with this HTTP status instead of a timestamp (e.g. 500).
    failing: int = 0
    answered: list[int] = field(default_factory=list)


def make_handler(tsa: Tsa):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            query = self.rfile.read(int(self.headers["Content-Length"]))
            if tsa.failing or self.headers.get("Content-Type") != "application/timestamp-query":
                status, kind, body = tsa.failing or 400, "text/plain", b"tidak tersedia"
            else:
                reply = tsa.stamper.request_tsa_response(tsp.TimeStampReq.load(query))
                status, kind, body = 200, "application/timestamp-reply", reply.dump()
            tsa.answered.append(status)
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


@pytest.fixture
def tsa():
    """An RFC 3161 timestamp authority over HTTP on a free local port."""
    certificate, key = tsa_certificate()
    state = Tsa(certificate, DummyTimeStamper(tsa_cert=certificate, tsa_key=key))
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(state))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/tsr"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def signer(tmp_path, tsa, use_signer):
    """The agency's PKCS#12 signer, timestamping at the local authority."""
    agency = make_signer(tmp_path / "keys", "BKPP Kabupaten Uji")
    use_signer(LEANS_SIGNER="pkcs12", LEANS_SIGNING_PKCS12=str(agency.p12),
               LEANS_SIGNING_PASSPHRASE=agency.passphrase, LEANS_TSA_URL=tsa.url)
    return agency


def test_an_issued_signature_carries_a_trusted_timestamp_token(
        app, certificate_cohort, tsa, signer):
    (certificate,) = issue_batch([candidates(certificate_cohort)[0]], None)
    db.session.commit()
    assert tsa.answered == [200]

    signature = PdfFileReader(io.BytesIO(certificate.pdf)).embedded_signatures[-1]
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=list(load_certs_from_pemder(
            [str(signer.trust_pem)]))),
        ts_validation_context=ValidationContext(trust_roots=[tsa.certificate]))
    assert status.intact and status.valid and status.trusted
    stamp = status.timestamp_validity
    assert stamp is not None, "no signature timestamp token: PAdES B-B, not B-T"
    assert stamp.intact and stamp.valid and stamp.trusted
    assert stamp.signing_cert.subject == tsa.certificate.subject
    assert abs(stamp.timestamp - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)


def test_the_token_is_not_trusted_without_the_authority_s_certificate(
        app, certificate_cohort, tsa, signer):
    (certificate,) = issue_batch([candidates(certificate_cohort)[0]], None)
    db.session.commit()
    signature = PdfFileReader(io.BytesIO(certificate.pdf)).embedded_signatures[-1]
    other, _ = tsa_certificate()
    status = validate_pdf_signature(
        signature, ValidationContext(trust_roots=list(load_certs_from_pemder(
            [str(signer.trust_pem)]))),
        ts_validation_context=ValidationContext(trust_roots=[other]))
    assert status.timestamp_validity is not None and not status.timestamp_validity.trusted


def test_a_failing_timestamp_authority_stops_issuing_with_nothing_stored(
        app, certificate_cohort, tsa, signer):
    tsa.failing = 500
    outcome = issue_all(certificate_cohort, None)
    assert outcome.issued == 0 and outcome.stopped  # the signer is down: no point going on
    assert outcome.stopped.startswith("the PDF could not be signed")
    assert tsa.answered == [500]
    assert db.session.scalar(select(func.count(Certificate.id))) == 0

    tsa.failing = 0
    assert issue_all(certificate_cohort, None).issued == 3
    assert [c.seq for c in db.session.scalars(select(Certificate).order_by(Certificate.seq))] \
        == [1, 2, 3]
