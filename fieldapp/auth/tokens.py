"""Secret single-use links: 256 random bits handed out once, only their SHA-256 kept."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from fieldapp.auth.models import User, UserToken
from fieldapp.common.time import now_utc
from fieldapp.extensions import db


class TokenProblem(Exception):
    """The link is unknown, expired or already used; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def stop_all(user: User) -> None:
    """Every unused link of ``user`` (invitation, password reset) stops working."""
    db.session.execute(
        update(UserToken)
        .where(UserToken.user_id == user.id, UserToken.used_at.is_(None))
        .values(used_at=now_utc())
        .execution_options(synchronize_session=False)
    )


def issue(user: User, purpose: str, valid_for: timedelta) -> str:
    """Create a token for ``user``; earlier unused tokens of the same purpose stop working."""
    now = now_utc()
    db.session.execute(
        update(UserToken)
        .where(UserToken.user_id == user.id, UserToken.purpose == purpose)
        .where(UserToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    raw = secrets.token_urlsafe(32)
    db.session.add(
        UserToken(
            organisation_id=user.organisation_id,
            user_id=user.id,
            purpose=purpose,
            token_hash=hash_token(raw),
            expires_at=now + valid_for,
        )
    )
    return raw


def find_valid(raw: str, purpose: str) -> UserToken:
    """The unexpired, unused token for ``raw``, or :class:`TokenProblem`."""
    if not raw or len(raw) > 100:
        raise TokenProblem("unknown")
    token = db.session.scalars(
        select(UserToken).where(UserToken.token_hash == hash_token(raw))
    ).one_or_none()
    if token is None or token.purpose != purpose:
        raise TokenProblem("unknown")
    if token.used_at is not None:
        raise TokenProblem("used")
    if token.expires_at <= now_utc():
        raise TokenProblem("expired")
    return token


def consume(token: UserToken) -> None:
    """Mark ``token`` used; a concurrent second use finds no row to claim and fails."""
    result = db.session.execute(
        update(UserToken)
        .where(UserToken.id == token.id, UserToken.used_at.is_(None))
        .values(used_at=now_utc())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise TokenProblem("used")
