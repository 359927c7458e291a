"""Open Badges 3.0 credentials beside each certificate, checked as an outside verifier would:
the JWT downloaded through the pages, its signature checked with joserfc against the key the
site publishes (JWKS and DID document, found by ``kid``), the credential against 1EdTech's
JSON schema (tests/data), and the revocation list decoded here (multibase, GZIP, bits) -
none of it through the app's own code."""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from defusedxml import ElementTree as ET
from joserfc import jwt
from joserfc.errors import BadSignatureError, InvalidKeyIdError
from joserfc.jwk import KeySet, OKPKey
from jsonschema import Draft201909Validator
from PIL import Image
from sqlalchemy import select

from leans.certificates import issuing
from leans.certificates.badges import check_issuer_key
from leans.certificates.issuing import candidates, issue_batch
from leans.certificates.keys import DEVELOPMENT_MARK, KeyProblem
from leans.core.extensions import db
from leans.core.models import User
from tests.fixtures.certificates import LONG_NAME

pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")

SCHEMA = Path(__file__).parents[1] / "data" / "ob_v3p0_achievementcredential-jsonschema1.json"
#: The site's public address in these tests: a port, so the DID must encode it.
BASE = "https://leans.example.go.id:8443"
DID = "did:web:leans.example.go.id%3A8443"
JWT_CLAIMS = ("iss", "jti", "nbf", "sub")


@pytest.fixture
def site(app, monkeypatch):
    monkeypatch.setitem(app.config, "LEANS_BASE_URL", BASE)
    return app


@pytest.fixture
def certificate(site, certificate_cohort):
    """Participant p0's certificate (LONG_NAME, with a NIP), issued."""
    (issued,) = issue_batch([candidates(certificate_cohort)[0]], None)
    db.session.commit()
    return issued


