"""Raters' secret links (made and checked by :mod:`fieldapp.common.secret_links`).

A link works until the round closes (the end of its deadline day in the organisation's time zone,
or earlier when the counsellor closes it), until it is revoked or renewed, and for one submit.
Whoever holds it sees the client's first name and the worksite, nothing else. A link that was
renewed or stopped keeps its hash as an :class:`EndedLink`, so that whoever still opens it is told
why it ended.
"""

from __future__ import annotations

import segno
from markupsafe import Markup
from sqlalchemy import select

from fieldapp.common import secret_links
from fieldapp.common.secret_links import LinkRefused, Refusal
from fieldapp.extensions import db
from fieldapp.feedback.models import EndedLink, Invitation, LinkEnd


def new_secret(invitation: Invitation) -> str:
    """A fresh secret for ``invitation``; the previous link stops working and is kept as ended:
    stopped, if the counsellor had stopped it, else replaced."""
    secret = secret_links.new()
    if invitation.token_hash:
        db.session.add(
            EndedLink(
                organisation_id=invitation.organisation_id,
                invitation=invitation,
                token_hash=invitation.token_hash,
                reason=LinkEnd.STOPPED if invitation.revoked_at else LinkEnd.REPLACED,
            )
        )
    invitation.token_hash = secret.token_hash
    return secret.raw


def handed_out(invitations: list[Invitation]) -> set[int]:
    """The ids of ``invitations`` whose rater may hold a link, which showing a new one stops: one
    was e-mailed (everyone with an address got one when the round started) or shown before. A
    round makes a link for everyone, but without an address nobody sees it until the counsellor
    shows one; every link shown or mailed after that first one ends the one before it as an
    :class:`EndedLink`. Counsellor's actions only: who answered changes nothing here."""
    ids = [invitation.id for invitation in invitations]
    ended = set(
        db.session.scalars(
            select(EndedLink.invitation_id).where(EndedLink.invitation_id.in_(ids)).distinct()
        )
    )
    return {
        invitation.id for invitation in invitations if invitation.email or invitation.id in ended
    }


def find(raw: str) -> Invitation:
    """The invitation whose link is ``raw``, if it may still be used: not answered, not stopped,
    its round not closed. Else :class:`LinkRefused` saying why, with the invitation as its holder
    (an unknown link reveals nothing). Found whatever organisation is signed in on the browser (a
    shared desk): the secret alone names the invitation, and the view acts for its organisation."""
    try:
        invitation = secret_links.find(Invitation, raw, all_tenants=True)
    except LinkRefused:
        raise _ended(raw) from None
    if invitation.revoked_at is not None:
        # Said before "answered": a client's own link stopped after they answered must not go on
        # showing their report (see ``form_views.open_link``).
        raise LinkRefused(Refusal.REVOKED, invitation)
    secret_links.check(
        used_at=invitation.submitted_at,
        revoked_at=invitation.revoked_at,
        expires_at=invitation.round.closes_at,
        holder=invitation,
    )
    return invitation


def _ended(raw: str) -> LinkRefused:
    """Why an earlier link of an invitation no longer works. Only "revoked" or "replaced", never
    "used" or "expired": those let the client's own link show the released report, and a link
    may have been replaced because it reached the wrong person."""
    try:
        ended = secret_links.find(EndedLink, raw, all_tenants=True)
    except LinkRefused as unknown:
        return unknown
    invitation = ended.invitation
    if ended.reason == LinkEnd.STOPPED or invitation.revoked_at is not None:
        return LinkRefused(Refusal.REVOKED, invitation)
    return LinkRefused(Refusal.REPLACED, invitation)


def qr_code(link: str) -> Markup:
    """The link as an inline SVG QR code, for a rater standing next to the counsellor or for a
    printed invitation. segno draws only rectangles (the link itself is not in the markup), so
    the SVG is safe to insert as it is. It has a viewBox and no size of its own: the page's CSS
    sizes it, and the drawing scales with the box instead of sitting in its top corner."""
    svg = segno.make(link, error="m").svg_inline(scale=5, border=2, dark="#1c2421", omitsize=True)
    return Markup(svg)  # noqa: S704 - generated paths only, see above
