"""Certificates: eligibility, a registry with safe numbering, PDFs with QR verification,
revocation and re-issue, bulk issue and export in the background."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from leans.certificates import jobs, models, siasn_models  # noqa: F401 - the tables
    from leans.certificates.cli import group, siasn_group
    from leans.certificates.numbering import check_pattern
    from leans.certificates.siasn_views import bp as siasn_bp
    from leans.certificates.views import bp
    from leans.core.config import ConfigError

    try:
        check_pattern(app.config["LEANS_CERT_NUMBER_PATTERN"])
    except ValueError as error:
        raise ConfigError(f"LEANS_CERT_NUMBER_PATTERN: {error}") from error
    jobs.init_app(app)
    app.register_blueprint(bp)
    app.register_blueprint(siasn_bp)
    app.cli.add_command(group)
    app.cli.add_command(siasn_group)
