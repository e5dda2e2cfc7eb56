"""Notices: something a person must be told now, not a moment planned from the rules.

A capability that learns something a counsellor must hear at once (a floor supervisor reported an
absence or an incident at their link) calls :func:`tell` in the transaction of what happened. The
notice is a reminder row due now, so it goes out the dispatcher's usual way (push to each device,
else e-mail or the app, at least once, one notification per tag) on its next pass. Its scope is
not the file's planning scope, so planning the file never cancels it; it belongs to the file all
the same (``client_id``, and :func:`fieldapp.reminders.agenda.client_of`).

An ordinary notice waits for the end of the person's quiet hours and joins their digest like any
reminder; an ``urgent`` one passes both (the dispatcher claims it whatever the hour). A caller
asks :func:`urgent_unread` first: while one urgent notice about a subject is unread, the next is
told the ordinary way, so that nobody can wake a counsellor again and again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from fieldapp.auth.models import User
from fieldapp.clients.models import Client
from fieldapp.common import events
from fieldapp.common.dates import today
from fieldapp.common.time import now_utc
from fieldapp.extensions import db
from fieldapp.reminders.agenda import NOTICE_AREA, insert_new
from fieldapp.reminders.models import Reminder

SUPERVISOR = "supervisor"  # a floor supervisor reported something at their link
SUPERVISOR_URGENT = "supervisor-urgent"  # ... and marked it urgent
KINDS = frozenset({SUPERVISOR, SUPERVISOR_URGENT})


def notice_scope(client_id: int) -> str:
    return f"{NOTICE_AREA}:{client_id}"


def tell(
    *,
    organisation_id: int,
    user_id: int,
    client_id: int,
    kind: str,
    subject_id: int,
    about: str,
    urgent: bool = False,
) -> None:
    """Tell ``user_id`` now about ``subject_id`` (what the notice's page opens); ``about``
    names what happened uniquely (say ``report:12``): telling twice makes one notice."""
    if kind not in KINDS:
        raise ValueError(f"unknown notice kind {kind!r}")
    day = today()
    insert_new(
        [
            {
                "organisation_id": organisation_id,
                "key": f"{kind}:{about}"[:80],
                "kind": kind,
                "scope": notice_scope(client_id),
                "subject_id": subject_id,
                "client_id": client_id,
                "user_id": user_id,
                "moment": day,
                "event_on": day,
                "next_attempt_at": now_utc(),
                "urgent": urgent,
            }
        ]
    )


def urgent_unread(user_id: int, subject_id: int) -> bool:
    """Whether an urgent notice about ``subject_id`` waits for ``user_id`` to read it: a further
    one need not wake them again (whoever holds a link could otherwise push all night)."""
    return (
        db.session.scalars(
            select(Reminder.id).where(
                Reminder.user_id == user_id,
                Reminder.kind.in_(KINDS),
                Reminder.subject_id == subject_id,
                Reminder.urgent.is_(True),
                Reminder.done_at.is_(None),
            )
        ).first()
        is not None
    )


def mark_read(user_id: int, subject_id: int) -> None:
    """``user_id`` opened the page of ``subject_id``: its notices are done (one not pushed yet
    is no longer pushed). The caller commits."""
    db.session.execute(
        update(Reminder)
        .where(
            Reminder.user_id == user_id,
            Reminder.kind.in_(KINDS),
            Reminder.subject_id == subject_id,
            Reminder.done_at.is_(None),
        )
        .values(done_at=now_utc())
        .execution_options(synchronize_session=False)
    )


def _follow_the_hand_over(client: Client, *, previous: User, to: User, **_: Any) -> None:
    """A notice about the file not read yet goes to the counsellor who takes the file over: the
    previous one may no longer open it (their notifications kept naming the client), the new one
    must hear what the floor supervisor said. One already pushed is not pushed again."""
    db.session.execute(
        update(Reminder)
        .where(
            Reminder.scope == notice_scope(client.id),
            Reminder.user_id == previous.id,
            Reminder.done_at.is_(None),
        )
        .values(user_id=to.id)
        .execution_options(synchronize_session=False)
    )


def subscribe() -> None:
    """Listen to the hand-overs of files (``fieldapp.common.events``)."""
    events.client_handed_over.connect(_follow_the_hand_over)
