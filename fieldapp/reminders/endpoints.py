"""Where a push may go: to a push service on the public internet, never into this server's network.

A subscription is whatever a browser (or an attacker with an account) posts, so its endpoint could
name 127.0.0.1, a database in the private network or a cloud metadata address; the scheduler would
then post there (server-side request forgery). Two checks close that:

- when a device subscribes, its endpoint must be ``https://`` with a host that resolves to public
  addresses only;
- when a push is sent, the connection itself resolves the host again, refuses if any address is
  not public, and connects to the address it checked (a DNS answer that changed in between cannot
  slip through); redirects are never followed.

``FIELDAPP_PUSH_PRIVATE_ENDPOINTS`` lifts both, for the tests' local push service only.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPSConnection
from urllib3.connectionpool import HTTPSConnectionPool


class NotPublic(Exception):
    """The endpoint is not a public ``https://`` address."""


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.is_global and not ip.is_multicast


def public_addresses(host: str, port: int) -> list[tuple[Any, ...]]:
    """``host``'s addresses (getaddrinfo tuples), if every one of them is public."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise NotPublic(f"{host} cannot be resolved") from error
    if not found or not all(_is_public(info[4][0]) for info in found):
        raise NotPublic(f"{host} is not a public address")
    return found


def check(endpoint: str) -> None:
    """Refuse an endpoint that is not ``https://`` on a public address (at subscription)."""
    parts = urlsplit(endpoint)
    if parts.scheme != "https" or not parts.hostname:
        raise NotPublic("not an https address")
    try:
        port = parts.port or 443
    except ValueError as error:
        raise NotPublic("not a valid port") from error
    public_addresses(parts.hostname, port)


class _PublicConnection(HTTPSConnection):
    """Connects only to an address it has just checked; TLS still verifies the host name."""

    def _new_conn(self) -> socket.socket:
        last_error: OSError | None = None
        for family, kind, protocol, _name, address in public_addresses(self._dns_host, self.port):
            sock = socket.socket(family, kind, protocol)
            try:
                sock.settimeout(self.timeout if isinstance(self.timeout, int | float) else None)
                sock.connect(address)
            except OSError as error:
                sock.close()
                last_error = error
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        raise last_error or OSError(f"could not connect to {self._dns_host}")


class _PublicPool(HTTPSConnectionPool):
    ConnectionCls = _PublicConnection


class _PublicOnly(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"https": _PublicPool}

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        if not (request.url or "").startswith("https://"):
            raise NotPublic("not an https address")
        return super().send(request, *args, **kwargs)


def session(private_allowed: bool) -> requests.Session:
    """A keep-alive session for pushes: public ``https://`` only (unless the tests allow their
    local push service), no redirects."""
    pushes = requests.Session()
    pushes.max_redirects = 0
    if not private_allowed:
        adapter = _PublicOnly()
        pushes.mount("https://", adapter)
        pushes.mount("http://", adapter)
    return pushes
