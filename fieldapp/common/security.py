"""Security headers on every response, and no caching of personal pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from flask import Flask, Response, abort, g, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext as _l

from fieldapp.common.static_files import import_map_hash


def content_security_policy(script_hashes: list[str]) -> str:
    """The policy of every response. ``script_hashes`` are the only inline scripts allowed (the
    import map, fieldapp/common/static_files.py), each by the ``'sha256-…'`` of its text."""
    return "; ".join(
        [
            "default-src 'self'",
            " ".join(["script-src 'self'", *script_hashes]),
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
    if "Content-Security-Policy" not in headers:
        headers["Content-Security-Policy"] = content_security_policy([import_map_hash()])
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


# NUL is refused by PostgreSQL, a lone UTF-16 surrogate ("\ud800" in JSON) by every UTF-8 encoder.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value, keys included, without recursion."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def _sent_text() -> Iterator[str]:
    yield request.path
    for key, value in request.args.items(multi=True):
        yield from (key, value)
    if request.mimetype in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        for key, value in request.form.items(multi=True):
            yield from (key, value)
    if request.is_json:
        yield from _strings(request.get_json(silent=True))


def reject_control_characters() -> None:
    """Refuse text no person can type and no text column can store, in the URL, a form or JSON,
    before any view or the database sees it."""
    if any(_UNSTORABLE.search(text) for text in _sent_text()):
        abort(400, description=str(_l("The text contains characters that cannot be saved.")))


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, except that a body nested too deeply to read (``[[[[…]]]]``, a few kilobytes
    from anyone, even on a public route) is unreadable JSON like any other: Python's decoder
    raises ``RecursionError`` for it, which ``request.get_json`` does not catch (only
    ``ValueError``), so every request with such a body answered 500 (the control-character check
    below reads each JSON body first)."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def init_app(app: Flask) -> None:
    app.json = BoundedJSONProvider(app)
    app.before_request(reject_control_characters)
    app.after_request(lambda response: apply_headers(app, response))
