"""Open Badges 3.0 credentials beside each certificate (docs/open-badges.md).

Every certificate is also an ``OpenBadgeCredential`` signed by the issuer as a VC-JWT
(Ed25519, ``EdDSA``, through joserfc). The issuer is ``did:web:<host>``; its public keys, the
current one and every earlier one still trusted after a rotation (LEANS_BADGE_PREVIOUS_KEYS),
are published as a JWKS and in its DID document. Revocation is a Bitstring Status List: bit
*i* is set when certificate *i* is revoked or superseded (its re-issue's credential replaces
it). Credentials are built from the frozen certificate data and signed when downloaded.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import uuid
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app
from joserfc import jwt
from joserfc.errors import SecurityWarning
from joserfc.jwk import OKPKey
from sqlalchemy import select

from leans.certificates.keys import (
    DEVELOPMENT_MARK,
    KeyProblem,
    development_file,
    read_key_file,
    refuse_development_material,
)
from leans.certificates.models import Certificate, CertificateStatus
from leans.content import get_catalogue
from leans.core.extensions import db
from leans.core.urls import absolute_url, base_url
from leans.modules.training import training_modules

#: The JWS algorithm: Ed25519 signatures, named as every JOSE verifier knows them (RFC 8037).
ALG = "EdDSA"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = ("https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
             "ob_v3p0_achievementcredential_schema.json")
DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"]
#: Where the revocation list is served (public).
STATUS_LIST_PATH = "/credentials/status/revocation"
#: The smallest list the Bitstring Status List recommends (16 KB), so a list says little
#: about how many certificates exist; it grows by as much again when ids pass it.
MIN_BITS = 131_072
DEVELOPMENT_KEY = "badge-development-ed25519.pem"
DEVELOPMENT_LINE = f"# LEANS development key: {DEVELOPMENT_MARK}\n".encode()
#: Names LEANS's urn:uuid identifiers (credential, subject, achievement) under one namespace.
NAMESPACE = uuid.UUID("5f0d6f2e-3c3b-4d1e-9a57-6c1e2b8f4a10")


# --- keys -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class IssuerKeys:
    #: The private key that signs now.
    signing: OKPKey
    #: Every public key published: the signing key's first, then the earlier ones.
    published: tuple[OKPKey, ...]


def _pem_body(data: bytes) -> bytes:
    """The PEM without comment lines (the development key's warning comes first)."""
    return b"".join(line for line in data.splitlines(keepends=True)
                    if not line.lstrip().startswith(b"#"))


def _private_key(data: bytes, what: str) -> OKPKey:
    try:
        key = serialization.load_pem_private_key(_pem_body(data), password=None)
    except (TypeError, ValueError) as error:
        raise KeyProblem(f"{what} is not an unencrypted PEM private key ({error}). Make one "
                         "with: openssl genpkey -algorithm ed25519 -out badge.pem") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyProblem(f"{what} is not an Ed25519 key. Make one with: "
                         "openssl genpkey -algorithm ed25519 -out badge.pem")
    refuse_development_material(what, DEVELOPMENT_MARK.encode() in data)
    return OKPKey.import_key(key)


def _public_key(path: str) -> OKPKey:
    what = f"LEANS_BADGE_PREVIOUS_KEYS: {path}"
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise KeyProblem(f"{what} cannot be read: {error.strerror}") from error
    try:
        key = serialization.load_pem_public_key(_pem_body(data))
    except (TypeError, ValueError) as error:
        raise KeyProblem(f"{what} is not a PEM public key. Export it from the old private key "
                         "with: openssl pkey -in old.pem -pubout -out old-public.pem") from error
    if not isinstance(key, Ed25519PublicKey):
        raise KeyProblem(f"{what} is not an Ed25519 public key")
    refuse_development_material(what, DEVELOPMENT_MARK.encode() in data)
    return OKPKey.import_key(key)


def _development_pem() -> bytes:
    key = Ed25519PrivateKey.generate()
    return DEVELOPMENT_LINE + key.private_bytes(serialization.Encoding.PEM,
                                                serialization.PrivateFormat.PKCS8,
                                                serialization.NoEncryption())


def load_issuer_keys() -> IssuerKeys:
    """Read the keys now: LEANS_BADGE_KEY (or, outside production, the development key made
    once in the instance folder) and LEANS_BADGE_PREVIOUS_KEYS. Raises KeyProblem."""
    config = current_app.config
    if config.get("LEANS_BADGE_KEY"):
        signing = _private_key(read_key_file("LEANS_BADGE_KEY"),
                               f"LEANS_BADGE_KEY={config['LEANS_BADGE_KEY']}")
    elif config.get("LEANS_ENV") == "production":
        raise KeyProblem("LEANS_BADGE_KEY is not set: production signs Open Badges with the "
                         "agency's own Ed25519 key (docs/open-badges.md)")
    else:
        path = development_file(DEVELOPMENT_KEY, _development_pem)
        signing = _private_key(path.read_bytes(), f"The development badge key {path}")
    previous = [_public_key(p.strip()) for p in
                (config.get("LEANS_BADGE_PREVIOUS_KEYS") or "").split(",") if p.strip()]
    current = OKPKey.import_key(signing.as_dict(private=False))
    others = [k for k in previous if k.thumbprint() != current.thumbprint()]
    return IssuerKeys(signing, (current, *others))


def issuer_keys() -> IssuerKeys:
    """The app's keys, read once per configuration."""
    config = current_app.config
    settings = (config.get("LEANS_BADGE_KEY"), config.get("LEANS_BADGE_PREVIOUS_KEYS"),
                config.get("LEANS_ENV"))
    cached = current_app.extensions.get("leans.badge_keys")
    if cached is None or cached[0] != settings:
        cached = (settings, load_issuer_keys())
        current_app.extensions["leans.badge_keys"] = cached
    return cached[1]


def check_issuer_key() -> None:
    """Read the issuer's keys now (start-up in production): a missing, unreadable or
    development key stops the app with the reason, before anyone downloads a credential."""
    current_app.extensions.pop("leans.badge_keys", None)
    issuer_keys()


# --- the issuer -----------------------------------------------------------------------------

def issuer_did() -> str:
    """``did:web`` of the site's public address (a port written ``%3A``, a path as ``:``)."""
    parts = urlsplit(base_url())
    path = [quote(p, safe="") for p in parts.path.split("/") if p]
    return ":".join(["did:web", quote(parts.netloc.lower(), safe=""), *path])


def key_id(key: OKPKey) -> str:
    """The key's id: the issuer's DID with the RFC 7638 thumbprint as fragment."""
    return f"{issuer_did()}#{key.thumbprint()}"


def public_jwk(key: OKPKey) -> dict:
    return {**key.as_dict(private=False), "kid": key_id(key), "alg": ALG, "use": "sig"}


def jwks() -> dict:
    return {"keys": [public_jwk(k) for k in issuer_keys().published]}


def did_document() -> dict:
    did = issuer_did()
    methods = [{"id": key_id(k), "type": "JsonWebKey2020", "controller": did,
                "publicKeyJwk": k.as_dict(private=False)} for k in issuer_keys().published]
    return {"@context": DID_CONTEXTS, "id": did, "verificationMethod": methods,
            "assertionMethod": [m["id"] for m in methods]}


def issuer_profile(agency: str | None = None, government: str | None = None) -> dict:
    """The issuer's Profile: the agency and its government (as configured, or as printed)."""
    config = current_app.config
    agency = agency or config["LEANS_ISSUER_AGENCY"]
    government = government or config["LEANS_ISSUER_GOVERNMENT"]
    return {"id": issuer_did(), "type": ["Profile"], "name": f"{agency}, {government}",
            "url": base_url()}


# --- the credential -------------------------------------------------------------------------

def _urn(kind: str, value: str) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{kind}:{value}')}"


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(iso_date: str) -> str | None:
    """A printed date as the start of that day in Western Indonesian Time."""
    return f"{iso_date}T00:00:00+07:00" if iso_date else None


def _jp(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _identifiers(data: dict, code: str) -> list[dict]:
    """The holder's name, and the NIP only as a salted SHA-256 hash: whoever knows the NIP
    can check it, nobody can read it."""
    found = [{"type": "IdentityObject", "identityType": "ext:name", "hashed": False,
              "identityHash": data.get("name", "")}]
    nip = "".join((data.get("nip") or "").split())
    if nip:
        salt = hashlib.sha256(f"leans-nip:{code}".encode()).hexdigest()[:32]
        digest = hashlib.sha256((nip + salt).encode()).hexdigest()
        found.append({"type": "IdentityObject", "identityType": "ext:nip", "hashed": True,
                      "identityHash": f"sha256${digest}", "salt": salt})
    return found


def criteria_narrative(module_titles: Iterable[str], report_required: bool) -> str:
    """What completing LEANS requires (leans.certificates.eligibility), in Markdown."""
    titles = "; ".join(module_titles)
    steps = ["Menyelesaikan setiap modul angkatannya sesuai aturan penyelesaiannya: membaca "
             "semua pelajaran, mengirim jawaban setiap tugas, dan lulus post-test"
             + (f" ({titles})." if titles else "."),
             "Menyusun rencana aksi (proyek perubahan) yang disetujui setelah dinilai dengan "
             "rubrik."]
    if report_required:
        steps.append("Melaksanakan proyek perubahan dan mempertanggungjawabkan laporannya "
                     "dalam seminar laporan yang dinilai.")
    return "Sertifikat diberikan kepada peserta yang memenuhi semua syarat berikut:\n\n" + \
        "\n".join(f"{n}. {step}" for n, step in enumerate(steps, 1))


def _achievement(certificate: Certificate) -> dict:
    data, cohort = certificate.data or {}, certificate.enrolment.cohort
    jp = float(data.get("jp") or 0)
    titles = [m.title for m in training_modules(cohort, get_catalogue())]
    achievement_id = _urn("achievement", f"{data.get('training')}:{cohort.slug}")
    return {
        "id": achievement_id, "type": ["Achievement"], "achievementType": "Certificate",
        "name": data.get("training", ""),
        "description": (f"Pelatihan kepemimpinan aparatur yang diselenggarakan oleh "
                        f"{data.get('agency', '')}, {data.get('government', '')}: "
                        f"{data.get('cohort', '')}, {_jp(jp)} JP."),
        "criteria": {"narrative": criteria_narrative(
            titles, cohort.full_path and cohort.report_required)},
        "creditsAvailable": jp, "inLanguage": "id",
        "resultDescription": [
            {"id": f"{achievement_id}:predikat", "type": ["ResultDescription"],
             "name": "Predikat", "resultType": "PerformanceLevel"},
            {"id": f"{achievement_id}:nilai", "type": ["ResultDescription"],
             "name": "Nilai akhir", "resultType": "RawScore"}],
    }


def _results(data: dict, achievement_id: str) -> list[dict]:
    results = []
    if data.get("predicate"):
        results.append({"type": ["Result"], "resultDescription": f"{achievement_id}:predikat",
                        "value": str(data["predicate"])})
    if data.get("score") is not None:
        results.append({"type": ["Result"], "resultDescription": f"{achievement_id}:nilai",
                        "value": f"{float(data['score']):g}"})
    return results


def status_entry(certificate_id: int) -> dict:
    url = absolute_url(STATUS_LIST_PATH)
    return {"id": f"{url}#{certificate_id}", "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": str(certificate_id),
            "statusListCredential": url}


def credential(certificate: Certificate) -> dict:
    """The certificate as an OpenBadgeCredential (unsigned), from its frozen data."""
    data, code = certificate.data or {}, certificate.code
    achievement = _achievement(certificate)
    subject = {"id": _urn("subject", code), "type": ["AchievementSubject"],
               "identifier": _identifiers(data, code), "achievement": achievement,
               "creditsEarned": float(data.get("jp") or 0),
               "result": _results(data, achievement["id"])}
    for name, value in (("activityStartDate", _day(data.get("starts_on", ""))),
                        ("activityEndDate", _day(data.get("ends_on", "")))):
        if value:
            subject[name] = value
    evidence = [{"id": data["verify_url"], "type": ["Evidence"],
                 "name": f"Sertifikat {data.get('number', '')}",
                 "description": "Halaman verifikasi publik sertifikat PDF ini."}] \
        if data.get("verify_url") else []
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": _urn("credential", code),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": data.get("training", ""),
        "description": f"Sertifikat {data.get('number', '')}, {data.get('cohort', '')}.",
        "issuer": issuer_profile(data.get("agency"), data.get("government")),
        "validFrom": _iso(certificate.issued_at),
        "credentialSubject": subject,
        **({"evidence": evidence} if evidence else {}),
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
        "credentialStatus": status_entry(certificate.id),
    }


def sign(payload: dict, typ: str = "JWT") -> str:
    """A compact JWS of PAYLOAD signed with the issuer's current key."""
    keys = issuer_keys()
    header = {"alg": ALG, "kid": key_id(keys.published[0]), "typ": typ}
    with warnings.catch_warnings():
        # joserfc flags "EdDSA" since RFC 9864 names the same signature "Ed25519"; verifiers
        # today know EdDSA, so credentials keep that name.
        warnings.simplefilter("ignore", SecurityWarning)
        return jwt.encode(header, payload, keys.signing, algorithms=[ALG])


def _claims(vc: dict, subject: str | None) -> dict:
    """The VC-JWT claims of Open Badges 3.0: the credential with iss, jti, nbf (and sub)."""
    issued = dt.datetime.strptime(vc["validFrom"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    claims = {**vc, "iss": issuer_did(), "jti": vc["id"], "nbf": int(issued.timestamp())}
    if subject:
        claims["sub"] = subject
    return claims


def credential_jwt(certificate: Certificate) -> str:
    """The certificate's OpenBadgeCredential as a signed VC-JWT."""
    vc = credential(certificate)
    return sign(_claims(vc, vc["credentialSubject"]["id"]))


# --- revocation -----------------------------------------------------------------------------

def revoked_ids() -> list[int]:
    """Certificates no longer valid: revoked, or superseded by a re-issue."""
    return list(db.session.scalars(select(Certificate.id).where(Certificate.status.in_(
        [CertificateStatus.REVOKED, CertificateStatus.SUPERSEDED]))))


def encoded_list(ids: Iterable[int]) -> str:
    """Multibase base64url (``u``) of the GZIP of the bitstring, bit i (most significant bit
    of each byte first) set for each id."""
    ids = list(ids)
    size = max(MIN_BITS, -(-(max(ids, default=0) + 1) // MIN_BITS) * MIN_BITS)
    bits = bytearray(size // 8)
    for index in ids:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode()


def status_list_credential(now: dt.datetime) -> dict:
    url = absolute_url(STATUS_LIST_PATH)
    return {
        "@context": [VC_CONTEXT], "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did(), "validFrom": _iso(now),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList",
                              "statusPurpose": "revocation", "encodedList":
                              encoded_list(revoked_ids())},
    }


def status_list_jwt(now: dt.datetime) -> str:
    """The revocation list as of NOW, signed (``vc+jwt``)."""
    return sign(_claims(status_list_credential(now), None), typ="vc+jwt")


# --- the badge picture ----------------------------------------------------------------------

@dataclass(frozen=True)
class BadgeText:
    #: The training's name, wrapped.
    lines: tuple[str, ...]
    #: "32 JP · 2026".
    footer: str


def badge_text(data: dict) -> BadgeText:
    """What the badge shows: LEANS, the training, its JP and the year of issue."""
    import textwrap

    year = (data.get("issued_on") or "")[:4]
    footer = " · ".join(p for p in (f"{_jp(float(data.get('jp') or 0))} JP", year) if p)
    return BadgeText(tuple(textwrap.wrap(data.get("training", ""), 26)[:6]), footer)


def badge_png(data: dict, token: str) -> bytes:
    """A 512 px badge with the VC-JWT baked in (iTXt chunk ``openbadgecredential``)."""
    import io

    from PIL import Image, ImageDraw, ImageFont
    from PIL.PngImagePlugin import PngInfo

    from leans.certificates.document import FONTS

    text = badge_text(data)
    image = Image.new("RGBA", (512, 512), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 504, 504), fill=(200, 154, 40), outline=(120, 90, 20), width=4)
    draw.ellipse((32, 32, 480, 480), fill=(22, 50, 92))
    bold = str(FONTS / "LiberationSans-Bold.ttf")
    regular = str(FONTS / "LiberationSans-Regular.ttf")
    draw.text((256, 130), "LEANS", font=ImageFont.truetype(bold, 64), fill="white",
              anchor="mm")
    small = ImageFont.truetype(regular, 22)
    top = 262 - 14 * (len(text.lines) - 1)
    for index, line in enumerate(text.lines):
        draw.text((256, top + 28 * index), line, font=small, fill="white", anchor="mm")
    draw.text((256, 400), text.footer, font=ImageFont.truetype(bold, 30),
              fill=(240, 200, 90), anchor="mm")
    info = PngInfo()
    info.add_itxt("openbadgecredential", token)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()
