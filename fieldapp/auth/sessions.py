"""Signed-in devices: one server-side record per sign-in, so that a session can really end.

The session cookie and the remember-me cookie carry only the record's random id (Flask-Login keeps
``User.get_id()`` in both); the database keeps its hash. A request is signed in only while that
record is open and the account active, so signing out, ending a device from the list, a password
change or reset, deactivation, or an administrator's "end all sessions" stop a copied cookie too.
A sign-in without "keep me signed in" also ends once unused as long as its session cookie lasts.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Select, bindparam, delete, event, or_, select
from sqlalchemy.orm import ORMExecuteState, Session, joinedload

from fieldapp.audit import services as audit
from fieldapp.auth.models import User, UserSession
from fieldapp.common import events
from fieldapp.common.dates import today
from fieldapp.common.requests import user_agent
from fieldapp.common.time import now_utc
from fieldapp.extensions import db

# How stale "last seen" may be: writing it on every request would make every page view a write.
SEEN_EVERY = timedelta(minutes=5)
_MAX_KEY_LENGTH = 100

# The first match names the browser (Edge, Opera and Samsung also say "Chrome" and "Safari").
_BROWSERS = (
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
# Android also says "Linux", an iPhone also says "Mac OS X".
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPad", "iPadOS"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)


def device_label(agent: str | None) -> str:
    """Browser and operating system, nothing more (no version, no model): "Chrome · Android"."""
    agent = agent or ""
    parts = [
        next((name for marker, name in table if marker in agent), None)
        for table in (_BROWSERS, _SYSTEMS)
    ]
    return " · ".join(part for part in parts if part)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _attach(
    user: User, key: str, record: UserSession, figures: dict[str, int] | None = None
) -> User:
    user.session_key = key
    user.session_record = record
    user.figures = figures or {}
    return user


def open_session(user: User, *, remember: bool = False) -> str:
    """Record a sign-in on this device and make it the one ``user`` acts through; returns the raw
    id for the cookies (never stored). ``remember``: the person asked to be kept signed in (else
    the sign-in also ends after :func:`idle_limit` without use)."""
    key = secrets.token_urlsafe(32)
    record = UserSession(
        organisation_id=user.organisation_id,
        user_id=user.id,
        key_hash=_hash(key),
        device=device_label(user_agent()),
        remembered=remember,
    )
    db.session.add(record)
    db.session.flush()
    _attach(user, key, record)
    return key


# Figures of the signed-in person that every page shows (the bell's number), counted in the query
# that loads them from their session: asked apart, each cost every page a round trip of its own.
# The package a figure belongs to gives it (see ``count_with_user``).
_FIGURES: dict[str, Callable[[], ColumnElement[int]]] = {}
_WROTE = "fieldapp_wrote"  # in a session's info: it has written since it was opened


def count_with_user(
    session_class: type[Session], name: str, figure: Callable[[], ColumnElement[int]]
) -> None:
    """Count ``figure`` (a function that builds its scalar subquery) as ``name`` in the query
    that loads the signed-in user, from now on; :func:`figure_of` reads it. The subquery compares
    with ``UserSession.user_id`` and ``UserSession.organisation_id``, and may use the parameters
    ``now`` and ``today``. Idempotent. What a request writes after the user is loaded is not in the
    figure: ``session_class`` notes each write (:func:`figure_of`)."""
    if _FIGURES.get(name) is not figure:
        _FIGURES[name] = figure
        _open_session_by_key.cache_clear()
    if not event.contains(session_class, "after_flush", _note_flush):
        event.listen(session_class, "after_flush", _note_flush)
        event.listen(session_class, "do_orm_execute", _note_statement)


def figure_of(user: User, name: str) -> int | None:
    """The figure ``name`` counted when this request loaded ``user``; None when it was not, or
    when the request has written since (a flush, or a statement through the session that is not
    a SELECT: an INSERT, UPDATE or DELETE, a text) or holds changes not flushed yet: the caller
    counts it then, as it stands now. A write that passes the session by (its ``connection()``'s
    ``execute``, the legacy ``bulk_*`` methods) is not seen: the tables a figure counts must not
    be written that way."""
    session = db.session()
    if session.info.get(_WROTE) or session.new or session.dirty or session.deleted:
        return None
    return (user.figures or {}).get(name)


def _note_flush(session: Session, _context: Any) -> None:
    session.info[_WROTE] = True


def _note_statement(state: ORMExecuteState) -> None:
    # Anything but a SELECT may write: a text ("UPDATE ...") is no INSERT, UPDATE or DELETE to
    # SQLAlchemy, and a SELECT in a text is rare enough to be counted again for.
    if not state.is_select:
        state.session.info[_WROTE] = True


@cache
def _open_session_by_key() -> Select:
    """The open session with the hash ``key_hash``, its user and the figures counted with them,
    in one query. Built once: every signed-in request runs it, and building it cost more than
    running it."""
    return (
        select(UserSession, *(figure().label(name) for name, figure in _FIGURES.items()))
        .options(joinedload(UserSession.user))
        .where(UserSession.key_hash == bindparam("key_hash"), UserSession.ended_at.is_(None))
        .execution_options(all_tenants=True)
    )


def load_session_user(key: str) -> User | None:
    """Flask-Login's user loader: the user of an open session, if the account may sign in.

    Runs before the view, so the rare "last seen" update is committed here on its own.
    """
    if not key or len(key) > _MAX_KEY_LENGTH:
        return None
    now = now_utc()
    values = {"key_hash": _hash(key), "now": now, "today": today()}
    row = db.session.execute(_open_session_by_key(), values).first()
    if row is None or not row[0].user.may_sign_in:
        return None
    record = row[0]
    if now - record.created_at >= longest_sign_in() or _idle(record, now):
        _end(record.user, [record])
        db.session.commit()
        return None
    if now - record.last_seen_at >= SEEN_EVERY:
        record.last_seen_at = now
        db.session.commit()
    return _attach(record.user, key, record, dict(zip(_FIGURES, row[1:], strict=True)))


def longest_sign_in() -> timedelta:
    """How long a sign-in lasts however often it is used: as long as "keep me signed in" does
    (``FIELDAPP_REMEMBER_DAYS``). A session cookie renewed by use, or a copy of it, does not
    outlive it."""
    return current_app.config["REMEMBER_COOKIE_DURATION"]


def idle_limit() -> timedelta:
    """How long a sign-in without "keep me signed in" lasts unused: as long as its session cookie
    (``FIELDAPP_SESSION_HOURS``). Counted from ``last_seen_at``, which lags the last request by
    less than :data:`SEEN_EVERY`: the server ends such a sign-in at most that much before its
    cookie runs out, never after (its phone's notifications stop with it)."""
    return current_app.permanent_session_lifetime


def _idle(record: UserSession, now: datetime) -> bool:
    """:func:`is_live`'s idle rule, on a loaded record."""
    return not record.remembered and now - record.last_seen_at >= idle_limit()


def is_live(now: datetime) -> ColumnElement[bool]:
    """A condition on ``UserSession``: the sign-in is still open, has not outlived
    :func:`longest_sign_in` and, when not kept, has not gone unused for :func:`idle_limit` (one
    nobody used since is not ended on its row yet: the next request with it, or the nightly
    :func:`end_idle`, ends it)."""
    return (
        UserSession.ended_at.is_(None)
        & (UserSession.created_at > now - longest_sign_in())
        & (UserSession.remembered | (UserSession.last_seen_at > now - idle_limit()))
    )


def end_idle(now: datetime) -> int:
    """End the open sign-ins without "keep me signed in" that went unused for :func:`idle_limit`
    (as a request with one would); returns how many. Through :func:`_end`, so what their devices
    got through them ends too."""
    idle = db.session.scalars(
        select(UserSession)
        .options(joinedload(UserSession.user))
        .where(
            UserSession.ended_at.is_(None),
            UserSession.remembered.is_(False),
            UserSession.last_seen_at <= now - idle_limit(),
        )
        .order_by(UserSession.user_id, UserSession.id)
    ).all()
    by_user: dict[int, list[UserSession]] = {}
    for record in idle:
        by_user.setdefault(record.user_id, []).append(record)
    for records in by_user.values():
        _end(records[0].user, records)
    return len(idle)


def forget_ended(now: datetime) -> int:
    """Delete the records of sign-ins that ended or outlived :func:`longest_sign_in`; returns how
    many. Nothing shows them (the devices list shows open ones, the audit log the sign-ins and
    sign-outs), and each names a person's device and when it was used. The push subscriptions
    made in an outlived one go with it (the foreign key cascades)."""
    result = db.session.execute(
        delete(UserSession).where(
            or_(
                UserSession.ended_at.is_not(None), UserSession.created_at <= now - longest_sign_in()
            )
        )
    )
    return result.rowcount


def open_sessions(user: User) -> list[UserSession]:
    """The user's signed-in devices (live ones: :func:`is_live`), the most recently used first."""
    return list(
        db.session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id, is_live(now_utc()))
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        )
    )


