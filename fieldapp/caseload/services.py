"""The caseload list: the files a user may open, filtered, each with the next thing due.

What is due comes from the agenda's rows (``fieldapp/reminders/agenda.py``), as on the home
screen and the bell. A page costs a fixed number of queries whatever the size of the
organisation: one for the clients with their open trajectory and worksite, and one for the
agenda rows of the clients on the page; "needs attention" is an indexed EXISTS on those rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, bindparam, exists, func, or_, select
from sqlalchemy.orm import aliased

from fieldapp.auth.models import User
from fieldapp.clients.access import visible_clause
from fieldapp.clients.models import Client
from fieldapp.clients.services import name_key
from fieldapp.common.paging import Page, paginate_rows
from fieldapp.extensions import db
from fieldapp.method.rules import RuleKind
from fieldapp.referrals.models import OPEN_STATUSES, Referral
from fieldapp.reminders import agenda, messages
from fieldapp.reminders.models import Reminder
from fieldapp.trajectories.models import Trajectory
from fieldapp.worksites.models import Worksite

LABELS: dict[str, Any] = {
    RuleKind.EVALUATION: _l("Evaluation"),
    RuleKind.CONTRACT_END: _l("Contract ends"),
    RuleKind.REFERRAL: _l("Referral follow-up"),
    RuleKind.CHECK_IN: _l("Mentor check-in"),
}


@dataclass(frozen=True)
class CaseloadFilter:
    query: str = ""
    scheme: str | None = None
    phase: int | None = None
    worksite_id: int | None = None
    counsellor_id: int | None = None
    attention: bool = False


@dataclass(frozen=True)
class Due:
    on: date
    label: str


@dataclass(frozen=True)
class ClientLine:
    """What a row shows of a client."""

    id: int
    full_name: str


@dataclass(frozen=True)
class TrajectoryLine:
    """What a row shows of the open trajectory."""

    scheme: str
    phase: int
    worksite_name: str | None


@dataclass(frozen=True)
class CaseloadRow:
    client: ClientLine
    trajectory: TrajectoryLine | None
    next_due: Due | None


_open_trajectory = aliased(Trajectory, name="open_trajectory")


@cache
def _listed() -> Select[Any]:
    """The columns a row shows, the open trajectory and its worksite joined, in name order.

    Made once: an aliased class builds its columns on first use, and building the joins again
    cost a third of the search."""
    return (
        select(
            Client.id,
            Client.full_name,
            _open_trajectory.id,
            _open_trajectory.scheme,
            _open_trajectory.phase,
            Worksite.name,
        )
        .outerjoin(
            _open_trajectory,
            and_(_open_trajectory.client_id == Client.id, _open_trajectory.ended_on.is_(None)),
        )
        .outerjoin(Worksite, Worksite.id == _open_trajectory.worksite_id)
        .where(Client.anonymised_at.is_(None))
        .order_by(Client.last_name, Client.first_name, Client.id)
    )


def search(
    user: User, filters: CaseloadFilter, today: date, page: int, per_page: int = 25
) -> Page[CaseloadRow]:
    """Only the columns a row shows: loading whole clients, trajectories and worksites cost as
    much as the rest of the page's queries."""
    statement = _listed().where(visible_clause(user))
    if filters.query:
        key = name_key(filters.query, "").replace("%", "").replace("_", "")
        statement = statement.where(
            or_(Client.name_key.like(f"{key}%"), Client.name_key.like(f"% {key}%"))
        )
    if filters.scheme:
        statement = statement.where(_open_trajectory.scheme == filters.scheme)
    if filters.phase:
        statement = statement.where(_open_trajectory.phase == filters.phase)
    if filters.worksite_id:
        statement = statement.where(_open_trajectory.worksite_id == filters.worksite_id)
    if filters.counsellor_id:
        statement = statement.where(Client.counsellor_id == filters.counsellor_id)
    if filters.attention:
        statement = statement.where(_attention_for(today))

    rows = paginate_rows(statement, page, per_page)
    due = next_due_for([row[0] for row in rows.items], today)
    items = [
        CaseloadRow(
            ClientLine(client_id, full_name),
            TrajectoryLine(scheme, phase, worksite) if trajectory_id is not None else None,
            due.get(client_id),
        )
        for client_id, full_name, trajectory_id, scheme, phase, worksite in rows.items
    ]
    return Page(items=items, number=rows.number, has_next=rows.has_next)


def _attention_for(today: date) -> Any:
    """Something of the file is due: an open row of the agenda whose moment has come (the day
    of an evaluation or a referral follow-up, a contract's first end reminder), as on the bell;
    or an open referral without a follow-up date, which the agenda cannot plan."""
    due = exists().where(
        Reminder.client_id == Client.id, agenda.is_open(), Reminder.moment <= today
    )
    undated_referral = exists().where(
        Referral.client_id == Client.id,
        Referral.status.in_(OPEN_STATUSES),
        Referral.follow_up_on.is_(None),
    )
    return or_(due, undated_referral)


@cache
def _open_moments() -> Select[Any]:
    """The earliest open row of the agenda of each of some files (made once, as ``_listed``).

    Ranked in the database: a file has a score of open rows (evaluations to come, contacts,
    check-ins), and reading them all to keep the first cost a page of the caseload more than its
    other queries together."""
    ranked = (
        select(
            Reminder.client_id,
            Reminder.kind,
            Reminder.event_on,
            func.row_number()
            .over(partition_by=Reminder.client_id, order_by=(Reminder.event_on, Reminder.id))
            .label("rank"),
        )
        .where(Reminder.client_id.in_(bindparam("client_ids", expanding=True)), agenda.is_open())
        .where(or_(Reminder.kind != RuleKind.CONTRACT_END, Reminder.moment <= bindparam("today")))
        .subquery()
    )
    return select(ranked.c.client_id, ranked.c.kind, ranked.c.event_on).where(ranked.c.rank == 1)


def next_due_for(client_ids: list[int], today: date) -> dict[int, Due]:
    """The earliest open moment of each file in the agenda; a contract's end counts from its
    first reminder on (one query)."""
    if not client_ids:
        return {}
    rows = db.session.execute(_open_moments(), {"client_ids": client_ids, "today": today})
    labels: dict[str, str] = {}  # translated once a kind
    due: dict[int, Due] = {}
    for client_id, kind, event_on in rows:
        if kind not in labels:
            labels[kind] = str(LABELS.get(kind) or messages.TITLES[kind])
        due[client_id] = Due(event_on, labels[kind])
    return due
