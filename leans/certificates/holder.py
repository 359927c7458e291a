"""What a certificate's holder downloads (the PDF, the Open Badges credential and badges):
the one check every such download makes."""

from __future__ import annotations

from flask import Response, abort, render_template
from flask_login import current_user

from leans.certificates.issuing import current_of
from leans.certificates.models import Certificate, CertificateStatus
from leans.core.extensions import db
from leans.core.permissions import can_download_certificate


def holder_certificate(certificate_id: int) -> Certificate | Response:
    """The certificate, for its holder and admins (404 for anyone else); a page with status
    410 instead when it was revoked or replaced: a certificate no longer valid is not handed
    out as a clean file."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or not can_download_certificate(current_user, certificate):
        abort(404)
    if certificate.status is not CertificateStatus.VALID:
        newest = current_of(certificate)
        return Response(render_template(
            "certificates/not_valid.html", certificate=certificate,
            current=newest if newest.status is CertificateStatus.VALID
            and newest.id != certificate.id else None), status=410)
    return certificate
