"""The single-use links e-mailed to a user (password reset, invitation), made and checked by
:mod:`fieldapp.common.secret_links`; here only whose they are and what ends them."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, select, update

from fieldapp.auth.models import User, UserToken
from fieldapp.common import secret_links
from fieldapp.common.time import now_utc
from fieldapp.extensions import db


def stop_all(user: User) -> None:
    """Every unused link of ``user`` (invitation, password reset) stops working."""
    _stop(UserToken.user_id == user.id)


def issue(user: User, purpose: str, valid_for: timedelta) -> str:
    """Create a token for ``user``; earlier unused tokens of the same purpose stop working."""
    _stop(UserToken.user_id == user.id, UserToken.purpose == purpose)
    secret = secret_links.new()
    db.session.add(
        UserToken(
            organisation_id=user.organisation_id,
            user_id=user.id,
            purpose=purpose,
            token_hash=secret.token_hash,
            expires_at=now_utc() + valid_for,
        )
    )
    return secret.raw


def mailed_since(user: User, purpose: str, since: datetime) -> bool:
    """Whether ``user`` has a link of ``purpose`` made after ``since`` that still works."""
    found = db.session.scalars(
        select(UserToken.id).where(
            UserToken.user_id == user.id,
            UserToken.purpose == purpose,
            UserToken.used_at.is_(None),
            UserToken.created_at > since,
            UserToken.expires_at > now_utc(),
        )
    ).first()
    return found is not None


def _stop(*which: ColumnElement[bool]) -> None:
    """A stopped link reads as used: it did its work, or a newer one does it."""
    db.session.execute(
        update(UserToken)
        .where(*which, UserToken.used_at.is_(None))
        .values(used_at=now_utc())
        .execution_options(synchronize_session=False)
    )


def find_valid(raw: str, purpose: str) -> UserToken:
    """The unexpired, unused token for ``raw``, or :class:`~secret_links.LinkRefused`; found
    whatever organisation is signed in on the browser (its view signs that person out and then
    acts for the token's organisation, see ``views.reset_password``)."""
    token = secret_links.find(UserToken, raw, UserToken.purpose == purpose, all_tenants=True)
    secret_links.check(used_at=token.used_at, expires_at=token.expires_at, holder=token)
    return token


def consume(token: UserToken) -> None:
    """Mark ``token`` used; a concurrent second use finds no row to claim and is refused."""
    secret_links.claim(UserToken.used_at, token.id)
