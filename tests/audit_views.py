"""What an opening of a client's file leaves in the audit log: for the tests of every page that
shows the file (the file itself, the hand-over summary and its PDF)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from fieldapp.audit.models import AuditEvent
from tests.clock import frozen_moment
from tests.factories import World

USER_AGENT = "Telefoon/1.0"


def views_of(db: Any, client_id: int) -> list[tuple[Any, ...]]:
    """Each ``client.viewed`` row of the client, as the columns that say who, from where, when."""
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "client.viewed", AuditEvent.target_id == client_id)
        .order_by(AuditEvent.id)
    )
    return [
        (e.organisation_id, e.actor_id, e.target_type, e.ip, e.user_agent, e.at, e.detail)
        for e in events
    ]


def a_view_by_the_counsellor(world: World) -> tuple[Any, ...]:
    """The row of one opening by the world's counsellor, from the test client with
    ``USER_AGENT``, at the tests' moment."""
    return (
        world.organisation.id,
        world.counsellor.id,
        "client",
        "127.0.0.1",
        USER_AGENT,
        frozen_moment(),
        {},
    )
