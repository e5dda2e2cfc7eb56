"""Raters' secret links: 256 random bits handed out once; only their SHA-256 is kept.

A link works until the end of the round's deadline (in the organisation's time zone), until it is
revoked or renewed, and for one submit. Whoever holds it sees the client's first name and the
worksite, nothing else.
"""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta
from enum import StrEnum

import segno
from markupsafe import Markup
from sqlalchemy import select

from fieldapp.auth.tokens import hash_token
from fieldapp.common.time import local_zone, now_utc
from fieldapp.extensions import db
from fieldapp.feedback.models import Invitation

MAX_TOKEN_LENGTH = 100


class LinkProblem(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REVOKED = "revoked"
    USED = "used"


class LinkRefused(Exception):
    def __init__(self, problem: LinkProblem, invitation: Invitation | None = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.invitation = invitation


def new_secret(invitation: Invitation) -> str:
    """A fresh secret for ``invitation``; the previous link stops working."""
    raw = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(raw)
    return raw


def expires_at(invitation: Invitation) -> datetime:
    """The first moment the link no longer works: the day after the deadline, local midnight."""
    day_after = invitation.round.deadline + timedelta(days=1)
    return datetime.combine(day_after, time.min, tzinfo=local_zone())


def find(raw: str) -> Invitation:
    """The invitation whose link is ``raw``, if it may still be used; else :class:`LinkRefused`
    saying why (an unknown link reveals nothing)."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        raise LinkRefused(LinkProblem.UNKNOWN)
    invitation = db.session.scalars(
        select(Invitation).where(Invitation.token_hash == hash_token(raw))
    ).one_or_none()
    if invitation is None:
        raise LinkRefused(LinkProblem.UNKNOWN)
    if invitation.submitted_at is not None:
        raise LinkRefused(LinkProblem.USED, invitation)
    if invitation.revoked_at is not None:
        raise LinkRefused(LinkProblem.REVOKED, invitation)
    if now_utc() >= expires_at(invitation):
        raise LinkRefused(LinkProblem.EXPIRED, invitation)
    return invitation


def qr_code(link: str) -> Markup:
    """The link as an inline SVG QR code, for a rater standing next to the counsellor or for a
    printed invitation. segno draws only rectangles (the link itself is not in the markup), so
    the SVG is safe to insert as it is."""
    svg = segno.make(link, error="m").svg_inline(scale=5, border=2, dark="#1c2421")
    return Markup(svg)  # noqa: S704 - generated paths only, see above
