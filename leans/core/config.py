"""Configuration: defaults for local use, environment variables for production.

Every setting that an operator may change is read from a ``LEANS_*`` environment variable.
Facts the domain marks as unconfirmed (JP length, predicate ranges, numbering pattern) live here,
not in code.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parents[2]

#: Secret keys that must never be accepted in production.
WEAK_SECRET_KEYS = {"", "dev", "changeme", "change-me", "secret", "leans", "development"}
MIN_SECRET_KEY_LENGTH = 32


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says how to fix it."""


def _int(env: Mapping[str, str], name: str, default: int, minimum: int | None = None) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}.") from exc
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}.")
    return value


def database_url(raw: str) -> str:
    """Normalise a database URL so that PostgreSQL always uses the psycopg 3 driver."""
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw[len("postgres://"):]
    if raw.startswith("postgresql://"):
        raw = "postgresql+psycopg://" + raw[len("postgresql://"):]
    return raw


def load_config(env: Mapping[str, str] | None = None, instance_path: str | None = None) -> dict:
    """Build the configuration mapping from environment variables."""
    env = os.environ if env is None else env
    environment = env.get("LEANS_ENV", "development").strip().lower()
    instance = Path(instance_path or PROJECT_ROOT / "instance")
    default_db = f"sqlite:///{instance / 'leans.sqlite3'}"
    production = environment == "production"
    return {
        "LEANS_ENV": environment,
        "SECRET_KEY": env.get("LEANS_SECRET_KEY", ""),
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("LEANS_DATABASE_URL", default_db)),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "LEANS_CONTENT_DIR": env.get("LEANS_CONTENT_DIR", str(PROJECT_ROOT / "content")),
        "LEANS_CONTENT_RELOAD_SECONDS": _int(env, "LEANS_CONTENT_RELOAD_SECONDS", 2),
        #: Reverse proxies in front of the app whose X-Forwarded-* headers are trusted (the
        #: client's address for rate limits and logs, https for secure links and HSTS).
        "LEANS_PROXY_COUNT": _int(env, "LEANS_PROXY_COUNT", 0),
        "LEANS_LOG_LEVEL": env.get("LEANS_LOG_LEVEL", "INFO").upper(),
        #: The site's public address, printed in QR codes and setup links. Required in
        #: production (https); in development, empty means "the address being served"
        #: (see :func:`leans.core.urls.base_url`).
        "LEANS_BASE_URL": env.get("LEANS_BASE_URL", "").strip(),
        # Training hours: one JP is commonly 45 minutes (unconfirmed, so configurable).
        "LEANS_JP_MINUTES": _int(env, "LEANS_JP_MINUTES", 45),
        "LEANS_JP_ANNUAL_TARGET": _int(env, "LEANS_JP_ANNUAL_TARGET", 20),
        # Shown on certificates.
        "LEANS_ISSUER_GOVERNMENT": env.get(
            "LEANS_ISSUER_GOVERNMENT", "Pemerintah Kabupaten Bojonegoro"),
        "LEANS_ISSUER_AGENCY": env.get(
            "LEANS_ISSUER_AGENCY", "Badan Kepegawaian, Pendidikan dan Pelatihan"),
        "LEANS_ISSUE_PLACE": env.get("LEANS_ISSUE_PLACE", "Bojonegoro"),
        "LEANS_SIGNATORY_TITLE": env.get(
            "LEANS_SIGNATORY_TITLE", "Kepala BKPP Kabupaten Bojonegoro"),
        "LEANS_SIGNATORY_NAME": env.get("LEANS_SIGNATORY_NAME", ""),
        "LEANS_SIGNATORY_NIP": env.get("LEANS_SIGNATORY_NIP", ""),
        "LEANS_CERT_NUMBER_PATTERN": env.get(
            "LEANS_CERT_NUMBER_PATTERN", "{seq:03d}/LEANS/BKPP/{year}"),
        # Qualification predicates: lowest score (exclusive) for each, highest first.
        "LEANS_PREDICATE_THRESHOLDS": env.get(
            "LEANS_PREDICATE_THRESHOLDS",
            "Sangat Memuaskan>90;Memuaskan>80;Cukup Memuaskan>70;Kurang Memuaskan>60;"
            "Tidak Memuaskan>=0"),
        #: The rubric (content/rubrics/<slug>.md) facilitators grade action plans with.
        "LEANS_PLAN_RUBRIC": env.get("LEANS_PLAN_RUBRIC", "rencana-aksi"),
        #: The rubric the report seminar scores implementation reports with (full path).
        "LEANS_REPORT_RUBRIC": env.get("LEANS_REPORT_RUBRIC", "laporan-aksi"),
        #: Days without a progress update after which an approved plan counts as stalled.
        "LEANS_STALLED_DAYS": _int(env, "LEANS_STALLED_DAYS", 30),
        #: Days a submitted or resubmitted plan may wait for a grader before its review counts
        #: as overdue (facilitators' dashboard, reminders).
        "LEANS_REVIEW_OVERDUE_DAYS": _int(env, "LEANS_REVIEW_OVERDUE_DAYS", 3, minimum=1),
        #: Days without a lesson, test or plan activity after which a participant of a running
        #: cohort who has not finished counts as stuck.
        "LEANS_STUCK_DAYS": _int(env, "LEANS_STUCK_DAYS", 7, minimum=1),
        #: Background jobs (bulk certificates): a Redis URL shared by app servers and
        #: ``leans worker``; empty for a SQLite queue in the instance folder (one server).
        "LEANS_QUEUE_URL": env.get("LEANS_QUEUE_URL", ""),
        #: Prometheus metrics (/metrics, docs/operations.md): a bearer token the scraper sends
        #: and/or the addresses (CIDR ranges, separated by commas) it scrapes from; with
        #: neither set /metrics answers 404, with both a scrape needs both.
        "LEANS_METRICS_TOKEN": env.get("LEANS_METRICS_TOKEN", "").strip(),
        "LEANS_METRICS_ALLOW": env.get("LEANS_METRICS_ALLOW", "").strip(),
        #: Hours a finished certificate export (ZIP) can be downloaded before it is purged.
        "LEANS_EXPORT_KEEP_HOURS": _int(env, "LEANS_EXPORT_KEEP_HOURS", 24),
        #: SIASN (BKN) course-history records (docs/siasn.md; the mapping must be confirmed
        #: with BKN before production use). Tokens come from the environment only.
        "LEANS_SIASN_BASE_URL": env.get("LEANS_SIASN_BASE_URL", "").strip(),
        "LEANS_SIASN_TOKEN": env.get("LEANS_SIASN_TOKEN", ""),
        "LEANS_SIASN_AUTH_TOKEN": env.get("LEANS_SIASN_AUTH_TOKEN", ""),
        "LEANS_SIASN_SAVE_PATH": env.get("LEANS_SIASN_SAVE_PATH", "/kursus/save"),
        "LEANS_SIASN_UPLOAD_PATH": env.get("LEANS_SIASN_UPLOAD_PATH", "/upload-dok-rw"),
        "LEANS_SIASN_DELETE_PATH": env.get("LEANS_SIASN_DELETE_PATH", "/kursus/delete/{id}"),
        "LEANS_SIASN_PERSON_PATH": env.get("LEANS_SIASN_PERSON_PATH", "/pns/data-utama/{nip}"),
        "LEANS_SIASN_TIMEOUT": _int(env, "LEANS_SIASN_TIMEOUT", 30, minimum=1),
        "LEANS_SIASN_RETRIES": _int(env, "LEANS_SIASN_RETRIES", 3, minimum=0),
        "LEANS_SIASN_INSTANSI_ID": env.get("LEANS_SIASN_INSTANSI_ID", ""),
        "LEANS_SIASN_JENIS_DIKLAT_ID": env.get("LEANS_SIASN_JENIS_DIKLAT_ID", ""),
        "LEANS_SIASN_JENIS_KURSUS": env.get("LEANS_SIASN_JENIS_KURSUS", ""),
        "LEANS_SIASN_JENIS_KURSUS_SERTIPIKAT": env.get("LEANS_SIASN_JENIS_KURSUS_SERTIPIKAT", ""),
        "LEANS_SIASN_ORGANISER": env.get("LEANS_SIASN_ORGANISER", ""),
        "LEANS_SIASN_DOCUMENT_REF": env.get("LEANS_SIASN_DOCUMENT_REF", ""),
        #: Certificate PDF signatures (PAdES, docs/signing.md): ``pkcs12`` (the agency's
        #: certificate), ``remote`` (a signing service) or ``development`` (a self-signed
        #: signer made in the instance folder, refused in production).
        "LEANS_SIGNER": env.get("LEANS_SIGNER", "").strip().lower()
        or ("" if production else "development"),
        "LEANS_SIGNING_PKCS12": env.get("LEANS_SIGNING_PKCS12", "").strip(),
        "LEANS_SIGNING_PASSPHRASE": env.get("LEANS_SIGNING_PASSPHRASE", ""),
        "LEANS_SIGNING_PASSPHRASE_FILE": env.get("LEANS_SIGNING_PASSPHRASE_FILE", "").strip(),
        #: Certificates (PEM files, separated by commas) a signature may chain to besides the
        #: signer's own: the CA of a remote service, and every earlier signer after a rotation.
        "LEANS_SIGNING_TRUSTED_CERTS": env.get("LEANS_SIGNING_TRUSTED_CERTS", "").strip(),
        #: An RFC 3161 timestamp authority: signatures become PAdES B-T instead of B-B.
        "LEANS_TSA_URL": env.get("LEANS_TSA_URL", "").strip(),
        "LEANS_REMOTE_SIGNER_URL": env.get("LEANS_REMOTE_SIGNER_URL", "").strip(),
        "LEANS_REMOTE_SIGNER_TOKEN": env.get("LEANS_REMOTE_SIGNER_TOKEN", ""),
        "LEANS_REMOTE_SIGNER_TOKEN_FILE": env.get("LEANS_REMOTE_SIGNER_TOKEN_FILE", "").strip(),
        #: How the token is sent: ``bearer`` (Authorization: Bearer TOKEN) or ``basic``
        #: (TOKEN is user:password, as BSrE's API takes it).
        "LEANS_REMOTE_SIGNER_AUTH": env.get("LEANS_REMOTE_SIGNER_AUTH", "bearer").strip().lower(),
        "LEANS_REMOTE_SIGNER_TIMEOUT": _int(env, "LEANS_REMOTE_SIGNER_TIMEOUT", 30, minimum=1),
        #: Open Badges 3.0 credentials (docs/open-badges.md): the issuer's Ed25519 private key
        #: (PEM file); earlier public keys (PEM files, commas) stay published after a rotation.
        "LEANS_BADGE_KEY": env.get("LEANS_BADGE_KEY", "").strip(),
        "LEANS_BADGE_PREVIOUS_KEYS": env.get("LEANS_BADGE_PREVIOUS_KEYS", "").strip(),
        #: Rate limits (Flask-Limiter); use redis:// in production so workers share counts.
        "RATELIMIT_STORAGE_URI": env.get("LEANS_RATELIMIT_STORAGE_URL",
                                         None if production else "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LEANS_VERIFY_RATE_LIMIT": env.get("LEANS_VERIFY_RATE_LIMIT", "120 per minute"),
        #: The password throttle (leans.auth.throttle) counts failed password checks only, in
        #: the database. Per account, from any addresses: this many failures within
        #: LEANS_LOCKOUT_MINUTES lock the account until the window has passed.
        "LEANS_LOCKOUT_FAILURES": _int(env, "LEANS_LOCKOUT_FAILURES", 5),
        "LEANS_LOCKOUT_MINUTES": _int(env, "LEANS_LOCKOUT_MINUTES", 15),
        #: Per address (a whole hall shares one): after this many failures within
        #: LEANS_ADDRESS_WINDOW_MINUTES a further wrong password is refused; a right one works.
        "LEANS_ADDRESS_FAILURES": _int(env, "LEANS_ADDRESS_FAILURES", 100),
        "LEANS_ADDRESS_WINDOW_MINUTES": _int(env, "LEANS_ADDRESS_WINDOW_MINUTES", 10),
        #: Email (optional): without LEANS_SMTP_HOST, setup links are only shown to the admin.
        "LEANS_SMTP_HOST": env.get("LEANS_SMTP_HOST", ""),
        "LEANS_SMTP_PORT": _int(env, "LEANS_SMTP_PORT", 587),
        "LEANS_SMTP_USER": env.get("LEANS_SMTP_USER", ""),
        "LEANS_SMTP_PASSWORD": env.get("LEANS_SMTP_PASSWORD", ""),
        "LEANS_SMTP_STARTTLS": env.get("LEANS_SMTP_STARTTLS", "1") not in ("0", "false", "no"),
        "LEANS_SMTP_FROM": env.get("LEANS_SMTP_FROM", "LEANS LMS <no-reply@localhost>"),
        # Languages: Bahasa Indonesia first.
        "LANGUAGES": ("id", "en"),
        "BABEL_DEFAULT_LOCALE": "id",
        "BABEL_DEFAULT_TIMEZONE": env.get("LEANS_TIMEZONE", "Asia/Jakarta"),
        # Sessions: signed cookies, idle timeout, hardened flags.
        "PERMANENT_SESSION_LIFETIME": 60 * _int(env, "LEANS_SESSION_IDLE_MINUTES", 60),
        #: However active, a login lasts at most this long (a shared computer in a hall).
        "LEANS_SESSION_MAX_HOURS": _int(env, "LEANS_SESSION_MAX_HOURS", 12),
        "SESSION_REFRESH_EACH_REQUEST": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": production,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "PASSWORD_HASH_METHOD": env.get("LEANS_PASSWORD_HASH_METHOD", "scrypt"),
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
    }


