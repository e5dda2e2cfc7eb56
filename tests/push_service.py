"""A Web Push service on 127.0.0.1 for the tests.

Like a real one it checks the VAPID JWT (ES256 over the claims, with the key in the header, the
audience being this service, not expired, a contact), and, unlike a real one, it holds the
subscriber's private key, so it decrypts the aes128gcm payload and records what a phone would get.
It can be told to answer the next posts with 404, 410, 413, 429 (with Retry-After) or 500, and a
test can await a moment (say, the 58th push arrived) instead of sleeping.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from tests.background_server import serve_in_background


def b64decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


@dataclass
class Delivery:
    """One post the service accepted or refused, as a phone's browser would have seen it."""

    path: str
    status: int
    vapid_key: str
    claims: dict[str, Any]
    headers: dict[str, str]
    payload: dict[str, Any] | None


@dataclass
class Subscriber:
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes


@dataclass
class PushService:
    _server: ThreadingHTTPServer | None = None
    deliveries: list[Delivery] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    _answers: deque[tuple[int, dict[str, str], bytes]] = field(default_factory=deque)
    _subscribers: dict[str, Subscriber] = field(default_factory=dict)
    _lock: threading.Condition = field(default_factory=threading.Condition)

    @property
    def origin(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_port}"

    def subscription(self) -> dict[str, Any]:
        """A new subscriber, as ``PushSubscription.toJSON()`` gives it in a browser."""
        private_key = ec.generate_private_key(ec.SECP256R1())
        auth = os.urandom(16)
        path = f"/push/{secrets.token_urlsafe(12)}"
        self._subscribers[path] = Subscriber(private_key, auth)
        public = private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.origin + path,
            "keys": {"p256dh": b64encode(public), "auth": b64encode(auth)},
        }

    def answer_next(self, status: int, body: bytes = b"", **headers: str) -> None:
        self._answers.append((status, headers, body))

    def received(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.status == 201]

    def wait_until(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``condition`` holds; it is checked again at every post and at ``wake``.
        False when it still does not hold after ``timeout`` seconds."""
        with self._lock:
            return self._lock.wait_for(condition, timeout)

    def wake(self) -> None:
        """Have ``wait_until`` check its condition again (something else than a post changed)."""
        with self._lock:
            self._lock.notify_all()

    # The HTTP side -------------------------------------------------------------------------------

    def handle(
        self, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        key, claims = self._check_vapid(headers.get("authorization", ""))
        subscriber = self._subscribers.get(path)
        payload = None
        if subscriber is not None and body:
            if headers.get("content-encoding") != "aes128gcm":
                self.problems.append(f"content-encoding {headers.get('content-encoding')}")
            plain = http_ece.decrypt(
                body,
                private_key=subscriber.private_key,
                auth_secret=subscriber.auth,
                version="aes128gcm",
            )
            payload = json.loads(plain)
        with self._lock:
            status, extra, answer = self._answers.popleft() if self._answers else (201, {}, b"")
            if subscriber is None:
                status, extra, answer = 404, {}, b""
            self.deliveries.append(Delivery(path, status, key, claims, headers, payload))
            self._lock.notify_all()
        return status, extra, answer

    def _check_vapid(self, authorization: str) -> tuple[str, dict[str, Any]]:
        if not authorization.startswith("vapid "):
            self.problems.append(f"no VAPID authorization: {authorization!r}")
            return "", {}
        parts = dict(item.strip().split("=", 1) for item in authorization[6:].split(","))
        token, key = parts.get("t", ""), parts.get("k", "")
        header_b64, claims_b64, signature_b64 = token.split(".")
        signature = b64decode(signature_b64)
        public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64decode(key))
        try:
            public_key.verify(
                encode_dss_signature(
                    int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
                ),
                f"{header_b64}.{claims_b64}".encode("ascii"),
                ec.ECDSA(hashes.SHA256()),
            )
        except InvalidSignature:
            self.problems.append("VAPID signature does not verify")
        header = json.loads(b64decode(header_b64))
        claims = json.loads(b64decode(claims_b64))
        if header.get("alg") != "ES256":
            self.problems.append(f"alg {header.get('alg')}")
        if claims.get("aud") != self.origin:
            self.problems.append(f"aud {claims.get('aud')} is not {self.origin}")
        if not time.time() < claims.get("exp", 0) <= time.time() + 24 * 3600:
            self.problems.append(f"exp {claims.get('exp')} out of range")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            self.problems.append(f"sub {claims.get('sub')}")
        return key, claims

    def __enter__(self) -> PushService:
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keeps connections open, as real push services do

            def handle(self) -> None:
                try:
                    super().handle()
                except ConnectionError:  # a sender killed mid-request (a crash test): no post
                    self.close_connection = True

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                if len(body) < length:  # the sender died while posting: nothing was delivered
                    self.close_connection = True
                    return
                headers = {name.lower(): value for name, value in self.headers.items()}
                status, extra, answer = service.handle(self.path, headers, body)
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name.replace("_", "-"), value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        serve_in_background(self._server)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()
