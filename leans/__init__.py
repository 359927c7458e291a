"""LEANS LMS: the learning platform of the LEANS leadership training (BKPP Bojonegoro)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from typing import Any

from flask import Flask

from leans.core import logs
from leans.core.config import PROJECT_ROOT, check_production, load_config, local_secret_key

__version__ = "0.1.0"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app. ``config`` overrides settings (tests pass their own)."""
    instance_path = os.environ.get("LEANS_INSTANCE_PATH", str(PROJECT_ROOT / "instance"))
    app = Flask(
        __name__,
        instance_path=instance_path,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(load_config(instance_path=instance_path))
    if config:
        app.config.from_mapping(config)
    _settle_secret_key(app)
    _trust_proxies(app)
    logs.init_app(app)
    _init_extensions(app)
    _register_features(app)
    return app


def _settle_secret_key(app: Flask) -> None:
    check_production(app.config)
    if not app.config["SECRET_KEY"]:
        if app.config.get("TESTING"):
            app.config["SECRET_KEY"] = secrets.token_hex(32)
        else:
            app.config["SECRET_KEY"] = local_secret_key(app.instance_path)


def _trust_proxies(app: Flask) -> None:
    """Behind N reverse proxies, take the client's address and scheme from their headers;
    with none configured the headers are ignored, so a client cannot forge its address."""
    count = app.config["LEANS_PROXY_COUNT"]
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def _init_extensions(app: Flask) -> None:
    from leans.core.extensions import babel, csrf, db, limiter, migrate
    from leans.core.i18n import select_locale

    #: Background processes (certificate rendering) build their app with this same factory,
    #: passed to them as a value so that no feature imports it.
    app.extensions["leans.app_factory"] = create_app
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "leans" / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(PROJECT_ROOT / "leans" / "translations"))


def _register_features(app: Flask) -> None:
    """Every feature, lowest layer first (docs/architecture.md)."""
    from leans import (
        admin,
        assessments,
        auth,
        certificates,
        content,
        core,
        dashboard,
        demo,
        modules,
        reports,
    )
    from leans.core import metrics_views

    for feature in (core, content, auth, assessments, modules, certificates, reports,
                    dashboard, admin, demo):
        feature.init_app(app)
    metrics_views.init_app(app)  # /metrics and the request counters (docs/operations.md)
