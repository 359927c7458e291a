"""Certificates: eligibility, a registry with safe numbering, PDFs with QR verification,
revocation and re-issue, bulk issue and export in the background."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from leans.certificates import jobs, models, siasn_models  # noqa: F401 - the tables
    from leans.certificates.badge_views import bp as badges_bp
    from leans.certificates.cli import group, siasn_group
    from leans.certificates.numbering import check_pattern
    from leans.certificates.siasn_views import bp as siasn_bp
    from leans.certificates.views import bp
    from leans.core.config import ConfigError

    try:
        check_pattern(app.config["LEANS_CERT_NUMBER_PATTERN"])
    except ValueError as error:
        raise ConfigError(f"LEANS_CERT_NUMBER_PATTERN: {error}") from error
    if app.config.get("LEANS_ENV") == "production":
        _check_keys(app)
    jobs.init_app(app)
    app.register_blueprint(bp)
    app.register_blueprint(siasn_bp)
    app.register_blueprint(badges_bp)
    app.cli.add_command(group)
    app.cli.add_command(siasn_group)


def _check_keys(app: Flask) -> None:
    """Production refuses to start when a signing key is missing, unreadable or marked for
    development: nobody issues a certificate that is not officially signed."""
    from leans.certificates.badges import check_issuer_key
    from leans.certificates.keys import KeyProblem
    from leans.certificates.signing import check_signer
    from leans.core.config import ConfigError

    with app.app_context():
        try:
            check_signer()
            check_issuer_key()
        except KeyProblem as error:
            raise ConfigError(f"{error}. See docs/signing.md.") from error
