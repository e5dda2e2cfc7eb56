"""Secret links: the one way a link is made, kept, checked and refused.

A secret link is the only key to what it opens (a password reset, an invitation, a rater's form,
a calendar feed), so every feature makes and checks it the same way:

- :func:`new` draws 256 random bits, URL-safe (43 characters). The raw secret goes into the link
  once (shown or e-mailed); only its SHA-256 (:func:`hash_token`, 64 hex digits) is stored, in the
  feature's own ``token_hash`` column.
- :func:`find` loads the row whose ``token_hash`` is the hash of what was sent, and compares the
  two hashes in constant time. Looking up by the hash of a secret (never by the secret itself)
  means any timing the database leaks is about a hash nobody can aim at.
- :func:`check` refuses a found link that was used, revoked or is past its end, in that order.
- :func:`claim` marks a single-use link used in one conditional UPDATE, so that of two requests
  racing with the same link only one gets through.
- Every refusal is a :class:`LinkRefused` with a :class:`Refusal` reason. Views answer it with
  :data:`REFUSAL_STATUS` and a page that says, in the reader's language, what happened and what
  to do next; an unknown link reveals nothing about what it might have been.

A feature keeps in its own module only what is its own: which row a link belongs to and what the
link opens. A new kind of link is a few lines. For example a floor supervisor's link to one
placement, valid while the placement runs, revocable and renewable::

    class SupervisorLink(TenantScoped, db.Model):
        placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id"), unique=True)
        token_hash: Mapped[str] = mapped_column(String(64), unique=True)
        revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
        placement: Mapped[Placement] = relationship()

    def renew(link: SupervisorLink) -> str:  # also makes the first one; the old link stops
        secret = secret_links.new()
        link.token_hash, link.revoked_at = secret.token_hash, None
        return secret.raw

    def placement_of(raw: str) -> Placement:
        link = secret_links.find(SupervisorLink, raw)
        secret_links.check(
            revoked_at=link.revoked_at, expires_at=link.placement.ends_at, holder=link.placement
        )
        return link.placement

and its view answers ``LinkRefused`` with ``REFUSAL_STATUS[refused.reason]`` and its page.

Hashes are plain SHA-256 of the raw secret, as they always were: stored rows keep working.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import InstrumentedAttribute

from fieldapp.common.time import now_utc
from fieldapp.extensions import db

SECRET_BYTES = 32  # 256 bits
MAX_TOKEN_LENGTH = 100  # a secret is 43 characters; anything much longer is not worth hashing


class Refusal(StrEnum):
    """Why a link does not open what it used to."""

    UNKNOWN = "unknown"  # never made, mistyped, or deleted: nothing more is told
    EXPIRED = "expired"  # past the end of its validity
    USED = "used"  # a single-use link that did its work
    REVOKED = "revoked"  # stopped by whoever handed it out
    REPLACED = "replaced"  # a newer link was made in its place


# The status a view answers a refusal with: 404 for a link that never was, 410 for one that was and
# is gone. A feature may answer USED with 409 when the link's one use was an action that conflicts
# with a second one (a rater's answer sent twice).
REFUSAL_STATUS: dict[Refusal, int] = {
    Refusal.UNKNOWN: 404,
    Refusal.EXPIRED: 410,
    Refusal.USED: 410,
    Refusal.REVOKED: 410,
    Refusal.REPLACED: 410,
}


class LinkRefused(Exception):
    """The one refusal of every secret link. ``holder`` is what the link belonged to, when the
    feature wants to say more (whom to ask for a new link); never set for an unknown link."""

    def __init__(self, reason: Refusal, holder: Any = None) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.holder = holder


@dataclass(frozen=True)
class Secret:
    """A new link's secret: ``raw`` goes into the link once, ``token_hash`` into the database."""

    raw: str
    token_hash: str


class HasTokenHash(Protocol):
    token_hash: Any


Row = TypeVar("Row", bound=HasTokenHash)


def hash_token(raw: str) -> str:
    """What is stored of a secret: its SHA-256 in hex."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def new() -> Secret:
    raw = secrets.token_urlsafe(SECRET_BYTES)
    return Secret(raw=raw, token_hash=hash_token(raw))


def find(model: type[Row], raw: str, *where: ColumnElement[bool], all_tenants: bool = False) -> Row:
    """The row of ``model`` (with a ``token_hash`` column) whose link is ``raw``, within the
    conditions ``where``; else :class:`LinkRefused` (unknown). Found is not valid: see
    :func:`check`.

    Like every query, the lookup sees only the signed-in person's organisation. A link meant to
    work whoever is signed in on the browser (it signs that person out) says ``all_tenants``:
    the secret alone names its row, and its view then acts for the row's organisation."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        raise LinkRefused(Refusal.UNKNOWN)
    hashed = hash_token(raw)
    column: InstrumentedAttribute[str] = model.token_hash
    statement = select(model).where(column == hashed, *where)
    if all_tenants:
        statement = statement.execution_options(all_tenants=True)
    row = db.session.scalars(statement).first()
    if row is None or not hmac.compare_digest(row.token_hash, hashed):
        raise LinkRefused(Refusal.UNKNOWN)
    return row


def check(
    *,
    used_at: datetime | None = None,
    revoked_at: datetime | None = None,
    expires_at: datetime | None = None,
    holder: Any = None,
) -> None:
    """Refuse a found link that was used, was revoked, or whose validity ended (at
    ``expires_at`` itself, not a moment later); a link without an end does not expire."""
    if used_at is not None:
        raise LinkRefused(Refusal.USED, holder)
    if revoked_at is not None:
        raise LinkRefused(Refusal.REVOKED, holder)
    if expires_at is not None and now_utc() >= expires_at:
        raise LinkRefused(Refusal.EXPIRED, holder)


def claim(used_at: InstrumentedAttribute[datetime | None], row_id: int) -> None:
    """Mark the single-use link in row ``row_id`` used (its ``used_at`` column, now). When another
    request claimed it first, no unused row is left to claim and the link is refused (used)."""
    model = used_at.class_
    result = db.session.execute(
        update(model)
        .where(model.id == row_id, used_at.is_(None))
        .values({used_at: now_utc()})
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise LinkRefused(Refusal.USED)
