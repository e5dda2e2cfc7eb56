"""Configuration read from environment variables.

Kept free of Flask imports so that it can be read and tested on its own. ``create_app`` turns the
result into ``app.config``; tests pass their own mapping on top.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

DEVELOPMENT = "development"
PRODUCTION = "production"


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from exc


DEFAULT_BASE_URL = "http://127.0.0.1:5000"  # `make run`'s address


def config_warnings(config: Mapping[str, Any]) -> list[str]:
    """What a production configuration leaves to chance, for the log at start. Every link mailed
    or handed over (invitations, 360° and floor-supervisor links, resets) starts at
    ``FIELDAPP_BASE_URL``: left at the development address, each one leads nowhere."""
    if config["FIELDAPP_ENV"] != PRODUCTION:
        return []
    if config["FIELDAPP_BASE_URL"].rstrip("/") == DEFAULT_BASE_URL:
        return [
            f"FIELDAPP_BASE_URL is not set: every link fieldapp mails or hands over starts at "
            f"{DEFAULT_BASE_URL}; set it to the app's public HTTPS address"
        ]
    return []


def config_from_env(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Build the configuration mapping from ``env`` (``os.environ`` by default).

    ``SECRET_KEY`` and ``DATABASE_URL`` may be left unset: ``create_app`` then keeps a generated
    key and an SQLite database in the instance folder.
    """
    env = os.environ if env is None else env
    environment = env.get("FIELDAPP_ENV", PRODUCTION).strip().lower()
    if environment not in {DEVELOPMENT, PRODUCTION}:
        raise ValueError(f"FIELDAPP_ENV must be {DEVELOPMENT!r} or {PRODUCTION!r}")
    production = environment == PRODUCTION
    session_hours = _int(env, "FIELDAPP_SESSION_HOURS", 10)

    return {
        "FIELDAPP_ENV": environment,
        "SECRET_KEY": env.get("SECRET_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL") or None,
        # No pool_pre_ping: a connection is checked without a round trip (common/connection_check).
        # No values in an error's message: they end up in the logs (common/database_errors).
        "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True},
        # Sessions: short-lived, HttpOnly, SameSite=Lax, Secure outside development.
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=session_hours),
        "SESSION_COOKIE_NAME": "fieldapp_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        # Renewed every few minutes of use instead (fieldapp/common/cookie_session.py).
        "SESSION_REFRESH_EACH_REQUEST": False,
        "REMEMBER_COOKIE_DURATION": timedelta(days=_int(env, "FIELDAPP_REMEMBER_DAYS", 14)),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "MAX_CONTENT_LENGTH": _int(env, "FIELDAPP_MAX_UPLOAD_BYTES", 2 * 1024 * 1024),
        "MAX_FORM_MEMORY_SIZE": 512 * 1024,
        "WTF_CSRF_TIME_LIMIT": session_hours * 3600,
        # Mail: SMTP when MAIL_SERVER is set; otherwise the log (and the development outbox).
        "MAIL_SERVER": env.get("MAIL_SERVER") or None,
        "MAIL_PORT": _int(env, "MAIL_PORT", 587),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _flag(env.get("MAIL_USE_TLS"), default=True),
        "MAIL_USE_SSL": _flag(env.get("MAIL_USE_SSL")),
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "fieldapp <no-reply@localhost>"),
        "MAIL_TIMEOUT": _int(env, "MAIL_TIMEOUT", 10),
        # On unless a configuration says otherwise: Flask-Limiter's one limiter object would
        # otherwise take the last app's setting (an app made with it off, then one without a word).
        "RATELIMIT_ENABLED": True,
        # Rate limits live in shared storage (Redis) when several app servers run.
        "RATELIMIT_STORAGE_URI": env.get("FIELDAPP_RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "FIELDAPP_LOGIN_LIMIT": env.get("FIELDAPP_LOGIN_LIMIT", "10 per minute;60 per hour"),
        "FIELDAPP_SUPERVISOR_POST_LIMIT": env.get(
            "FIELDAPP_SUPERVISOR_POST_LIMIT", "6 per 10 minutes;20 per day"
        ),
        "FIELDAPP_LOCKOUT_THRESHOLD": _int(env, "FIELDAPP_LOCKOUT_THRESHOLD", 5),
        "FIELDAPP_LOCKOUT_MINUTES": _int(env, "FIELDAPP_LOCKOUT_MINUTES", 15),
        "FIELDAPP_RESET_HOURS": _int(env, "FIELDAPP_RESET_HOURS", 1),
        "FIELDAPP_INVITE_DAYS": _int(env, "FIELDAPP_INVITE_DAYS", 7),
        "FIELDAPP_PROXY_HOPS": _int(env, "FIELDAPP_PROXY_HOPS", 0),
        "FIELDAPP_TIMEZONE": env.get("FIELDAPP_TIMEZONE", "Europe/Brussels"),
        # argon2id cost; the defaults follow RFC 9106's second recommended option.
        "FIELDAPP_ARGON2_TIME_COST": _int(env, "FIELDAPP_ARGON2_TIME_COST", 3),
        "FIELDAPP_ARGON2_MEMORY_KIB": _int(env, "FIELDAPP_ARGON2_MEMORY_KIB", 65536),
        "FIELDAPP_HSTS": production,
        # Web Push: the key pair (else instance/vapid_private.pem), whom push services can contact.
        "FIELDAPP_VAPID_PRIVATE_KEY": env.get("FIELDAPP_VAPID_PRIVATE_KEY") or None,
        "FIELDAPP_VAPID_SUBJECT": env.get("FIELDAPP_VAPID_SUBJECT", "mailto:no-reply@localhost"),
        # Reminders: the address links in e-mails and notifications start with; how often to send.
        "FIELDAPP_BASE_URL": env.get("FIELDAPP_BASE_URL", DEFAULT_BASE_URL),
        "FIELDAPP_DISPATCH_SECONDS": _int(env, "FIELDAPP_DISPATCH_SECONDS", 30),
        # How often the scheduler sends queued e-mail.
        "FIELDAPP_MAIL_SECONDS": _int(env, "FIELDAPP_MAIL_SECONDS", 60),
        # Compression of pages, JSON, CSS and JavaScript (Flask-Compress); turned off with
        # FIELDAPP_COMPRESS=false when a proxy in front compresses. Streamed responses (downloads)
        # are sent as they are; static files are sent whole so that they are compressed too.
        "COMPRESS_REGISTER": _flag(env.get("FIELDAPP_COMPRESS"), default=True),
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "application/manifest+json",
            "image/svg+xml",
        ],
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_STREAMS": False,
        # Log lines as one JSON object each (time, level, logger, message, request_id).
        "FIELDAPP_LOG_JSON": _flag(env.get("FIELDAPP_LOG_JSON")),
        # Only the tests turn this on, for their push service on 127.0.0.1 (reminders/endpoints).
        "FIELDAPP_PUSH_PRIVATE_ENDPOINTS": False,
    }
