"""Security headers on every response, and no caching of personal pages."""

from __future__ import annotations

from flask import Flask, Response, abort, g, request
from flask_babel import lazy_gettext as _l

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def exempt_from_no_store(response: Response) -> Response:
    """Let this response be cached (it holds nothing personal: manifest, offline page)."""
    g.cacheable = True
    return response


def apply_headers(app: Flask, response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if app.config["FIELDAPP_HSTS"]:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if request.endpoint != "static" and not g.get("cacheable") and "Cache-Control" not in headers:
        # Pages may hold personal data: no copy in the browser's cache or in a proxy.
        headers["Cache-Control"] = "no-store"
    return response


def reject_control_characters() -> None:
    """Refuse NUL bytes in the URL or a form: no text column can store them (PostgreSQL refuses)."""
    values = [request.path, *request.args.values()]
    if request.mimetype in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        values.extend(request.form.values())
    if any("\x00" in value for value in values):
        abort(400, description=str(_l("The text contains characters that cannot be saved.")))


def init_app(app: Flask) -> None:
    app.before_request(reject_control_characters)
    app.after_request(lambda response: apply_headers(app, response))
