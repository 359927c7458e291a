"""Certificate PDFs are signed (PAdES) at issue, checked on /verify, and never issued unsigned.

Signatures are checked here with pyHanko directly, against the signer's certificate taken from
its PKCS#12 file, not through the app's own checking code.
"""

from __future__ import annotations

import io
import re

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader
from sqlalchemy import func, select

from leans import create_app
from leans.certificates.document import render
from leans.certificates.issuing import candidates, issue_batch
from leans.certificates.keys import keys_folder
from leans.certificates.models import Certificate
from leans.core.config import ConfigError
from leans.core.extensions import db
from tests.fixtures.signing import make_signer, production_key_settings
from tests.fixtures.web import fetch_csrf_token


def _upload(client, data: bytes) -> str:
    form = {"file": (io.BytesIO(data), "sertifikat.pdf"),
            "csrf_token": fetch_csrf_token(client, "/verify")}
    response = client.post("/verify", data=form, content_type="multipart/form-data")
    return response.get_data(as_text=True)


def _result(page: str) -> str:
    return re.search(r'data-result="(\w+)"', page).group(1)


def _validate(pdf: bytes, trust_pem_or_cert):
    """pyHanko's own verdict on the PDF's last signature, trusting one certificate."""
    from asn1crypto import x509 as asn1_x509
    from pyhanko.keys import load_certs_from_pemder

    if isinstance(trust_pem_or_cert, asn1_x509.Certificate):
        roots = [trust_pem_or_cert]
    else:
        roots = list(load_certs_from_pemder([str(trust_pem_or_cert)]))
    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[-1]
    return validate_pdf_signature(signature, ValidationContext(trust_roots=roots))


def _development_certificate():
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding

    _, certificate, _ = pkcs12.load_key_and_certificates(
        (keys_folder() / "signing-development.p12").read_bytes(), None)
    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))


def _issue_first(cohort) -> Certificate:
    (certificate,) = issue_batch([candidates(cohort)[0]], None)
    db.session.commit()
    return certificate


def _appearance_text(pdf: bytes) -> str:
    """The visible signature block's text, as its appearance stream draws it."""
    for annotation in PdfReader(io.BytesIO(pdf)).pages[0]["/Annots"]:
        widget = annotation.get_object()
        if widget.get("/FT") == "/Sig":
            data = widget["/AP"]["/N"].get_object().get_data()
            data = re.sub(rb"\\(\d{3})", lambda m: bytes([int(m.group(1), 8)]), data)
            return " ".join(t.decode("latin-1") for t in re.findall(rb"\((.*?)\) Tj", data))
    return ""


def test_an_issued_pdf_is_signed_pades_over_the_whole_file_with_a_visible_block(
        app, certificate_cohort):
    certificate = _issue_first(certificate_cohort)
    status = _validate(certificate.pdf, _development_certificate())
    assert status.intact and status.valid and status.trusted
    assert status.coverage is SignatureCoverageLevel.ENTIRE_FILE
    assert PdfFileReader(io.BytesIO(certificate.pdf)).embedded_signatures[-1] \
        .sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert certificate.signed_by == "LEANS development signer (NOT FOR OFFICIAL USE)"
    block = _appearance_text(certificate.pdf)
    assert "Ditandatangani secara elektronik oleh:" in block
    assert "LEANS development signer (NOT FOR OFFICIAL USE)" in block
    assert re.search(r"pada \d\d-\d\d-\d{4} \d\d:\d\d WIB", block)


