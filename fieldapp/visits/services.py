"""Planning visits and the agenda; the calendar feed lives in ``calendar.py``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Row, Select, and_, bindparam, select, update
from sqlalchemy.orm import joinedload

from fieldapp.audit import services as audit
from fieldapp.auth.models import User
from fieldapp.clients import timeline
from fieldapp.clients.models import Client
from fieldapp.common import events
from fieldapp.common.dates import local_date
from fieldapp.common.rules import RuleBroken
from fieldapp.common.tenancy import of_tenant, tenant_rows
from fieldapp.common.time import local_zone, now_utc
from fieldapp.extensions import db
from fieldapp.trajectories.services import open_trajectory
from fieldapp.visits.models import FollowUp, Visit, VisitStatus
from fieldapp.worksites.models import Worksite


@dataclass(frozen=True)
class VisitPlan:
    day: date
    at: time
    minutes: int
    purpose: str


def local_datetime(day: date, at: time) -> datetime:
    """A wall-clock moment in the organisation's zone, as an aware UTC datetime."""
    return datetime.combine(day, at, tzinfo=local_zone()).astimezone(UTC)


def _check(plan: VisitPlan) -> None:
    if not 5 <= plan.minutes <= 480:
        raise RuleBroken(_("A visit lasts between 5 minutes and 8 hours."), field="minutes")


def _follow_the_hand_over(client: Client, *, previous: User, to: User, **_: Any) -> None:
    """The client's planned visits and the previous counsellor's open agreed actions go to the
    counsellor who takes the file over: on their agenda, home screen, phone and calendar feed
    now, and off those of the previous one, who may no longer open the file (their home screen
    named the client, and their phone kept the visit's page). Done and cancelled visits stay with
    who made them; a moved visit keeps its ``updated_at``, so that a floor supervisor's
    confirmation of its moment stands."""
    db.session.execute(
        update(Visit)
        .where(
            Visit.client_id == client.id,
            Visit.counsellor_id == previous.id,
            Visit.status == VisitStatus.PLANNED.value,
        )
        .values(counsellor_id=to.id, updated_at=Visit.updated_at)
    )
    _move_follow_ups(client, previous, to)


def _move_follow_ups(client: Client, previous: User, to: User) -> None:
    db.session.execute(
        update(FollowUp)
        .where(
            FollowUp.client_id == client.id,
            FollowUp.owner_id == previous.id,
            FollowUp.done_at.is_(None),
        )
        .values(owner_id=to.id)
    )


def _follow_the_unsharing(client: Client, *, user: User, to: User, **_: Any) -> None:
    """A colleague whose share of the file was removed may no longer open it: their open agreed
    actions go to the client's counsellor, as at a hand-over (their home screen kept naming the
    client, and what was agreed with the client would be dropped). Done ones stay theirs."""
    _move_follow_ups(client, user, to)


def subscribe() -> None:
    """Listen to the hand-overs and unsharings of files (``fieldapp.common.events``)."""
    events.client_handed_over.connect(_follow_the_hand_over)
    events.client_unshared.connect(_follow_the_unsharing)


def plan(actor: User, client: Client, details: VisitPlan) -> Visit:
    """Plan a visit at the client's current worksite (if any), for the client's counsellor."""
    if client.anonymised_at is not None:
        raise RuleBroken(_("This file is anonymised."))
    _check(details)
    trajectory = open_trajectory(client)
    visit = Visit(
        organisation_id=client.organisation_id,
        client_id=client.id,
        counsellor_id=client.counsellor_id,
        worksite_id=trajectory.worksite_id if trajectory else None,
        starts_at=local_datetime(details.day, details.at),
        minutes=details.minutes,
        purpose=details.purpose.strip(),
    )
    db.session.add(visit)
    db.session.flush()
    timeline.add(client, "visit_planned", actor, on=details.day.isoformat())
    audit.record("visit.planned", organisation_id=client.organisation_id, actor=actor, target=visit)
    events.client_file_changed.send(client)
    return visit


def own_clients(user: User) -> list[Client]:
    """The clients ``user`` is the counsellor of (whose visits they plan), by name."""
    return list(
        db.session.scalars(
            select(Client)
            .where(Client.counsellor_id == user.id, Client.anonymised_at.is_(None))
            .order_by(Client.last_name, Client.first_name, Client.id)
        )
    )


def move(actor: User, visit: Visit, details: VisitPlan) -> None:
    if not visit.is_planned:
        raise RuleBroken(_("Only a planned visit can be moved."))
    _check(details)
    visit.starts_at = local_datetime(details.day, details.at)
    visit.minutes = details.minutes
    visit.purpose = details.purpose.strip()
    audit.record("visit.moved", organisation_id=visit.organisation_id, actor=actor, target=visit)
    db.session.flush()
    events.client_file_changed.send(visit.client)


