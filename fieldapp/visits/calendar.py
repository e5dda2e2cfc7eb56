"""A personal, revocable iCalendar (RFC 5545) feed of one's visits, with nothing sensitive in it:
no client name, no purpose; a title, the time, the worksite and a link behind sign-in."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from fieldapp.auth.models import User
from fieldapp.common import events, secret_links
from fieldapp.common.secret_links import LinkRefused, Refusal
from fieldapp.common.time import now_utc
from fieldapp.common.urls import public_url
from fieldapp.extensions import db
from fieldapp.visits.models import CalendarFeed, Visit, VisitStatus


def issue(user: User) -> str:
    """A new secret feed address for ``user`` (see :mod:`fieldapp.common.secret_links`); the
    previous one stops working."""
    revoke(user)
    secret = secret_links.new()
    db.session.add(
        CalendarFeed(
            organisation_id=user.organisation_id, user_id=user.id, token_hash=secret.token_hash
        )
    )
    db.session.flush()
    return secret.raw


def revoke(user: User) -> bool:
    """The address stops working. Its row goes: a calendar app is told nothing but "unknown".
    True when there was one."""
    gone = db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
    return bool(gone.rowcount)


def _stop_with_the_sessions(user: User) -> str | None:
    # The address was as good as a session that never ends: a password change, a reset, "sign out
    # everywhere (else)" or an administrator ending the sessions must not leave it working on a
    # lost phone's calendar app. The person makes a new one on their calendar page (and is told
    # so, hence the code).
    return "calendar_feed" if revoke(user) else None


def subscribe() -> None:
    """Listen to the sessions ended everywhere (``fieldapp.common.events``)."""
    events.signed_out_everywhere.connect(_stop_with_the_sessions)


def has_feed(user: User) -> bool:
    return (
        db.session.scalars(select(CalendarFeed.id).where(CalendarFeed.user_id == user.id)).first()
        is not None
    )


def owner_of(raw: str) -> User:
    """The user whose feed address is ``raw``, while they may sign in; else :class:`LinkRefused`
    (unknown, also for the address of a deactivated user or of a role this release does not
    know)."""
    feed = secret_links.find(CalendarFeed, raw)
    owner = db.session.get(User, feed.user_id)
    if owner is None or not owner.may_sign_in:
        raise LinkRefused(Refusal.UNKNOWN)
    return owner


_LINE_BREAKS = re.compile("\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


def _text(value: str) -> str:
    """An iCalendar TEXT value: escaped, and every kind of line break as the escaped ``\\n``."""
    escaped = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _LINE_BREAKS.sub("\\\\n", escaped)


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1)."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        piece = char.encode("utf-8")
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += piece
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def render(user: User) -> str:
    """The feed: visits from 30 days ago on, cancelled ones marked so calendars drop them."""
    visits = db.session.scalars(
        select(Visit)
        .options(joinedload(Visit.worksite))
        .where(Visit.counsellor_id == user.id, Visit.starts_at >= now_utc() - timedelta(days=30))
        .order_by(Visit.starts_at)
    )
    with force_locale(user.language or user.organisation.default_language):
        title = _("Workplace visit (fieldapp)")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//fieldapp//visits//EN",
        "CALSCALE:GREGORIAN",
    ]
    for visit in visits:
        lines += [
            "BEGIN:VEVENT",
            f"UID:visit-{visit.id}@fieldapp",
            f"DTSTAMP:{_stamp(visit.updated_at)}",
            f"DTSTART:{_stamp(visit.starts_at)}",
            f"DTEND:{_stamp(visit.ends_at)}",
            f"SUMMARY:{_text(title)}",
            # At the app's address, never the Host the feed's request carried (a forged one
            # would put another server's address in the counsellor's calendar).
            f"URL:{public_url('visits.show', visit_id=visit.id)}",
            "STATUS:" + ("CANCELLED" if visit.status == VisitStatus.CANCELLED else "CONFIRMED"),
        ]
        if visit.worksite is not None:
            lines.append(f"LOCATION:{_text(visit.worksite.name)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
