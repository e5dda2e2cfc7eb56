"""Failed sign-ins, counted per account *and* address, in the rate limiter's storage.

An account is never locked as such: that would let anyone lock a counsellor out by typing wrong
passwords for her address. Instead, one network address that keeps failing for one e-mail
address is held back for a while; the owner signing in from elsewhere is not, and a reset link
always lets her in (it signs her in). The count is kept for any e-mail address, with or without
an account, so the answers tell nothing about which addresses have one. The storage is the
limiter's (Redis when several app servers run), so every server sees the same counts.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, RateLimitItemPerMinute

from fieldapp.extensions import limiter

_NAMESPACE = "fieldapp-signin-failures"


def _limit() -> RateLimitItem:
    config = current_app.config
    return RateLimitItemPerMinute(
        config["FIELDAPP_LOCKOUT_THRESHOLD"], config["FIELDAPP_LOCKOUT_MINUTES"]
    )


def _key(email: str) -> tuple[str, str, str]:
    """The limiter's key prefix (installations may share Redis) and the pair, with the e-mail
    address hashed: the storage holds no readable address."""
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    digest = hashlib.sha256(email.encode()).hexdigest()[:32]
    return f"{prefix}{_NAMESPACE}", digest, get_remote_address()


def held_back(email: str) -> bool:
    """Whether this address has failed too often for ``email`` lately."""
    return limiter.enabled and not limiter.limiter.test(_limit(), *_key(email))


def count_failure(email: str) -> bool:
    """Count one failure; True when it was the last one allowed (the next ones are held back).
    Nothing is counted when rate limiting is switched off (``RATELIMIT_ENABLED``; the bench)."""
    if limiter.enabled:
        limiter.limiter.hit(_limit(), *_key(email))
    return held_back(email)


def forget(email: str) -> None:
    """Clear the count for ``email`` from this address (a good sign-in, a reset)."""
    if limiter.enabled:
        limiter.limiter.clear(_limit(), *_key(email))