def _end(user: User, records: list[UserSession]) -> None:
    """End ``records`` (open sessions of ``user``), and with them what their devices got through
    them (``events.sessions_ended``)."""
    now = now_utc()
    for record in records:
        record.ended_at = now
    db.session.flush()
    events.sessions_ended.send(user, sessions=records)


def end_current(user: User) -> None:
    """Signing out: the session this request came with ends."""
    if user.session_record is not None and user.session_record.ended_at is None:
        _end(user, [user.session_record])


def renew_current(user: User) -> None:
    """This request's device signs in afresh (after a password change): a copy of its old cookies
    stops working, and what it got through the old session moves to the new one."""
    previous = user.session_record
    open_session(user, remember=previous is not None and previous.remembered)
    if previous is not None and previous.ended_at is None:
        events.session_renewed.send(user, previous=previous, current=user.session_record)
        _end(user, [previous])


def end_own_device(user: User, session_id: int) -> bool:
    """End one of ``user``'s own open sessions; False when there is no such session (anymore)."""
    record = next((item for item in open_sessions(user) if item.id == session_id), None)
    if record is None:
        return False
    _end(user, [record])
    audit.record(
        "auth.session_ended",
        organisation_id=user.organisation_id,
        actor=user,
        target=user,
        detail={"device": record.device},
    )
    db.session.flush()
    return True


