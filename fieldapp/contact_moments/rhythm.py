"""The contact rhythm: when a client has gone too long without a contact.

What counts as a contact: a ``ContactMoment`` in which the client was reached, and a visit
marked done (counted from the ``visit`` table here; marking a visit done makes no contact row,
so nothing is counted twice). A call that did not reach the client is recorded and shown, but does
not reset the rhythm. Without any contact, the rhythm runs from the open trajectory's start.

The rhythm of a client is their counsellor's choice for them (``ClientContactRhythm``) or else
the organisation's for the phase of the open trajectory (``fieldapp.method.rhythm``). A client
without an open trajectory, or whose phase has no rhythm, has no such moment. The moment is the
day after the last contact plus the rhythm's days; the agenda (``fieldapp/reminders/agenda.py``)
keeps it as a reminder row, so a new contact moves it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, and_, bindparam, func, select

from fieldapp.audit import services as audit
from fieldapp.auth.models import User
from fieldapp.clients.models import Client
from fieldapp.common import events
from fieldapp.common.dates import add_days, local_date
from fieldapp.common.rules import RuleBroken
from fieldapp.contact_moments.models import ClientContactRhythm, ContactMoment
from fieldapp.extensions import db
from fieldapp.method import rhythm as organisation_rhythm
from fieldapp.trajectories.models import Trajectory
from fieldapp.visits.models import Visit, VisitStatus


@dataclass(frozen=True)
class DueContact:
    client_id: int
    counsellor_id: int
    since: date  # the last contact that counts, or the open trajectory's start
    days: int

    @property
    def moment(self) -> date:
        """The first day without a contact for longer than the rhythm."""
        return add_days(self.since, self.days + 1)


def last_contacts(client_ids: Iterable[int]) -> dict[int, date]:
    """The day of each client's last contact that counts (reached, or a done visit); two
    queries whatever the number of clients."""
    ids = list(client_ids)
    last: dict[int, date] = {}
    if not ids:
        return last
    for statement in _last_contacts():
        for client_id, moment in db.session.execute(statement, {"ids": ids}):
            if moment is None:
                continue
            day = local_date(_aware(moment))
            if client_id not in last or day > last[client_id]:
                last[client_id] = day
    return last


def _aware(moment: datetime) -> datetime:
    """``max()`` over a UTC column comes back naive (the column type is not applied): it is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def due_contacts(organisation_id: int, client_ids: Iterable[int]) -> Iterator[DueContact]:
    """For each of these clients with a rhythm, when a contact is due (a fixed number of
    queries, whatever the number of clients)."""
    ids = sorted(set(client_ids))
    if not ids:
        return
    per_phase = organisation_rhythm.of_organisation(organisation_id)
    rows = db.session.execute(_open_trajectories(), {"ids": ids}).all()
    own = dict(db.session.execute(_own_rhythms(), {"ids": ids}).all())
    last = last_contacts(row[0] for row in rows)
    for client_id, counsellor_id, phase, started_on in rows:
        days = own.get(client_id) or per_phase.get(phase)
        if not days:
            continue
        base = last.get(client_id)
        if base is None or base < started_on:
            base = started_on
        yield DueContact(client_id, counsellor_id, base, days)


# The statements of the agenda's planning, built once: every commit that touches a file runs them.


def _ids() -> Any:
    return bindparam("ids", expanding=True)


@cache
def _last_contacts() -> tuple[Select, Select]:
    """Per client of ``ids``, the last reached contact moment, and the last done visit."""
    reached = (
        select(ContactMoment.client_id, func.max(ContactMoment.happened_at))
        .where(ContactMoment.client_id.in_(_ids()), ContactMoment.reached.is_(True))
        .group_by(ContactMoment.client_id)
    )
    visited = (
        select(Visit.client_id, func.max(Visit.starts_at))
        .where(Visit.client_id.in_(_ids()), Visit.status == VisitStatus.DONE.value)
        .group_by(Visit.client_id)
    )
    return reached, visited


@cache
def _open_trajectories() -> Select:
    """The open trajectory's phase and start of each client of ``ids`` not anonymised."""
    return (
        select(Client.id, Client.counsellor_id, Trajectory.phase, Trajectory.started_on)
        .join(Trajectory, and_(Trajectory.client_id == Client.id, Trajectory.ended_on.is_(None)))
        .where(Client.id.in_(_ids()), Client.anonymised_at.is_(None))
    )


@cache
def _own_rhythms() -> Select:
    return select(ClientContactRhythm.client_id, ClientContactRhythm.days).where(
        ClientContactRhythm.client_id.in_(_ids())
    )


def rhythm_of(client: Client) -> tuple[int | None, int | None]:
    """The client's own rhythm (None: the organisation's), and the one that applies."""
    own = db.session.scalar(
        select(ClientContactRhythm.days).where(ClientContactRhythm.client_id == client.id)
    )
    phase = db.session.scalar(
        select(Trajectory.phase).where(
            Trajectory.client_id == client.id, Trajectory.ended_on.is_(None)
        )
    )
    per_phase = organisation_rhythm.of_organisation(client.organisation_id)
    return own, own or (per_phase.get(phase) if phase else None)


def set_rhythm(actor: User, client: Client, days: int | None) -> None:
    """Give one client their own rhythm in days, or (None) follow the organisation's again."""
    if client.anonymised_at is not None:
        raise RuleBroken(_("This file is anonymised."))
    low, high = organisation_rhythm.MIN_DAYS, organisation_rhythm.MAX_DAYS
    if days is not None and not low <= days <= high:
        raise RuleBroken(
            _(
                "Use a whole number of days from %(low)d to %(high)d, or leave it empty.",
                low=low,
                high=high,
            ),
            "days",
        )
    row = db.session.scalars(
        select(ClientContactRhythm).where(ClientContactRhythm.client_id == client.id)
    ).first()
    if days is None:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(
            ClientContactRhythm(
                organisation_id=client.organisation_id,
                client_id=client.id,
                days=days,
                set_by_id=actor.id,
            )
        )
    else:
        row.days, row.set_by_id = days, actor.id
    audit.record(
        "contact.rhythm_set",
        organisation_id=client.organisation_id,
        actor=actor,
        target=client,
        detail={"days": days},
    )
    db.session.flush()
    events.client_file_changed.send(client)
