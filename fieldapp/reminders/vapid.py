"""The app's VAPID key pair: made once (``flask --app fieldapp vapid-keys``), kept in the instance
folder or given as ``FIELDAPP_VAPID_PRIVATE_KEY``; every app server and the scheduler use the same.

Browsers tie a subscription to the public key, so a new key pair means every device has to allow
notifications again: the command never replaces a key unless asked to.
"""

from __future__ import annotations

import base64
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from flask import Flask
from py_vapid import Vapid02

KEY_FILE = "vapid_private.pem"


def key_path(app: Flask) -> Path:
    return Path(app.instance_path) / KEY_FILE


def create(app: Flask, *, replace: bool = False) -> bool:
    """Make and keep a key pair unless one exists (or is configured); True when one was made."""
    if app.config.get("FIELDAPP_VAPID_PRIVATE_KEY") or (key_path(app).exists() and not replace):
        return False
    vapid = Vapid02()
    vapid.generate_keys()
    path = key_path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(vapid.private_pem())
    path.chmod(0o600)
    return True


def signer(app: Flask) -> Vapid02 | None:
    """The private key, or None when none was made: then nothing is pushed (e-mail still works)."""
    configured = app.config.get("FIELDAPP_VAPID_PRIVATE_KEY")
    if configured:
        return Vapid02.from_string(configured)
    path = key_path(app)
    return Vapid02.from_file(str(path)) if path.exists() else None


def application_server_key(app: Flask) -> str | None:
    """The public key as browsers want it for ``pushManager.subscribe``: the uncompressed point,
    URL-safe base64 without padding."""
    vapid = signer(app)
    if vapid is None:
        return None
    raw = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
