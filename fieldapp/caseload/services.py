"""The caseload list: the files a user may open, filtered, each with the next thing due.

A page costs a fixed number of queries whatever the size of the organisation: one for the
clients with their open trajectory and worksite, and one each for the next evaluation, referral
follow-up and mentor check-in of the clients on the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased, contains_eager

from fieldapp.auth.models import User
from fieldapp.clients.access import visible_clause
from fieldapp.clients.models import Client
from fieldapp.clients.services import name_key
from fieldapp.common.paging import Page
from fieldapp.extensions import db
from fieldapp.mentorships.models import CheckIn, Mentorship
from fieldapp.referrals.models import OPEN_STATUSES, Referral
from fieldapp.trajectories.models import Evaluation, Trajectory
from fieldapp.worksites.models import Worksite

EVALUATION_SOON = timedelta(days=14)
CONTRACT_END_SOON = timedelta(days=92)


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
    label: Any


@dataclass(frozen=True)
class CaseloadRow:
    client: Client
    trajectory: Trajectory | None
    next_due: Due | None


def search(
    user: User, filters: CaseloadFilter, today: date, page: int, per_page: int = 25
) -> Page[CaseloadRow]:
    open_trajectory = aliased(Trajectory, name="open_trajectory")
    statement = (
        select(Client, open_trajectory)
        .outerjoin(
            open_trajectory,
            and_(open_trajectory.client_id == Client.id, open_trajectory.ended_on.is_(None)),
        )
        .outerjoin(Worksite, Worksite.id == open_trajectory.worksite_id)
        .options(contains_eager(open_trajectory.worksite))
        .where(visible_clause(user), Client.anonymised_at.is_(None))
        .order_by(Client.last_name, Client.first_name, Client.id)
    )
    if filters.query:
        key = name_key(filters.query, "").replace("%", "").replace("_", "")
        statement = statement.where(
            or_(Client.name_key.like(f"{key}%"), Client.name_key.like(f"% {key}%"))
        )
    if filters.scheme:
        statement = statement.where(open_trajectory.scheme == filters.scheme)
    if filters.phase:
        statement = statement.where(open_trajectory.phase == filters.phase)
    if filters.worksite_id:
        statement = statement.where(open_trajectory.worksite_id == filters.worksite_id)
    if filters.counsellor_id:
        statement = statement.where(Client.counsellor_id == filters.counsellor_id)
    if filters.attention:
        statement = statement.where(_attention_for(open_trajectory, today))

    number = max(1, page)
    rows = db.session.execute(statement.limit(per_page + 1).offset((number - 1) * per_page)).all()
    has_next = len(rows) > per_page
    rows = rows[:per_page]
    due = next_due_for([client for client, _ in rows], [t for _, t in rows if t], today)
    items = [CaseloadRow(client, trajectory, due.get(client.id)) for client, trajectory in rows]
    return Page(items=items, number=number, has_next=has_next)


def _attention_for(trajectory: Any, today: date) -> Any:
    evaluation_due = exists().where(
        Evaluation.trajectory_id == trajectory.id,
        Evaluation.done_on.is_(None),
        Evaluation.due_on <= today + EVALUATION_SOON,
    )
    referral_late = exists().where(
        Referral.client_id == Client.id,
        Referral.status.in_(OPEN_STATUSES),
        or_(Referral.follow_up_on.is_(None), Referral.follow_up_on < today),
    )
    ending = and_(
        trajectory.planned_end_on.is_not(None),
        trajectory.planned_end_on <= today + CONTRACT_END_SOON,
    )
    return or_(evaluation_due, ending, referral_late)


def next_due_for(
    clients: list[Client], trajectories: list[Trajectory], today: date
) -> dict[int, Due]:
    """The earliest open item per client: evaluation, contract end, referral follow-up, check-in."""
    candidates: dict[int, list[Due]] = {client.id: [] for client in clients}
    if not clients:
        return {}
    by_trajectory = {t.id: t.client_id for t in trajectories}
    if by_trajectory:
        evaluations = db.session.execute(
            select(Evaluation.trajectory_id, func.min(Evaluation.due_on))
            .where(Evaluation.trajectory_id.in_(by_trajectory), Evaluation.done_on.is_(None))
            .group_by(Evaluation.trajectory_id)
        )
        for trajectory_id, due_on in evaluations:
            candidates[by_trajectory[trajectory_id]].append(Due(due_on, _l("Evaluation")))
    for trajectory in trajectories:
        if trajectory.planned_end_on and trajectory.planned_end_on <= today + CONTRACT_END_SOON:
            candidates[trajectory.client_id].append(
                Due(trajectory.planned_end_on, _l("Contract ends"))
            )
    referrals = db.session.execute(
        select(Referral.client_id, func.min(Referral.follow_up_on))
        .where(Referral.client_id.in_(candidates), Referral.status.in_(OPEN_STATUSES))
        .where(Referral.follow_up_on.is_not(None))
        .group_by(Referral.client_id)
    )
    for client_id, follow_up_on in referrals:
        candidates[client_id].append(Due(follow_up_on, _l("Referral follow-up")))
    check_ins = db.session.execute(
        select(Mentorship.mentee_client_id, func.min(CheckIn.due_on))
        .join(CheckIn, CheckIn.mentorship_id == Mentorship.id)
        .where(Mentorship.mentee_client_id.in_(candidates), CheckIn.done_on.is_(None))
        .group_by(Mentorship.mentee_client_id)
    )
    for client_id, due_on in check_ins:
        candidates[client_id].append(Due(due_on, _l("Mentor check-in")))
    return {cid: min(dues, key=lambda d: d.on) for cid, dues in candidates.items() if dues}