@dataclass(frozen=True)
class Ended:
    """What ending the sessions stopped: ``sessions`` open ones, and ``also``, the codes of what
    worked without a session and stopped with them (``"calendar_feed"``)."""

    sessions: int
    also: frozenset[str] = frozenset()


def end_all(user: User, *, keep: UserSession | None = None) -> Ended:
    """End every open session of ``user`` but ``keep``. The caller audits why (a password change,
    a reset, a deactivation, an administrator).

    Whoever had the person's device or password may also have copied what works without a
    session (the calendar feed's address): ``signed_out_everywhere`` stops that too, even when no
    session was open, and its receivers say what they stopped."""
    ending = [item for item in open_sessions(user) if keep is None or item.id != keep.id]
    _end(user, ending)
    stopped = events.signed_out_everywhere.send(user)
    return Ended(len(ending), frozenset(code for _receiver, code in stopped if code))


def end_others(user: User) -> Ended:
    """ "Sign out everywhere else": every session of the user but this request's."""
    ended = end_all(user, keep=user.session_record)
    audit.record(
        "auth.other_sessions_ended",
        organisation_id=user.organisation_id,
        actor=user,
        target=user,
        detail={"sessions": ended.sessions},
    )
    return ended


def end_all_by_admin(actor: User, user: User) -> int:
    """An administrator ends every session of a person (a lost phone)."""
    ended = end_all(user).sessions
    audit.record(
        "user.sessions_ended",
        organisation_id=user.organisation_id,
        actor=actor,
        target=user,
        detail={"sessions": ended},
    )
    db.session.flush()
    return ended
