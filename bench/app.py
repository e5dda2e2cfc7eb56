"""The app the benchmarks measure: the development configuration on the bench's database."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from fieldapp import create_app


def app_for(database_url: str, instance: Path, environment: str = "development") -> Flask:
    """In development by default, so that the in-process test clients' cookies work over plain
    HTTP, and without CSRF tokens, which those clients do not send; the server-CPU bench serves
    it in production, with CSRF protection, as an OCMW would."""
    return create_app(
        {
            "INSTANCE_PATH": str(instance),
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "bench",
            "FIELDAPP_ENV": environment,
            "FIELDAPP_BASE_URL": "https://fieldapp.ocmw.example",  # as an OCMW sets its own
            "FIELDAPP_MAIL_BACKEND": "memory",
            "WTF_CSRF_ENABLED": environment == "production",
            # Throttling would refuse the hundreds of sign-ins and form posts a bench sends.
            "RATELIMIT_ENABLED": False,
            # The fan-out measure pushes to a local push service on 127.0.0.1.
            "FIELDAPP_PUSH_PRIVATE_ENDPOINTS": True,
        }
    )
