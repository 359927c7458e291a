"""PAdES signatures on certificate PDFs, and checking them (docs/signing.md).

Every certificate PDF is signed at issue by one configured :class:`Sealer`:

- ``pkcs12``: the agency's certificate from a PKCS#12 file (LEANS_SIGNING_PKCS12 and its
  passphrase from LEANS_SIGNING_PASSPHRASE or LEANS_SIGNING_PASSPHRASE_FILE);
- ``development``: a self-signed signer made once in the instance folder, its name saying it is
  not for official use (refused in production);
- ``remote``: a signing service that receives the PDF and returns it sealed
  (:mod:`leans.certificates.remote_signing`).

Local signatures are PAdES B-B, or B-T when LEANS_TSA_URL names a timestamp authority, with a
visible block where the signatory's wet signature would go: who signed and when. A document
that cannot be signed raises :class:`SigningFailed`; issuing then stores nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app

from leans.certificates.keys import (
    DEVELOPMENT_MARK,
    KeyProblem,
    development_file,
    read_key_file,
    read_secret,
    refuse_development_material,
)
from leans.certificates.sealing import BLOCK_BOX, Sealer, SigningFailed

#: The signature field's name in every certificate PDF.
FIELD = "TandaTanganBKPP"
#: The block's text: who signed and when (in Western Indonesian Time, as the page's dates).
BLOCK_TEXT = ("Ditandatangani secara elektronik oleh:\n%(signer)s\npada %(waktu)s\n"
              "Periksa keaslian: pindai kode QR")
WIB = ZoneInfo("Asia/Jakarta")
#: Bytes kept in the PDF for the signature (CMS with the certificate chain; twice that with
#: a timestamp token). Giving it saves pyHanko a trial signature per document.
SIGNATURE_SPACE = 8 * 1024


def sealer() -> Sealer:
    """The app's configured sealer, built once per process."""
    cached = current_app.extensions.get("leans.sealer")
    if cached is None:
        cached = build_sealer()
        current_app.extensions["leans.sealer"] = cached
    return cached


def build_sealer() -> Sealer:
    kind = current_app.config.get("LEANS_SIGNER") or "development"
    if kind == "remote":
        from leans.certificates.remote_signing import RemoteSealer

        return RemoteSealer.from_config()
    if kind == "pkcs12":
        return LocalSealer.from_pkcs12(read_key_file("LEANS_SIGNING_PKCS12"),
                                       read_secret("LEANS_SIGNING_PASSPHRASE"))
    if kind == "development":
        path = development_file("signing-development.p12", _development_pkcs12)
        return LocalSealer.from_pkcs12(path.read_bytes(), "")
    raise KeyProblem(f"LEANS_SIGNER={kind!r} is not one of pkcs12, remote, development")


def check_signer() -> None:
    """Build the sealer and read the trusted certificates now (start-up in production): a
    missing file, a wrong passphrase or a development certificate stops the app with the
    reason, before anyone issues, and a wrong LEANS_SIGNING_TRUSTED_CERTS before /verify
    would call every genuine file altered."""
    sealer()
    trusted_certificates()


@dataclass
class LocalSealer:
    """Signs with a key held by this server (pyHanko's SimpleSigner)."""

    signer: object
    signer_name: str

    @classmethod
    def from_pkcs12(cls, data: bytes, passphrase: str) -> LocalSealer:
        from pyhanko.sign import signers

        try:
            signer = signers.SimpleSigner.load_pkcs12_data(
                data, other_certs=(), passphrase=passphrase.encode() if passphrase else None)
        except ValueError as error:
            raise KeyProblem("the PKCS#12 file cannot be opened: wrong passphrase, or not a "
                             "PKCS#12 file with a key and its certificate") from error
        subject = signer.signing_cert.subject.human_friendly
        refuse_development_material(f"The signing certificate ({subject})",
                                    DEVELOPMENT_MARK in subject)
        return cls(signer, signer.signing_cert.subject.native.get("common_name", subject))

    def sign(self, pdf: bytes, item: dict) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers, timestamps
        from pyhanko.stamp import TextStampStyle

        tsa = current_app.config.get("LEANS_TSA_URL") or ""
        meta = signers.PdfSignatureMetadata(
            field_name=FIELD, subfilter=fields.SigSeedSubFilter.PADES,
            reason=f"Sertifikat {item.get('number', '')}",
            location=item.get("issue_place") or None)
        pdf_signer = signers.PdfSigner(
            meta, self.signer,
            timestamper=timestamps.HTTPTimeStamper(tsa, timeout=30) if tsa else None,
            stamp_style=TextStampStyle(stamp_text=BLOCK_TEXT, border_width=1),
            new_field_spec=fields.SigFieldSpec(FIELD, on_page=0, box=BLOCK_BOX))
        now = dt.datetime.now(WIB)
        try:
            out = pdf_signer.sign_pdf(
                IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False),
                bytes_reserved=SIGNATURE_SPACE * (2 if tsa else 1),
                appearance_text_params={"waktu": now.strftime("%d-%m-%Y %H:%M WIB")})
        except Exception as error:  # pyHanko and the TSA client raise many kinds
            raise SigningFailed(f"the PDF could not be signed: {error}",
                                service_down=bool(tsa)) from error
        return out.getvalue()


