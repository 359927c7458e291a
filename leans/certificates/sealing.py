"""What every way of signing a certificate PDF shares: the failure it raises, the interface,
and where the visible signature block sits on the page (see :mod:`leans.certificates.signing`).
"""

from __future__ import annotations

from typing import Protocol

#: Where the visible signature block goes on the A4 landscape page (points, from the lower
#: left): the blank space above the signatory's printed name (templates/certificates/pdf.html).
BLOCK_BOX = (527, 90, 754, 132)


class SigningFailed(Exception):
    """A document was not signed. ``service_down`` means no further document can be signed
    now either (credentials refused, the service failing or not answering), so a bulk job
    stops rather than fail every row the same way."""

    def __init__(self, reason: str, *, service_down: bool = False, number: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.service_down = service_down
        #: The certificate number of the document that failed (set by :func:`signed_copy`).
        self.number = number

    def __reduce__(self):  # raised in a render worker process, re-raised in the parent
        return _rebuild_failure, (self.reason, self.service_down, self.number)


class Sealer(Protocol):
    #: Who signs, as a checker reads it (the signing certificate's subject, or the service).
    signer_name: str

    def sign(self, pdf: bytes, item: dict) -> bytes:
        """The PDF signed; raises SigningFailed."""


def _rebuild_failure(reason: str, service_down: bool, number: str) -> SigningFailed:
    return SigningFailed(reason, service_down=service_down, number=number)
