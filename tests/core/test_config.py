"""Configuration: environment variables and the production secret-key refusal."""

from __future__ import annotations

import pytest

from leans import create_app
from leans.core.config import ConfigError, database_url, load_config
from tests.fixtures.signing import production_key_settings


@pytest.mark.parametrize("key", [None, "", "dev", "short-but-not-empty"])
def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch, key):
    monkeypatch.setenv("LEANS_ENV", "production")
    if key is None:
        monkeypatch.delenv("LEANS_SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("LEANS_SECRET_KEY", key)
    with pytest.raises(ConfigError, match="LEANS_SECRET_KEY is missing or too weak"):
        create_app()


def test_production_starts_with_a_strong_key_and_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("LEANS_ENV", "production")
    monkeypatch.setenv("LEANS_SECRET_KEY", "a" * 16 + "9f8e7d6c5b4a3f2e1d0c")
    monkeypatch.setenv("LEANS_DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite3")
    monkeypatch.setenv("LEANS_RATELIMIT_STORAGE_URL", "memory://")  # one process, on purpose
    monkeypatch.setenv("LEANS_BASE_URL", "https://leans.bojonegorokab.go.id")
    for key, value in production_key_settings(tmp_path / "keys").items():
        monkeypatch.setenv(key, value)
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_production_refuses_rate_limits_nobody_chose_storage_for(monkeypatch, tmp_path):
    """Per-process memory would multiply every limit by the number of workers."""
    monkeypatch.setenv("LEANS_ENV", "production")
    monkeypatch.setenv("LEANS_SECRET_KEY", "a" * 16 + "9f8e7d6c5b4a3f2e1d0c")
    monkeypatch.delenv("LEANS_RATELIMIT_STORAGE_URL", raising=False)
    monkeypatch.setenv("LEANS_BASE_URL", "https://leans.bojonegorokab.go.id")
    with pytest.raises(ConfigError, match="LEANS_RATELIMIT_STORAGE_URL is required"):
        create_app()


@pytest.mark.parametrize(("url", "message"), [
    (None, "LEANS_BASE_URL is not set"),
    ("http://leans.bojonegorokab.go.id", "must be an https:// address"),
    ("https://127.0.0.1:8000", "points at this machine"),
    ("https://localhost", "points at this machine"),
    ("leans.bojonegorokab.go.id", "must be an https:// address"),
])
def test_production_refuses_a_base_url_nobody_else_can_open(monkeypatch, url, message):
    """It is printed in QR codes on certificates, which cannot be changed once issued."""
    monkeypatch.setenv("LEANS_ENV", "production")
    monkeypatch.setenv("LEANS_SECRET_KEY", "a" * 16 + "9f8e7d6c5b4a3f2e1d0c")
    monkeypatch.setenv("LEANS_RATELIMIT_STORAGE_URL", "memory://")
    if url is None:
        monkeypatch.delenv("LEANS_BASE_URL", raising=False)
    else:
        monkeypatch.setenv("LEANS_BASE_URL", url)
    with pytest.raises(ConfigError, match=message):
        create_app()


def test_development_links_follow_the_address_being_served(monkeypatch, tmp_path):
    """Without LEANS_BASE_URL, setup links and QR codes use the address of the request, or
    the port ``leans run`` serves on, never a fixed 127.0.0.1:5000."""
    from leans.auth.services import setup_url
    from leans.core.urls import base_url

    monkeypatch.setenv("LEANS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("LEANS_BASE_URL", raising=False)
    monkeypatch.delenv("LEANS_ENV", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.test_request_context("/", base_url="http://192.168.1.20:8080"):
        assert setup_url("abc") == "http://192.168.1.20:8080/account/setup/abc"
    app.config["LEANS_SERVED_URL"] = "http://127.0.0.1:8080"
    with app.app_context():
        assert base_url() == "http://127.0.0.1:8080"
    app.config["LEANS_BASE_URL"] = "https://leans.example.go.id/"
    with app.test_request_context("/", base_url="http://10.0.0.5"):
        assert base_url() == "https://leans.example.go.id"


def test_development_keeps_a_generated_key_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("LEANS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("LEANS_SECRET_KEY", raising=False)
    monkeypatch.delenv("LEANS_ENV", raising=False)
    first = create_app().config["SECRET_KEY"]
    assert len(first) >= 32
    assert create_app().config["SECRET_KEY"] == first


def test_settings_come_from_the_environment():
    config = load_config({
        "LEANS_DATABASE_URL": "postgres://u:p@db/leans", "LEANS_JP_MINUTES": "50",
        "LEANS_CONTENT_DIR": "/srv/content", "LEANS_SIGNATORY_NAME": "Dr. H. Contoh, M.Si.",
    })
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db/leans"
    assert config["LEANS_JP_MINUTES"] == 50
    assert config["LEANS_CONTENT_DIR"] == "/srv/content"
    assert config["LEANS_SIGNATORY_NAME"] == "Dr. H. Contoh, M.Si."
    assert load_config({})["LEANS_JP_MINUTES"] == 45


def test_a_bad_number_is_reported_by_name():
    with pytest.raises(ConfigError, match="LEANS_JP_MINUTES must be a whole number"):
        load_config({"LEANS_JP_MINUTES": "empat puluh lima"})


def test_database_url_keeps_sqlite_and_psycopg_urls():
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"
    assert database_url("postgresql+psycopg://h/d") == "postgresql+psycopg://h/d"
