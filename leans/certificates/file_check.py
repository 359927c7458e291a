"""Is this file the certificate LEANS issued? Checked by its bytes, never stored anywhere.

The SHA-256 of the upload is compared with the registry's, and its PAdES signature must
validate (for certificates issued since PDFs are signed). When nothing matches, the file is
read (first pages only) for the verification address it prints, so the answer can say which
certificate the altered file claims to be. Reads only; writes nothing.
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import re
from dataclasses import dataclass

from sqlalchemy import select

from leans.certificates.document import sha256
from leans.certificates.issuing import current_of
from leans.certificates.models import Certificate, CertificateStatus
from leans.certificates.signing import SignatureCheck, check_signature
from leans.core.extensions import db

#: The largest file checked (the route's request limit is a little above it).
MAX_FILE = 5 * 1024 * 1024
#: Pages read for a verification code: a LEANS certificate is one page.
PAGES_READ = 2
#: The printed verification address: ``.../verify/<code>``, the code 16 URL-safe base64
#: characters (``secrets.token_urlsafe(12)``, see issuing).
_VERIFY_CODE = re.compile(r"/verify/([A-Za-z0-9_-]{16})")
#: Characters of the extracted text searched (bounds the regular expression's work).
_TEXT_LIMIT = 200_000


class FileKind(enum.StrEnum):
    GENUINE = "genuine"
    ALTERED = "altered"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"
    NOT_A_PDF = "not_a_pdf"


@dataclass(frozen=True)
class FileCheck:
    kind: FileKind
    #: The certificate whose file this is (hash match), or the one an altered file claims to
    #: be (by the verification code it prints); None when neither.
    certificate: Certificate | None = None
    #: For a superseded certificate: the newest certificate that replaced it.
    current: Certificate | None = None
    #: When it was revoked or superseded.
    changed_at: dt.datetime | None = None
    #: The signature found valid on a matching file (None: issued before PDFs were signed).
    signature: SignatureCheck | None = None

    @property
    def matched(self) -> bool:
        """The upload is byte for byte a file LEANS issued."""
        return self.kind in (FileKind.GENUINE, FileKind.REVOKED, FileKind.SUPERSEDED)


def looks_like_pdf(data: bytes) -> bool:
    """A PDF starts with its header (some writers put a little junk before it)."""
    return b"%PDF-" in data[:1024]


def signature_of(data: bytes, certificate: Certificate) -> SignatureCheck | None:
    """The file's PAdES signature, checked as of the day it was issued; None for a
    certificate issued before PDFs were signed (its hash alone vouches for it)."""
    if not certificate.signed_by:
        return None
    return check_signature(data, certificate.issued_at)


def check_file(data: bytes) -> FileCheck:
    """What this file is: a genuine, revoked or superseded certificate, an altered one (with
    the certificate it claims to be, if its code can be read), or not a PDF at all."""
    if not data or len(data) > MAX_FILE or not looks_like_pdf(data):
        return FileCheck(FileKind.NOT_A_PDF)
    certificate = db.session.scalar(select(Certificate).where(
        Certificate.sha256 == sha256(data)))
    if certificate is not None:
        signature = signature_of(data, certificate)
        if signature is None or signature.valid:
            return _matched(certificate, signature)
        return FileCheck(FileKind.ALTERED, certificate)  # the registry's bytes, bad signature
    code = claimed_code(data)
    if code is None:
        return FileCheck(FileKind.NOT_A_PDF) if not _readable(data) else \
            FileCheck(FileKind.ALTERED)
    claimed = db.session.scalar(select(Certificate).where(Certificate.code == code))
    return FileCheck(FileKind.ALTERED, claimed)


def _matched(certificate: Certificate, signature: SignatureCheck | None) -> FileCheck:
    if certificate.status is CertificateStatus.VALID:
        return FileCheck(FileKind.GENUINE, certificate, signature=signature)
    if certificate.status is CertificateStatus.REVOKED:
        return FileCheck(FileKind.REVOKED, certificate, changed_at=certificate.changed_at,
                         signature=signature)
    newest = current_of(certificate)
    return FileCheck(FileKind.SUPERSEDED, certificate,
                     current=newest if newest.id != certificate.id else None,
                     changed_at=certificate.changed_at, signature=signature)


def _reader(data: bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(data), strict=False)


def _readable(data: bytes) -> bool:
    """pypdf can open the file and count its pages."""
    try:
        return len(_reader(data).pages) > 0
    except Exception:  # noqa: BLE001 - any failure of a hostile file means "unreadable"
        return False


def claimed_code(data: bytes) -> str | None:
    """The verification code the file prints (its text or a link's address), or None when
    there is none or the file cannot be read. Never raises."""
    try:
        reader = _reader(data)
        for page in list(reader.pages)[:PAGES_READ]:
            for text in _texts(page):
                code = _code_in(text)
                if code:
                    return code
    except Exception:  # noqa: BLE001 - pypdf raises many kinds on damaged files
        return None
    return None


def _texts(page) -> list[str]:
    """The page's link addresses, then its text."""
    texts = []
    for annotation in page.get("/Annots") or []:
        action = annotation.get_object().get("/A") or {}
        uri = action.get("/URI") if hasattr(action, "get") else None
        if isinstance(uri, str):
            texts.append(uri)
    texts.append(page.extract_text() or "")
    return texts


def _code_in(text: str) -> str | None:
    text = text[:_TEXT_LIMIT]
    for candidate in (text, "".join(text.split())):  # an address broken over two lines
        match = _VERIFY_CODE.search(candidate)
        if match:
            return match.group(1)
    return None