def check_production(config: Mapping[str, Any]) -> None:
    """Refuse to run in production with a missing or weak secret key, or with rate limits
    whose storage nobody chose (per-process memory silently multiplies every limit by the
    number of workers)."""
    if config.get("LEANS_ENV") != "production":
        return
    key = config.get("SECRET_KEY") or ""
    if key.lower() in WEAK_SECRET_KEYS or len(key) < MIN_SECRET_KEY_LENGTH:
        raise ConfigError(
            "LEANS_SECRET_KEY is missing or too weak for production: it signs every session "
            f"cookie, so it must be a random value of at least {MIN_SECRET_KEY_LENGTH} "
            "characters. Generate one with: python -c 'import secrets; "
            "print(secrets.token_hex(32))' and set it in the environment."
        )
    problem = base_url_problem(config.get("LEANS_BASE_URL") or "")
    if problem:
        raise ConfigError(
            f"LEANS_BASE_URL {problem}. It is printed in every certificate's QR code and in "
            "account setup links, and a PDF cannot be changed once issued: set it to the "
            "public https address people open, e.g. LEANS_BASE_URL=https://leans.bojonegorokab.go.id"
        )
    if not config.get("RATELIMIT_STORAGE_URI"):
        raise ConfigError(
            "LEANS_RATELIMIT_STORAGE_URL is required in production: set it to the Redis that "
            "all app servers share (redis://host:6379/0), so the verification limit counts "
            "every worker's requests together. A single-process install may "
            "set memory:// on purpose."
        )
    _check_signing_keys(config)