def b64json(segment: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def published_key(client, token: str) -> OKPKey:
    """The key named by the token's kid, as the site publishes it (JWKS), and checked to be
    the same key in its DID document."""
    kid = b64json(token.split(".")[0])["kid"]
    jwks = client.get("/.well-known/jwks.json")
    assert jwks.status_code == 200
    key = KeySet.import_key_set(jwks.get_json()).get_by_kid(kid)
    did = client.get("/.well-known/did.json").get_json()
    (method,) = [m for m in did["verificationMethod"] if m["id"] == kid]
    assert kid in did["assertionMethod"] and method["controller"] == did["id"] == DID
    assert OKPKey.import_key(method["publicKeyJwk"]).thumbprint() == key.thumbprint()
    return key


def verify(client, token: str) -> dict:
    """The token's claims, once its signature is checked; raises on a bad signature."""
    header = b64json(token.split(".")[0])
    assert header["alg"] == "EdDSA" and header["typ"] in ("JWT", "vc+jwt")
    key = published_key(client, token)
    # The kid is the issuer's DID with the key's RFC 7638 thumbprint.
    assert header["kid"] == f"{DID}#{key.thumbprint()}"
    return jwt.decode(token, key, algorithms=["EdDSA"]).claims


def without_jwt_claims(claims: dict) -> dict:
    return {k: v for k, v in claims.items() if k not in JWT_CLAIMS}


def revoked_bit(client, index: int) -> int:
    """Bit INDEX of the published revocation list, decoded by hand."""
    response = client.get("/credentials/status/revocation")
    assert response.status_code == 200 and response.mimetype == "application/vc+jwt"
    assert "max-age=300" in response.headers["Cache-Control"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"  # wallets in a browser
    claims = verify(client, response.get_data(as_text=True))
    assert "BitstringStatusListCredential" in claims["type"] and claims["issuer"] == DID
    subject = claims["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    encoded = subject["encodedList"]
    assert encoded.startswith("u")  # multibase base64url, no padding
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) * 8 >= 131_072
    return (bits[index // 8] >> (7 - index % 8)) & 1


def test_the_credential_verifies_against_the_published_key_and_the_ob3_schema(
        certificate, logged_in):
    client = logged_in("p0")
    response = client.get(f"/certificates/{certificate.id}/credential.jwt")
    assert response.status_code == 200
    token = response.get_data(as_text=True)
    claims = verify(client, token)
    data = certificate.data
    assert claims["iss"] == DID == claims["issuer"]["id"]
    assert claims["jti"] == claims["id"] and claims["sub"] == claims["credentialSubject"]["id"]
    assert claims["nbf"] == int(certificate.issued_at.timestamp())
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    subject = claims["credentialSubject"]
    achievement = subject["achievement"]
    assert achievement["name"] == data["training"] and "LEANS" in achievement["name"]
    assert subject["creditsEarned"] == achievement["creditsAvailable"] == data["jp"] > 0
    assert "post-test" in achievement["criteria"]["narrative"]
    assert "rencana aksi" in achievement["criteria"]["narrative"]
    assert [r["value"] for r in subject["result"]][0] == data["predicate"]
    assert claims["issuer"]["name"].startswith(data["agency"])
    assert claims["evidence"][0]["id"] == data["verify_url"]
    status = claims["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusListIndex"] == str(certificate.id)
    assert status["statusListCredential"] == f"{BASE}/credentials/status/revocation"
    # The holder is named; the NIP appears only as a salted hash that checks against it.
    identifiers = {i["identityType"]: i for i in subject["identifier"]}
    assert identifiers["ext:name"]["identityHash"] == LONG_NAME
    nip = identifiers["ext:nip"]
    assert nip["hashed"] is True and nip["identityHash"] == "sha256$" + hashlib.sha256(
        ("197812052003121004" + nip["salt"]).encode()).hexdigest()
    text = json.dumps(claims)
    assert "197812052003121004" not in text and data["nip"] not in text
    # The official schema accepts it, and is not a validator that accepts anything.
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft201909Validator.check_schema(schema)
    validator = Draft201909Validator(schema)
    validator.validate(without_jwt_claims(claims))
    broken = without_jwt_claims(claims)
    del broken["credentialSubject"]["achievement"]["criteria"]
    assert not validator.is_valid(broken)


def test_the_json_download_is_the_same_credential_and_says_where_to_check_it(
        certificate, logged_in):
    client = logged_in("p0")
    token = client.get(f"/certificates/{certificate.id}/credential.jwt").get_data(as_text=True)
    response = client.get(f"/certificates/{certificate.id}/credential.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = json.loads(response.get_data(as_text=True))
    assert document["credential"] == without_jwt_claims(verify(client, token))
    assert document["credentialJwt"] == token
    assert document["verification"]["jwks"] == f"{BASE}/.well-known/jwks.json"
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft201909Validator(schema).validate(document["credential"])


def test_the_issuer_profile_is_public(site, client):
    profile = client.get("/credentials/issuer").get_json()
    assert profile["id"] == DID and profile["type"] == ["Profile"]
    assert profile["name"] == (f"{site.config['LEANS_ISSUER_AGENCY']}, "
                               f"{site.config['LEANS_ISSUER_GOVERNMENT']}")
    assert profile["url"] == BASE


def test_a_tampered_credential_fails_verification(certificate, logged_in):
    client = logged_in("p0")
    token = client.get(f"/certificates/{certificate.id}/credential.jwt").get_data(as_text=True)
    header, payload, signature = token.split(".")
    claims = b64json(payload)
    claims["credentialSubject"]["creditsEarned"] = 999
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(BadSignatureError):
        verify(client, f"{header}.{forged}.{signature}")
    assert verify(client, token)["credentialSubject"]["creditsEarned"] != 999


def test_revocation_sets_the_certificate_s_bit(certificate, logged_in, client):
    assert revoked_bit(client, certificate.id) == 0
    assert revoked_bit(client, certificate.id + 1) == 0
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    issuing.revoke(certificate, admin, "Data peserta keliru.")
    db.session.commit()
    assert revoked_bit(client, certificate.id) == 1
    assert revoked_bit(client, certificate.id + 1) == 0
    # A revoked certificate's credential is no longer handed out, like its PDF.
    holder = logged_in("p0")
    for suffix in ("credential.jwt", "credential.json", "badge.svg", "badge.png"):
        assert holder.get(f"/certificates/{certificate.id}/{suffix}").status_code == 410


def test_the_baked_badges_carry_the_same_jwt(certificate, logged_in):
    client = logged_in("p0")
    token = client.get(f"/certificates/{certificate.id}/credential.jwt").get_data(as_text=True)
    png = client.get(f"/certificates/{certificate.id}/badge.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    image = Image.open(io.BytesIO(png.data))
    assert image.text["openbadgecredential"] == token
    svg = client.get(f"/certificates/{certificate.id}/badge.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    root = ET.fromstring(svg.data)
    baked = root[0]
    assert baked.tag == "{https://purl.imsglobal.org/ob/v3p0}credential"
    assert baked.get("verify") == token
    assert verify(client, baked.get("verify"))["jti"]


def test_the_svg_escapes_what_it_shows(certificate, logged_in):
    certificate.data = {**certificate.data, "training": 'Kepemimpinan & "Aksi" <script>'}
    db.session.commit()
    svg = logged_in("p0").get(f"/certificates/{certificate.id}/badge.svg")
    assert b"<script>" not in svg.data
    texts = " ".join(t.text or "" for t in ET.fromstring(svg.data).iter()
                     if t.tag.endswith("text"))
    assert "<script>" in texts and "&" in texts  # read back unescaped by the XML parser


def test_only_the_holder_and_admins_download_the_credential(certificate, logged_in, client):
    for suffix in ("credential.jwt", "credential.json", "badge.svg", "badge.png"):
        url = f"/certificates/{certificate.id}/{suffix}"
        assert logged_in("p1").get(url).status_code == 404
        assert logged_in("fasil").get(url).status_code == 404
        assert "/login" in client.get(url).headers["Location"]
        assert logged_in("admin").get(url).status_code == 200
    assert logged_in("p0").get("/certificates/999999/credential.jwt").status_code == 404


def _write_key(folder: Path, name: str) -> tuple[Path, Path]:
    """A new Ed25519 key: its private PEM and its public PEM."""
    key = Ed25519PrivateKey.generate()
    private, public = folder / f"{name}.pem", folder / f"{name}-public.pem"
    private.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    public.write_bytes(key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return private, public


def test_after_a_key_rotation_old_credentials_still_verify(certificate, logged_in, site,
                                                          monkeypatch, tmp_path):
    old, old_public = _write_key(tmp_path, "old")
    new, _new_public = _write_key(tmp_path, "new")
    monkeypatch.setitem(site.config, "LEANS_BADGE_KEY", str(old))
    client = logged_in("p0")
    url = f"/certificates/{certificate.id}/credential.jwt"
    before = client.get(url).get_data(as_text=True)
    old_kid = b64json(before.split(".")[0])["kid"]
    # Rotation: the new key signs, the old public key stays published.
    monkeypatch.setitem(site.config, "LEANS_BADGE_KEY", str(new))
    monkeypatch.setitem(site.config, "LEANS_BADGE_PREVIOUS_KEYS", str(old_public))
    after = client.get(url).get_data(as_text=True)
    assert b64json(after.split(".")[0])["kid"] != old_kid
    assert verify(client, before)["jti"] == verify(client, after)["jti"]
    kids = [k["kid"] for k in client.get("/.well-known/jwks.json").get_json()["keys"]]
    assert kids[0] == b64json(after.split(".")[0])["kid"] and old_kid in kids
    # Without the old public key, the old credential no longer finds its key.
    monkeypatch.setitem(site.config, "LEANS_BADGE_PREVIOUS_KEYS", "")
    with pytest.raises(InvalidKeyIdError):
        published_key(client, before)


def test_production_refuses_the_development_key(site, logged_in, certificate, monkeypatch,
                                                tmp_path):
    # Outside production, without LEANS_BADGE_KEY, a marked development key is made once.
    monkeypatch.setitem(site.config, "LEANS_BADGE_KEY", "")
    check_issuer_key()
    development = Path(site.instance_path) / "keys" / "badge-development-ed25519.pem"
    assert development.read_text().splitlines()[0] == \
        f"# LEANS development key: {DEVELOPMENT_MARK}"
    assert logged_in("p0").get(f"/certificates/{certificate.id}/badge.png").status_code == 200
    monkeypatch.setitem(site.config, "LEANS_ENV", "production")
    with pytest.raises(KeyProblem, match="LEANS_BADGE_KEY"):
        check_issuer_key()  # no key named
    monkeypatch.setitem(site.config, "LEANS_BADGE_KEY", str(development))
    with pytest.raises(KeyProblem, match=DEVELOPMENT_MARK):
        check_issuer_key()
    real, _public = _write_key(tmp_path, "agency")
    monkeypatch.setitem(site.config, "LEANS_BADGE_KEY", str(real))
    check_issuer_key()  # the agency's own key is accepted
    monkeypatch.setitem(site.config, "LEANS_BADGE_KEY", str(tmp_path / "missing.pem"))
    with pytest.raises(KeyProblem, match="cannot be read"):
        check_issuer_key()