def test_verify_says_genuine_and_who_signed_and_catches_one_changed_byte(
        app, certificate_cohort, client):
    certificate = _issue_first(certificate_cohort)
    page = _upload(client, certificate.pdf)
    assert _result(page) == "genuine"
    assert "LEANS development signer (NOT FOR OFFICIAL USE)" in page and "data-signature" in page
    changed = bytearray(certificate.pdf)
    changed[len(changed) // 3] ^= 0x01
    assert _result(_upload(client, bytes(changed))) == "altered"


def test_a_certificate_issued_before_signing_still_checks_by_its_hash(
        app, certificate_cohort, client):
    from leans.certificates.document import sha256

    certificate = _issue_first(certificate_cohort)
    unsigned = render([certificate.data])[0]
    certificate.pdf, certificate.sha256, certificate.signed_by = unsigned, sha256(unsigned), None
    db.session.commit()
    page = _upload(client, unsigned)
    assert _result(page) == "genuine" and "data-signature" not in page
    assert "data-issued-unsigned" in page  # "issued before certificates were signed"


def test_after_a_rotation_old_certificates_keep_verifying_when_the_old_signer_is_trusted(
        app, certificate_cohort, client, use_signer, tmp_path):
    old = make_signer(tmp_path / "old", "BKPP Uji 2026")
    new = make_signer(tmp_path / "new", "BKPP Uji 2027")
    use_signer(LEANS_SIGNER="pkcs12", LEANS_SIGNING_PKCS12=str(old.p12),
               LEANS_SIGNING_PASSPHRASE=old.passphrase)
    before = _issue_first(certificate_cohort)
    assert before.signed_by == "BKPP Uji 2026"
    assert _validate(before.pdf, old.trust_pem).trusted
    use_signer(LEANS_SIGNING_PKCS12=str(new.p12), LEANS_SIGNING_PASSPHRASE=new.passphrase)
    # The old chain forgotten: the file's signature no longer chains to anything trusted.
    assert _result(_upload(client, before.pdf)) == "altered"
    use_signer(LEANS_SIGNING_TRUSTED_CERTS=str(old.trust_pem))
    assert _result(_upload(client, before.pdf)) == "genuine"
    (after,) = issue_batch([candidates(certificate_cohort)[1]], None)
    db.session.commit()
    assert after.signed_by == "BKPP Uji 2027" and _validate(after.pdf, new.trust_pem).trusted
    assert _result(_upload(client, after.pdf)) == "genuine"


def _production(monkeypatch, tmp_path, **settings):
    monkeypatch.setenv("LEANS_ENV", "production")
    monkeypatch.setenv("LEANS_SECRET_KEY", "a" * 16 + "9f8e7d6c5b4a3f2e1d0c")
    monkeypatch.setenv("LEANS_DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite3")
    monkeypatch.setenv("LEANS_RATELIMIT_STORAGE_URL", "memory://")
    monkeypatch.setenv("LEANS_BASE_URL", "https://leans.bojonegorokab.go.id")
    monkeypatch.setenv("LEANS_INSTANCE_PATH", str(tmp_path / "instance"))
    for key, value in {**production_key_settings(tmp_path / "keys"), **settings}.items():
        monkeypatch.setenv(key, value)
    return create_app


@pytest.mark.parametrize(("settings", "message"), [
    ({"LEANS_SIGNER": ""}, "LEANS_SIGNER must be pkcs12 or remote in production"),
    ({"LEANS_SIGNER": "development"}, "LEANS_SIGNER must be pkcs12 or remote"),
    ({"LEANS_SIGNING_PASSPHRASE": "salah"}, "PKCS#12 file cannot be opened"),
    ({"LEANS_SIGNING_PKCS12": "/nonexistent/agency.p12"}, "cannot be read"),
    ({"LEANS_BADGE_KEY": ""}, "LEANS_BADGE_KEY must name"),
    ({"LEANS_SIGNING_TRUSTED_CERTS": "/nonexistent/ca.pem"}, "/nonexistent/ca.pem is not a file"),
    ({"LEANS_SIGNING_TRUSTED_CERTS": __file__}, "is not a PEM or DER certificate"),
])
def test_production_refuses_to_start_without_its_own_working_keys(
        monkeypatch, tmp_path, settings, message):
    start = _production(monkeypatch, tmp_path, **settings)
    with pytest.raises(ConfigError, match=re.escape(message)):
        start()


def test_production_refuses_the_development_signer_even_when_named_as_a_pkcs12_file(
        app, monkeypatch, tmp_path, certificate_cohort):
    _issue_first(certificate_cohort)  # makes the development signer in the test instance
    development = keys_folder() / "signing-development.p12"
    start = _production(monkeypatch, tmp_path, LEANS_SIGNING_PKCS12=str(development),
                        LEANS_SIGNING_PASSPHRASE="")
    with pytest.raises(ConfigError, match="NOT FOR OFFICIAL USE"):
        start()


def test_production_starts_with_the_agency_s_keys(monkeypatch, tmp_path):
    app = _production(monkeypatch, tmp_path)()
    assert app.config["LEANS_SIGNER"] == "pkcs12"


def test_no_number_is_used_when_signing_fails(app, certificate_cohort, use_signer):
    use_signer(LEANS_SIGNER="pkcs12", LEANS_SIGNING_PKCS12="/nonexistent/agency.p12")
    with pytest.raises(Exception, match="cannot be read"):
        issue_batch([candidates(certificate_cohort)[0]], None)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Certificate.id))) == 0
    use_signer(LEANS_SIGNER="development")
    assert _issue_first(certificate_cohort).seq == 1
