"""Unplanned visits: a counsellor drops in on a worksite, often without signal, and writes a note.

The phone keeps the page of the counsellor's own clients (``caseload_of``: name, worksite, open
goals and agreed actions, never the sensitive part) and, for any of them, keeps a note with three
UUIDs it made: the visit's, the note's and the revision's. When it syncs, ``record`` makes the visit
once (found again by ``visit_uuid``) and stores the note on it once (``notes.store``, by
``revision_uuid``). A second send, or a retry after a lost answer, finds both and changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from fieldapp.audit import services as audit
from fieldapp.auth.models import User
from fieldapp.clients import timeline
from fieldapp.clients.models import Client
from fieldapp.common import events
from fieldapp.common.dates import local_date
from fieldapp.common.json_forms import UUIDText
from fieldapp.common.rules import RuleBroken
from fieldapp.common.time import now_utc
from fieldapp.development_plan.models import Goal, GoalStatus
from fieldapp.extensions import db
from fieldapp.trajectories.models import Trajectory
from fieldapp.trajectories.services import open_trajectory
from fieldapp.visits import notes
from fieldapp.visits.models import FollowUp, NoteRevision, Visit, VisitStatus
from fieldapp.visits.services import own_clients

MINUTES = 60  # what an unplanned visit is taken to have lasted; the note says what matters


class UnplannedInput(notes.RevisionInput):
    """A note revision as the phone sends it for an unplanned visit, with the visit's UUID."""

    visit_uuid = UUIDText(message=_l("This visit has no valid identifier."))


@dataclass(frozen=True)
class IncomingVisit:
    visit_uuid: str
    note: notes.IncomingRevision


def parse(payload: Any, allowed: Collection[str] = notes.OBSERVATIONS) -> IncomingVisit:
    """Check what the phone sent; every refusal says why (the phone shows it)."""
    form = UnplannedInput.read(payload, allowed=allowed)
    return IncomingVisit(form.visit_uuid.data, notes.revision_of(form))


def _by_uuid(visit_uuid: str) -> Visit | None:
    return db.session.scalars(select(Visit).where(Visit.visit_uuid == visit_uuid)).first()


def _make(actor: User, client: Client, incoming: IncomingVisit) -> Visit | None:
    """The new visit, done at the moment the note was written; None if a twin request made it."""
    trajectory = open_trajectory(client)
    moment: datetime = incoming.note.written_at or now_utc()
    visit = Visit(
        organisation_id=client.organisation_id,
        client_id=client.id,
        counsellor_id=actor.id,
        worksite_id=trajectory.worksite_id if trajectory else None,
        starts_at=moment,
        minutes=MINUTES,
        status=VisitStatus.DONE.value,
        visit_uuid=incoming.visit_uuid,
    )
    try:
        db.session.add(visit)
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return None
    timeline.add(client, "visit_done", actor, on=local_date(moment).isoformat())
    audit.record("visit.done", organisation_id=client.organisation_id, actor=actor, target=visit)
    events.client_file_changed.send(client)
    return visit


def record(
    actor: User, client: Client, incoming: IncomingVisit
) -> tuple[Visit, NoteRevision, bool]:
    """Make the visit once and store the note on it once; returns both and whether anything was
    new. Commits (``notes.store`` does: idempotency needs it)."""
    if client.anonymised_at is not None:
        raise RuleBroken(_("This file is anonymised."))
    visit = _by_uuid(incoming.visit_uuid)
    made = False
    if visit is None:
        made_now = _make(actor, client, incoming)
        # A twin request (a second tab, the service worker next to the page) made it a moment
        # ago: take that one. Not found at all: the identifier is another organisation's.
        visit = made_now or _by_uuid(incoming.visit_uuid)
        made = made_now is not None
    if visit is None or visit.client_id != client.id:
        raise RuleBroken(_("This visit identifier is already used for another visit."))
    revision, stored = notes.store(actor, visit, incoming.note)
    return visit, revision, made or stored


def as_json(visit: Visit, revision: NoteRevision) -> dict[str, Any]:
    return notes.as_json(revision) | {"visit_uuid": visit.visit_uuid}


@dataclass(frozen=True)
class KeptClient:
    """What the phone keeps of one of the counsellor's clients for an unplanned visit."""

    client: Client
    worksite: str | None
    goals: list[Goal]
    actions: list[FollowUp]


def caseload_of(user: User) -> list[KeptClient]:
    """``user``'s own clients with their worksite, open goals and open agreed actions (four
    queries, whatever the caseload)."""
    clients = own_clients(user)
    ids = [client.id for client in clients]
    trajectories = {
        trajectory.client_id: trajectory
        for trajectory in db.session.scalars(
            select(Trajectory)
            .options(joinedload(Trajectory.worksite))
            .where(Trajectory.client_id.in_(ids), Trajectory.ended_on.is_(None))
        )
    }
    goals: dict[int, list[Goal]] = {}
    for goal in db.session.scalars(
        select(Goal)
        .where(Goal.client_id.in_(ids), Goal.status == GoalStatus.OPEN.value)
        .order_by(Goal.due_on.is_(None), Goal.due_on, Goal.id)
    ):
        goals.setdefault(goal.client_id, []).append(goal)
    actions: dict[int, list[FollowUp]] = {}
    for action in db.session.scalars(
        select(FollowUp)
        .where(FollowUp.client_id.in_(ids), FollowUp.done_at.is_(None))
        .order_by(FollowUp.due_on, FollowUp.id)
    ):
        actions.setdefault(action.client_id, []).append(action)
    kept = []
    for client in clients:
        trajectory = trajectories.get(client.id)
        worksite = trajectory.worksite.name if trajectory and trajectory.worksite else None
        kept.append(
            KeptClient(client, worksite, goals.get(client.id, []), actions.get(client.id, []))
        )
    return kept


def version_of(kept: list[KeptClient]) -> tuple[object, ...]:
    """Everything of ``kept`` that the page shows: its copy changes exactly when this does."""
    return tuple(
        (
            item.client.id,
            item.client.first_name,
            item.client.last_name,
            item.worksite,
            tuple(
                (g.id, g.text, g.actor, g.due_on, g.competence_key, g.status) for g in item.goals
            ),
            tuple((a.id, a.text, a.due_on) for a in item.actions),
        )
        for item in kept
    )