def _check_signing_keys(config: Mapping[str, Any]) -> None:
    """Production names the agency's signer and the Open Badges issuer key (the files are
    read at start-up by the certificates feature)."""
    signer = config.get("LEANS_SIGNER") or ""
    if signer not in ("pkcs12", "remote"):
        raise ConfigError(
            "LEANS_SIGNER must be pkcs12 or remote in production (it is "
            f"{signer or 'not set'}): certificates are signed with the agency's own "
            "certificate, never the development signer. See docs/signing.md."
        )
    if signer == "pkcs12" and not config.get("LEANS_SIGNING_PKCS12"):
        raise ConfigError("LEANS_SIGNING_PKCS12 must name the agency's PKCS#12 file "
                          "(docs/signing.md).")
    if signer == "remote" and not config.get("LEANS_REMOTE_SIGNER_URL"):
        raise ConfigError("LEANS_REMOTE_SIGNER_URL must name the signing service "
                          "(docs/signing.md).")
    if not config.get("LEANS_BADGE_KEY"):
        raise ConfigError(
            "LEANS_BADGE_KEY must name the issuer's Ed25519 key file in production: it signs "
            "every Open Badges credential (docs/open-badges.md)."
        )


def base_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a production site's public address, or None when it can."""
    if not url:
        return "is not set"
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return f"must be an https:// address (it is {url!r})"
    host = parts.hostname.lower()
    this_machine = {"localhost", "0.0.0.0", "::1"}  # noqa: S104 - names to refuse
    if host in this_machine or host.startswith("127.") or host.endswith(".localhost"):
        return f"points at this machine ({host}), which nobody else can open"
    return None


def local_secret_key(instance_path: str) -> str:
    """A random key kept in the instance folder, so local sessions survive restarts."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key
