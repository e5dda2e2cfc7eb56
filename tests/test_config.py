from __future__ import annotations

import os
import stat

import pytest

from fieldapp import create_app
from fieldapp.config import config_from_env, config_warnings
from fieldapp.extensions import db
from fieldapp.instance import normalise_database_url, read_or_create_secret
from tests.conftest import base_config


def test_defaults_are_production_safe():
    config = config_from_env({})
    assert config["FIELDAPP_ENV"] == "production"
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["FIELDAPP_HSTS"] is True
    assert config["SECRET_KEY"] is None  # generated and kept by create_app
    assert config["RATELIMIT_ENABLED"] is True


def test_production_without_its_public_address_is_named_at_start(caplog, tmp_path, monkeypatch):
    """Every link mailed or handed over starts at FIELDAPP_BASE_URL: left at `make run`'s
    address in production, invitations, 360° and supervisor links lead nowhere."""
    assert config_warnings(config_from_env({"FIELDAPP_ENV": "development"})) == []
    assert config_warnings(config_from_env({"FIELDAPP_BASE_URL": "https://fieldapp.ocmw.be"})) == []
    (warning,) = config_warnings(config_from_env({}))
    assert "FIELDAPP_BASE_URL" in warning

    monkeypatch.delenv("FIELDAPP_BASE_URL", raising=False)
    monkeypatch.delenv("FIELDAPP_ENV", raising=False)
    with caplog.at_level("WARNING", logger="fieldapp"):
        create_app({"INSTANCE_PATH": str(tmp_path)})
    assert [r.message for r in caplog.records if "FIELDAPP_BASE_URL" in r.message] == [warning]


def test_development_relaxes_only_what_plain_http_needs():
    config = config_from_env({"FIELDAPP_ENV": "development"})
    assert config["SESSION_COOKIE_SECURE"] is False
    assert config["FIELDAPP_HSTS"] is False
    assert config["SESSION_COOKIE_HTTPONLY"] is True


@pytest.mark.parametrize(
    ("env", "message"),
    [({"FIELDAPP_ENV": "staging"}, "FIELDAPP_ENV"), ({"MAIL_PORT": "smtp"}, "MAIL_PORT")],
)
def test_bad_environment_values_are_named(env, message):
    with pytest.raises(ValueError, match=message):
        config_from_env(env)


def test_secret_key_is_generated_once_and_kept_private(tmp_path):
    first = read_or_create_secret(tmp_path)
    assert len(first) >= 64
    assert read_or_create_secret(tmp_path) == first
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600


def test_app_without_secret_key_uses_the_kept_one(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    again = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SECRET_KEY"] == again.config["SECRET_KEY"]
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'fieldapp.sqlite3'}"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_use_psycopg3(given, expected):
    assert normalise_database_url(given) == expected


@pytest.mark.usefixtures("_schema")
def test_an_app_limits_sign_ins_also_when_made_after_one_without_limits(database_url, tmp_path):
    """Flask-Limiter keeps one switch for the process: an app made without a word about it took
    the setting of the app made before (the bench's, or a test's without limits), and let every
    guess through."""
    without = create_app({**base_config(database_url, tmp_path / "a"), "RATELIMIT_ENABLED": False})
    app = create_app(base_config(database_url, tmp_path / "b"))
    try:
        assert app.config["RATELIMIT_ENABLED"] is True
        client = app.test_client()
        answers = [
            client.post("/login", data={"email": "x@example.org", "password": "wrong"}).status_code
            for _ in range(11)
        ]
        assert answers[-1] == 429
    finally:
        for made in (without, app):
            with made.app_context():
                db.session.remove()
                db.engine.dispose()
