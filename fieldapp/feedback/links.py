"""Raters' secret links: 256 random bits handed out once; only their SHA-256 is kept.

A link works until the round closes (the end of its deadline day in the organisation's time zone,
or earlier when the counsellor closes it), until it is revoked or renewed, and for one submit.
Whoever holds it sees the client's first name and the worksite, nothing else. A link that was
renewed or stopped keeps its hash as an :class:`EndedLink`, so that whoever still opens it is told
why it ended.
"""

from __future__ import annotations

import secrets
from enum import StrEnum

import segno
from markupsafe import Markup
from sqlalchemy import select

from fieldapp.auth.tokens import hash_token
from fieldapp.extensions import db
from fieldapp.feedback.models import EndedLink, Invitation, LinkEnd

MAX_TOKEN_LENGTH = 100


class LinkProblem(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REVOKED = "revoked"  # stopped by the counsellor
    REPLACED = "replaced"  # a newer link was made
    USED = "used"


class LinkRefused(Exception):
    def __init__(self, problem: LinkProblem, invitation: Invitation | None = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.invitation = invitation


def new_secret(invitation: Invitation) -> str:
    """A fresh secret for ``invitation``; the previous link stops working and is kept as ended:
    stopped, if the counsellor had stopped it, else replaced."""
    raw = secrets.token_urlsafe(32)
    if invitation.token_hash:
        db.session.add(
            EndedLink(
                organisation_id=invitation.organisation_id,
                invitation=invitation,
                token_hash=invitation.token_hash,
                reason=LinkEnd.STOPPED if invitation.revoked_at else LinkEnd.REPLACED,
            )
        )
    invitation.token_hash = hash_token(raw)
    return raw


def find(raw: str) -> Invitation:
    """The invitation whose link is ``raw``, if it may still be used; else :class:`LinkRefused`
    saying why (an unknown link reveals nothing)."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        raise LinkRefused(LinkProblem.UNKNOWN)
    hashed = hash_token(raw)
    invitation = db.session.scalars(
        select(Invitation).where(Invitation.token_hash == hashed)
    ).one_or_none()
    if invitation is None:
        raise _ended(hashed)
    if invitation.submitted_at is not None:
        raise LinkRefused(LinkProblem.USED, invitation)
    if invitation.revoked_at is not None:
        raise LinkRefused(LinkProblem.REVOKED, invitation)
    if invitation.round.is_closed():
        raise LinkRefused(LinkProblem.EXPIRED, invitation)
    return invitation


def _ended(hashed: str) -> LinkRefused:
    """Why an earlier link of an invitation no longer works. Only "stopped" or "replaced", never
    "used" or "expired": those let the client's own link show the released report, and a link
    may have been replaced because it reached the wrong person."""
    ended = db.session.scalars(
        select(EndedLink).where(EndedLink.token_hash == hashed)
    ).one_or_none()
    if ended is None:
        return LinkRefused(LinkProblem.UNKNOWN)
    invitation = ended.invitation
    if ended.reason == LinkEnd.STOPPED or invitation.revoked_at is not None:
        return LinkRefused(LinkProblem.REVOKED, invitation)
    return LinkRefused(LinkProblem.REPLACED, invitation)


def qr_code(link: str) -> Markup:
    """The link as an inline SVG QR code, for a rater standing next to the counsellor or for a
    printed invitation. segno draws only rectangles (the link itself is not in the markup), so
    the SVG is safe to insert as it is."""
    svg = segno.make(link, error="m").svg_inline(scale=5, border=2, dark="#1c2421")
    return Markup(svg)  # noqa: S704 - generated paths only, see above
