"""LEANS LMS: the learning platform of the LEANS leadership training (BKPP Bojonegoro)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from typing import Any

from flask import Flask

from leans import logs
from leans.config import PROJECT_ROOT, check_production, load_config, local_secret_key

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
    from leans.extensions import babel, csrf, db, limiter, migrate
    from leans.i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "leans" / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(PROJECT_ROOT / "leans" / "translations"))


def _register_features(app: Flask) -> None:
    from leans import (
        admin,
        assessments,
        auth,
        backup,
        certificates,
        content,
        core,
        dashboard,
        demo,
        modules,
        templating,
        users_cli,
    )

    templating.init_app(app)
    content.init_app(app)
    auth.init_app(app)
    core.init_app(app)
    assessments.init_app(app)
    modules.init_app(app)
    certificates.init_app(app)
    admin.init_app(app)
    dashboard.init_app(app)
    users_cli.init_app(app)
    backup.init_app(app)
    demo.init_app(app)
