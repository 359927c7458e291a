"""Open Badges 3.0: the holder's credential downloads (JWT, JSON, baked SVG and PNG) and the
issuer's public documents (DID document, JWKS, profile, revocation list)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, render_template
from flask_login import login_required

from leans.certificates import badges
from leans.certificates.export import safe_name
from leans.certificates.holder import holder_certificate
from leans.certificates.models import Certificate
from leans.core.models import utcnow
from leans.core.urls import absolute_url

bp = Blueprint("badges", __name__)

#: How long a verifier may keep the public documents (the revocation list included).
PUBLIC_CACHE = "public, max-age=300"


def _public(response: Response) -> Response:
    """Cacheable for a few minutes, and readable by verifiers running in a browser."""
    response.headers["Cache-Control"] = PUBLIC_CACHE
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _json(document: dict, mimetype: str = "application/json") -> Response:
    return _public(Response(json.dumps(document, ensure_ascii=False, indent=2),
                            mimetype=mimetype))


@bp.route("/.well-known/did.json")
def did_document():
    """Public: the issuer's DID document (did:web) with every key that signs or signed."""
    return _json(badges.did_document(), "application/did+json")


@bp.route("/.well-known/jwks.json")
def jwks():
    """Public: the issuer's public keys as a JWK Set."""
    return _json(badges.jwks(), "application/jwk-set+json")


@bp.route("/credentials/issuer")
def issuer():
    """Public: the issuer's Open Badges Profile."""
    return _json({"@context": [badges.VC_CONTEXT, badges.OB_CONTEXT],
                  **badges.issuer_profile()})


@bp.route(badges.STATUS_LIST_PATH)
def status_list():
    """Public: the revocation list (Bitstring Status List), signed as a VC-JWT."""
    return _public(Response(badges.status_list_jwt(utcnow()), mimetype="application/vc+jwt"))


def _attachment(body: bytes | str, mimetype: str, certificate: Certificate,
                suffix: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = \
        f'attachment; filename="lencana-{safe_name(certificate.number, 40)}.{suffix}"'
    return response


@bp.route("/certificates/<int:certificate_id>/credential.jwt")
@login_required
def credential_jwt(certificate_id: int):
    """The certificate's OpenBadgeCredential as a signed VC-JWT."""
    certificate = holder_certificate(certificate_id)
    if isinstance(certificate, Response):
        return certificate
    return _attachment(badges.credential_jwt(certificate), "application/jwt", certificate,
                       "jwt")


@bp.route("/certificates/<int:certificate_id>/credential.json")
@login_required
def credential_json(certificate_id: int):
    """The credential as JSON, its signed form, and where to check both."""
    certificate = holder_certificate(certificate_id)
    if isinstance(certificate, Response):
        return certificate
    document = {
        "credential": badges.credential(certificate),
        "credentialJwt": badges.credential_jwt(certificate),
        "verification": {
            "issuer": badges.issuer_did(),
            "didDocument": absolute_url("/.well-known/did.json"),
            "jwks": absolute_url("/.well-known/jwks.json"),
            "statusList": absolute_url(badges.STATUS_LIST_PATH),
            "schema": badges.OB_SCHEMA,
            "certificatePage": (certificate.data or {}).get("verify_url", ""),
        },
    }
    return _attachment(json.dumps(document, ensure_ascii=False, indent=2),
                       "application/json", certificate, "json")


@bp.route("/certificates/<int:certificate_id>/badge.svg")
@login_required
def badge_svg(certificate_id: int):
    """The badge as SVG with the VC-JWT baked in."""
    certificate = holder_certificate(certificate_id)
    if isinstance(certificate, Response):
        return certificate
    data = certificate.data or {}
    svg = render_template("certificates/badge.svg", token=badges.credential_jwt(certificate),
                          title=data.get("training", ""), text=badges.badge_text(data))
    return _attachment(svg, "image/svg+xml", certificate, "svg")


@bp.route("/certificates/<int:certificate_id>/badge.png")
@login_required
def badge_png(certificate_id: int):
    """The badge as PNG with the VC-JWT baked in."""
    certificate = holder_certificate(certificate_id)
    if isinstance(certificate, Response):
        return certificate
    return _attachment(badges.badge_png(certificate.data or {},
                                        badges.credential_jwt(certificate)),
                       "image/png", certificate, "png")
