"""Figures for team leads, per counsellor of the team: overdue evaluations, clients past their
contact rhythm, contacts and visits per month, and 360° response rates; each figure opens the
clients behind it (``clients_behind``).

Everything is counted in a fixed number of queries, whatever the number of counsellors or clients:
one per figure, grouped by counsellor (monthly figures as one conditional sum per month).
Contacts count for who recorded them, done visits for the visit's counsellor, the other figures for
the client's counsellor. Months are the organisation's calendar months; the period of the response
rates is the months shown (rounds started in it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, and_, case, distinct, func, select

from fieldapp.auth.models import User
from fieldapp.clients.access import visible_clause
from fieldapp.clients.models import Client
from fieldapp.common.dates import add_months, today
from fieldapp.common.time import local_zone
from fieldapp.contact_moments.models import ContactMoment
from fieldapp.extensions import db
from fieldapp.feedback.models import FeedbackResponse, FeedbackRound, Invitation
from fieldapp.reminders import agenda
from fieldapp.reminders.models import Reminder
from fieldapp.trajectories.models import Evaluation, Trajectory
from fieldapp.visits.models import Visit, VisitStatus

MONTHS = 3


class Figure(StrEnum):
    EVALUATIONS = "evaluations"
    RHYTHM = "rhythm"
    CONTACTS = "contacts"
    VISITS = "visits"
    RESPONSES = "responses"


@dataclass
class CounsellorFigures:
    counsellor: User
    overdue_evaluations: int = 0
    past_rhythm: int = 0
    contacts: list[int] = field(default_factory=list)  # per month, oldest first
    visits: list[int] = field(default_factory=list)
    invitations: int = 0
    responses: int = 0

    @property
    def response_rate(self) -> float | None:
        return self.responses / self.invitations if self.invitations else None


@dataclass(frozen=True)
class TeamFigures:
    months: list[date]  # the first day of each month shown, oldest first
    rows: list[CounsellorFigures]


def months_until(day: date, count: int = MONTHS) -> list[date]:
    first = day.replace(day=1)
    return [add_months(first, -n) for n in range(count - 1, -1, -1)]


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=local_zone()).astimezone(UTC)


def _bounds(months: Sequence[date]) -> list[tuple[datetime, datetime]]:
    return [(_start(month), _start(add_months(month, 1))) for month in months]


def counsellors_of(team_id: int | None) -> list[User]:
    """Active people of a team (of the organisation when ``team_id`` is None), by name."""
    statement = select(User).where(User.active.is_(True)).order_by(User.name, User.id)
    if team_id is not None:
        statement = statement.where(User.team_id == team_id)
    return list(db.session.scalars(statement))


def _overdue_evaluations(day: date) -> list[ColumnElement[bool]]:
    return [
        Evaluation.done_on.is_(None),
        Evaluation.due_on < day,
        Trajectory.ended_on.is_(None),
        Client.anonymised_at.is_(None),
    ]


def _past_rhythm(day: date) -> list[ColumnElement[bool]]:
    return [
        Reminder.kind == agenda.CONTACT,
        agenda.is_open(),
        Reminder.moment <= day,
        Client.anonymised_at.is_(None),
    ]


def team_figures(team_id: int | None, day: date | None = None) -> TeamFigures:
    day = day or today()
    months = months_until(day)
    people = counsellors_of(team_id)
    rows = {person.id: CounsellorFigures(person) for person in people}
    ids = list(rows)
    if not ids:
        return TeamFigures(months, [])
    bounds = _bounds(months)
    for counsellor_id, count in db.session.execute(
        select(Client.counsellor_id, func.count(distinct(Evaluation.id)))
        .join(Trajectory, Trajectory.id == Evaluation.trajectory_id)
        .join(Client, Client.id == Trajectory.client_id)
        .where(Client.counsellor_id.in_(ids), *_overdue_evaluations(day))
        .group_by(Client.counsellor_id)
    ):
        rows[counsellor_id].overdue_evaluations = count
    for counsellor_id, count in db.session.execute(
        select(Client.counsellor_id, func.count(distinct(Client.id)))
        .join(Reminder, Reminder.client_id == Client.id)
        .where(Client.counsellor_id.in_(ids), *_past_rhythm(day))
        .group_by(Client.counsellor_id)
    ):
        rows[counsellor_id].past_rhythm = count
    for attribute, who, moment, extra in (
        ("contacts", ContactMoment.recorded_by_id, ContactMoment.happened_at, ()),
        ("visits", Visit.counsellor_id, Visit.starts_at, (Visit.status == VisitStatus.DONE,)),
    ):
        per_month = [func.sum(case((and_(moment >= a, moment < b), 1), else_=0)) for a, b in bounds]
        statement = (
            select(who, *per_month)
            .where(who.in_(ids), moment >= bounds[0][0], moment < bounds[-1][1], *extra)
            .group_by(who)
        )
        for counsellor_id, *counts in db.session.execute(statement):
            setattr(rows[counsellor_id], attribute, [int(n or 0) for n in counts])
    for row in rows.values():
        row.contacts = row.contacts or [0] * len(months)
        row.visits = row.visits or [0] * len(months)
    answered = (
        select(FeedbackResponse.round_id, func.count(FeedbackResponse.id).label("n"))
        .group_by(FeedbackResponse.round_id)
        .subquery()
    )
    invited = (
        select(Invitation.round_id, func.count(Invitation.id).label("n"))
        .group_by(Invitation.round_id)
        .subquery()
    )
    for counsellor_id, invitations, responses in db.session.execute(
        select(
            Client.counsellor_id,
            func.coalesce(func.sum(invited.c.n), 0),
            func.coalesce(func.sum(answered.c.n), 0),
        )
        .select_from(FeedbackRound)
        .join(Client, Client.id == FeedbackRound.client_id)
        .outerjoin(invited, invited.c.round_id == FeedbackRound.id)
        .outerjoin(answered, answered.c.round_id == FeedbackRound.id)
        .where(Client.counsellor_id.in_(ids), *_in_period(bounds))
        .group_by(Client.counsellor_id)
    ):
        rows[counsellor_id].invitations = int(invitations)
        rows[counsellor_id].responses = int(responses)
    return TeamFigures(months, [rows[person.id] for person in people])


def _in_period(bounds: list[tuple[datetime, datetime]]) -> list[ColumnElement[bool]]:
    return [FeedbackRound.created_at >= bounds[0][0], FeedbackRound.created_at < bounds[-1][1]]


@dataclass(frozen=True)
class ClientBehind:
    client: Client
    count: int
    detail: str = ""


def clients_behind(
    viewer: User, figure: Figure, counsellor: User, month: date | None, day: date | None = None
) -> list[ClientBehind]:
    """The clients behind one figure of one counsellor (``month``: for the monthly figures, the
    first day of the month; the period's months otherwise), by name; one query. Only files the
    ``viewer`` may open are named: a counsellor's contacts and visits may concern a file shared
    with them from another team or handed over to one since."""
    day = day or today()
    months = [month] if month else months_until(day)
    (start, _), (_, end) = _bounds(months)[0], _bounds(months)[-1]
    count: Any
    if figure is Figure.EVALUATIONS:
        count = func.count(distinct(Evaluation.id))
        statement = (
            select(Client, count, func.min(Evaluation.due_on))
            .join(Trajectory, Trajectory.client_id == Client.id)
            .join(Evaluation, Evaluation.trajectory_id == Trajectory.id)
            .where(Client.counsellor_id == counsellor.id, *_overdue_evaluations(day))
        )
    elif figure is Figure.RHYTHM:
        statement = (
            select(Client, func.count(distinct(Reminder.id)), func.min(Reminder.moment))
            .join(Reminder, Reminder.client_id == Client.id)
            .where(Client.counsellor_id == counsellor.id, *_past_rhythm(day))
        )
    elif figure is Figure.CONTACTS:
        statement = (
            select(Client, func.count(ContactMoment.id), func.max(ContactMoment.happened_at))
            .join(ContactMoment, ContactMoment.client_id == Client.id)
            .where(
                ContactMoment.recorded_by_id == counsellor.id,
                ContactMoment.happened_at >= start,
                ContactMoment.happened_at < end,
            )
        )
    elif figure is Figure.VISITS:
        statement = (
            select(Client, func.count(Visit.id), func.max(Visit.starts_at))
            .join(Visit, Visit.client_id == Client.id)
            .where(
                Visit.counsellor_id == counsellor.id,
                Visit.status == VisitStatus.DONE,
                Visit.starts_at >= start,
                Visit.starts_at < end,
            )
        )
    else:
        answered = (
            select(FeedbackResponse.round_id, func.count(FeedbackResponse.id).label("n"))
            .group_by(FeedbackResponse.round_id)
            .subquery()
        )
        invited = (
            select(Invitation.round_id, func.count(Invitation.id).label("n"))
            .group_by(Invitation.round_id)
            .subquery()
        )
        statement = (
            select(
                Client,
                func.coalesce(func.sum(answered.c.n), 0),
                func.coalesce(func.sum(invited.c.n), 0),
            )
            .join(FeedbackRound, FeedbackRound.client_id == Client.id)
            .outerjoin(invited, invited.c.round_id == FeedbackRound.id)
            .outerjoin(answered, answered.c.round_id == FeedbackRound.id)
            .where(Client.counsellor_id == counsellor.id, *_in_period(_bounds(months)))
        )
    rows = db.session.execute(
        statement.where(visible_clause(viewer))
        .group_by(Client.id)
        .order_by(Client.last_name, Client.first_name, Client.id)
    )
    return [ClientBehind(client, int(n), _detail(extra)) for client, n, extra in rows]


def _detail(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    return str(value) if value is not None else ""