def set_status(actor: User, visit: Visit, status: VisitStatus) -> None:
    """Mark a planned visit done or cancelled."""
    if not visit.is_planned:
        raise RuleBroken(_("This visit is no longer planned."))
    visit.status = status.value
    kind = "visit_done" if status is VisitStatus.DONE else "visit_cancelled"
    timeline.add(visit.client, kind, actor, on=local_date(visit.starts_at).isoformat())
    audit.record(
        f"visit.{status.value}", organisation_id=visit.organisation_id, actor=actor, target=visit
    )
    db.session.flush()
    events.client_file_changed.send(visit.client)


@cache
def _visits_between() -> Select:
    """A counsellor's visits from ``start`` until ``end``, not cancelled, built once (the home
    screen reads its day's visits as columns, see :func:`visits_of_day`)."""
    return (
        select(Visit)
        .options(joinedload(Visit.client), joinedload(Visit.worksite))
        .where(
            Visit.counsellor_id == bindparam("counsellor_id"),
            Visit.status != VisitStatus.CANCELLED.value,
        )
        .where(Visit.starts_at >= bindparam("start"), Visit.starts_at < bindparam("end"))
        .order_by(Visit.starts_at)
    )


def agenda(user: User, first_day: date, days: int) -> dict[date, list[Visit]]:
    """``user``'s planned and done visits from ``first_day`` on, per local day."""
    start = local_datetime(first_day, time.min)
    end = local_datetime(first_day + timedelta(days=days), time.min)
    visits = db.session.scalars(
        _visits_between(), {"counsellor_id": user.id, "start": start, "end": end}
    )
    grouped: dict[date, list[Visit]] = {first_day + timedelta(days=n): [] for n in range(days)}
    for visit in visits:
        grouped[local_date(visit.starts_at)].append(visit)
    return grouped


def visits_of_day(user: User, day: date) -> Sequence[Row[Any]]:
    """As :func:`agenda` for one day, only what the home screen shows of each visit: its
    ``id``, ``starts_at``, ``client_name``, ``worksite_id`` and ``worksite_name`` (see
    ``tenancy.tenant_rows``)."""
    start = local_datetime(day, time.min)
    end = local_datetime(day + timedelta(days=1), time.min)
    values = {"counsellor_id": user.id, "start": start, "end": end}
    return tenant_rows(_of_day(), user.organisation_id, values)


@cache
def _of_day() -> Select:
    return (
        select(
            Visit.id,
            Visit.starts_at,
            Client.full_name.label("client_name"),
            Worksite.id.label("worksite_id"),
            Worksite.name.label("worksite_name"),
        )
        .join(Client, Client.id == Visit.client_id)
        .outerjoin(Worksite, and_(Worksite.id == Visit.worksite_id, of_tenant(Worksite)))
        .where(
            Visit.counsellor_id == bindparam("counsellor_id"),
            Visit.status != VisitStatus.CANCELLED.value,
            Visit.starts_at >= bindparam("start"),
            Visit.starts_at < bindparam("end"),
            of_tenant(Visit),
            of_tenant(Client),
        )
        .order_by(Visit.starts_at)
    )


def of_client(client: Client) -> list[Visit]:
    since = now_utc() - timedelta(days=1)
    return list(db.session.scalars(_of_client(), {"client_id": client.id, "since": since}))


def planned_on_file(client: Client) -> Sequence[Row[Any]]:
    """As :func:`of_client`, only each visit's ``id`` and ``starts_at``, which the client's file
    shows (see ``tenancy.tenant_rows``)."""
    since = now_utc() - timedelta(days=1)
    values = {"client_id": client.id, "since": since}
    return tenant_rows(_planned_on_file(), client.organisation_id, values)


@cache
def _planned_on_file() -> Select:
    return (
        select(Visit.id, Visit.starts_at)
        .where(
            Visit.client_id == bindparam("client_id"),
            Visit.starts_at >= bindparam("since"),
            Visit.status == VisitStatus.PLANNED.value,
            of_tenant(Visit),
        )
        .order_by(Visit.starts_at)
        .limit(5)
    )


@cache
def _of_client() -> Select:
    """The client's next planned visits (from yesterday on), built once for the client's page."""
    return (
        select(Visit)
        .where(Visit.client_id == bindparam("client_id"), Visit.starts_at >= bindparam("since"))
        .where(Visit.status == VisitStatus.PLANNED.value)
        .order_by(Visit.starts_at)
        .limit(5)
    )
