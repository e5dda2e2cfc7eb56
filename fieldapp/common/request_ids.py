"""Every request has an id: taken from a well-formed ``X-Request-ID`` header (a proxy's or a load
balancer's), else made here. It is echoed in the answer's ``X-Request-ID`` and carried by every
log record written while the request is handled (``record.request_id``, ``-`` outside requests).
"""

from __future__ import annotations

import logging
import re
import secrets
from typing import Any

from flask import Flask, Response, g, has_request_context, request

HEADER = "X-Request-ID"
_WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{1,64}")
NONE = "-"


def _incoming_or_new() -> str:
    incoming = request.headers.get(HEADER, "")
    return incoming if _WELL_FORMED.fullmatch(incoming) else secrets.token_hex(16)


def current() -> str:
    """This request's id, made on first use (an error before ``before_request`` still has one)."""
    if not has_request_context():
        return NONE
    if "request_id" not in g:
        g.request_id = _incoming_or_new()
    return str(g.request_id)


def _assign() -> None:
    current()


def _echo(response: Response) -> Response:
    response.headers[HEADER] = current()
    return response


def _install_record_factory() -> None:
    """Give every log record of the process a ``request_id``, whichever logger writes it."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "adds_request_id", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.request_id = current()
        return record

    factory.adds_request_id = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def init_app(app: Flask) -> None:
    """Register first, so that every other hook and every error answer runs with the id."""
    app.before_request(_assign)
    app.after_request(_echo)
    _install_record_factory()
