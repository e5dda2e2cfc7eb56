"""What we may learn about the current request for logging, without trusting it blindly."""

from __future__ import annotations

from flask import has_request_context, request


def client_ip() -> str | None:
    """The client's address; behind proxies it is right only when FIELDAPP_PROXY_HOPS is set."""
    if not has_request_context():
        return None
    return (request.remote_addr or "")[:45] or None


def user_agent() -> str | None:
    if not has_request_context():
        return None
    return (request.user_agent.string or "")[:200] or None


# The header with which the page script fetches the pages a device keeps (fieldapp/pwa/offline.py).
COPY_HEADER = "X-Fieldapp-Copy"


def is_offline_copy() -> bool:
    """Whether this request asks for the copy a device keeps, rather than the live page."""
    return request.headers.get(COPY_HEADER) == "offline"