def _development_pkcs12() -> bytes:
    """A self-signed ECDSA P-256 signer whose name says it is not for official use."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, f"LEANS development signer ({DEVELOPMENT_MARK})"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME,
                           current_app.config["LEANS_ISSUER_AGENCY"][:64]),
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
    ])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                     key_encipherment=False, data_encipherment=False,
                                     key_agreement=False, key_cert_sign=True, crl_sign=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256()))
    return pkcs12.serialize_key_and_certificates(
        b"leans-development", key, certificate, None, serialization.NoEncryption())


# --- checking -------------------------------------------------------------------------------

def trusted_certificates() -> list:
    """What a certificate's signature may chain to: the local signer's certificate and the
    chain in its PKCS#12 file, and every file in LEANS_SIGNING_TRUSTED_CERTS (a remote
    service's CA, earlier signers after a rotation). Read once per signer and setting, not
    at every check of an uploaded file."""
    local = sealer()
    setting = current_app.config.get("LEANS_SIGNING_TRUSTED_CERTS") or ""
    cached = current_app.extensions.get("leans.trusted_certificates")
    if cached is None or cached[0] is not local or cached[1] != setting:
        cached = (local, setting, _read_trusted(local, setting))
        current_app.extensions["leans.trusted_certificates"] = cached
    return cached[2]


def _read_trusted(local: Sealer, setting: str) -> list:
    from pyhanko.keys import load_certs_from_pemder

    roots = []
    if isinstance(local, LocalSealer):
        roots.append(local.signer.signing_cert)
        roots.extend(local.signer.cert_registry)
    paths = [p.strip() for p in setting.split(",") if p.strip()]
    for path in paths:
        if not Path(path).is_file():
            raise KeyProblem(f"LEANS_SIGNING_TRUSTED_CERTS: {path} is not a file")
        try:
            roots.extend(load_certs_from_pemder([path]))
        except Exception as error:  # asn1crypto and the PEM reader raise many kinds
            raise KeyProblem(f"LEANS_SIGNING_TRUSTED_CERTS: {path} is not a PEM or DER "
                             "certificate") from error
    return roots


@dataclass(frozen=True)
class SignatureCheck:
    valid: bool
    signer: str = ""
    signed_at: dt.datetime | None = None


def check_signature(pdf: bytes, issued_at: dt.datetime | None) -> SignatureCheck:
    """Does the PDF's last signature cover the whole file, is it intact, and does it chain to
    a trusted certificate? Judged at the moment it was issued (``issued_at``), so a
    certificate signed before the signer's certificate expired or was rotated still checks.
    Never raises: a damaged file is simply not valid."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
        if not signatures:
            return SignatureCheck(False)
        context = ValidationContext(trust_roots=trusted_certificates(), allow_fetching=False,
                                    moment=issued_at, revocation_mode="soft-fail")
        status = validate_pdf_signature(signatures[-1], context)
    except Exception:  # noqa: BLE001 - a hostile or broken file is "not valid", never a 500
        return SignatureCheck(False)
    valid = bool(status.bottom_line and status.coverage is SignatureCoverageLevel.ENTIRE_FILE)
    return SignatureCheck(valid, status.signing_cert.subject.native.get("common_name", ""),
                          status.signer_reported_dt)


def signed_copy(pdf: bytes, item: dict) -> bytes:
    """The rendered PDF signed by the configured sealer; refuses to return it unsigned."""
    number = item.get("number", "")
    try:
        signed = sealer().sign(pdf, item)
    except KeyProblem as error:
        raise SigningFailed(str(error), service_down=True, number=number) from error
    except SigningFailed as error:
        error.number = number
        raise
    if not signed.startswith(b"%PDF-") or len(signed) <= len(pdf):
        raise SigningFailed("the signer returned a file that is not a signed PDF", number=number)
    return signed


def worker_settings() -> dict:
    """The signing settings a render worker process needs to sign as this app does: the
    development signer's file is handed over as the PKCS#12 it is."""
    config = current_app.config
    kind = config.get("LEANS_SIGNER") or "development"
    settings = {key: config.get(key) for key in (
        "LEANS_ENV", "LEANS_SIGNER", "LEANS_SIGNING_PKCS12", "LEANS_TSA_URL", "LEANS_BADGE_KEY",
        "LEANS_REMOTE_SIGNER_URL", "LEANS_REMOTE_SIGNER_TIMEOUT", "LEANS_REMOTE_SIGNER_AUTH")}
    settings["LEANS_SIGNING_PASSPHRASE"] = read_secret("LEANS_SIGNING_PASSPHRASE")
    settings["LEANS_REMOTE_SIGNER_TOKEN"] = read_secret("LEANS_REMOTE_SIGNER_TOKEN")
    if kind == "development":
        settings["LEANS_SIGNER"] = "pkcs12"
        settings["LEANS_SIGNING_PKCS12"] = str(
            development_file("signing-development.p12", _development_pkcs12))
    return settings
