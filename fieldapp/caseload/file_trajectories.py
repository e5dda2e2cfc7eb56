"""What a client's file shows of its trajectories, read as rows in one query.

The file lists the open trajectory with its worksite, floor supervisor, working time,
evaluations and the state of the floor supervisor's link, and the earlier ones under it. Every
opening reads them, so they are columns of one statement built once (see
``tenancy.tenant_rows``), not records: loading trajectories with their worksite, supervisor and
evaluations through the ORM cost more than the query, and a record in the session makes each
later query's flush look at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import Row, Select, bindparam, select

from fieldapp.clients.models import Client
from fieldapp.common.tenancy import of_tenant, tenant_rows
from fieldapp.supervisor_link.models import SupervisorLink
from fieldapp.trajectories.models import Evaluation, RegimePeriod, Trajectory
from fieldapp.worksites.models import Contact, Worksite


@dataclass(frozen=True)
class ListedEvaluation:
    id: int
    months: int
    due_on: date
    done_on: date | None


@dataclass(frozen=True)
class ListedTrajectory:
    """A trajectory as the client's file shows it; its ``id`` and ``organisation_id`` are all
    that the services reading its goals, checklist answers and pulses need of it."""

    id: int
    organisation_id: int
    scheme: str
    phase: int
    started_on: date
    planned_end_on: date | None
    ended_on: date | None
    outcome: str | None
    worksite_id: int | None
    worksite_name: str | None
    supervisor_name: str | None
    # The hours a week on the day asked: of the regime periods started by then, the latest (of two
    # starting the same day, the one made last); None without one.
    hours_on: Decimal | None
    link_given: bool  # the floor supervisor has a link that is not revoked
    evaluations: tuple[ListedEvaluation, ...]  # by due date; read for the open trajectory only

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


def trajectories_of(client: Client, on: date) -> list[ListedTrajectory]:
    """The client's trajectories, newest first, with their hours a week on the day ``on``."""
    rows = tenant_rows(_trajectories(), client.organisation_id, {"client_id": client.id, "on": on})
    by_trajectory: dict[int, list[Row[Any]]] = {}  # in the rows' order: newest first
    for row in rows:  # one row for each evaluation of the open trajectory, one for any other
        by_trajectory.setdefault(row.id, []).append(row)
    return [_listed(its_rows) for its_rows in by_trajectory.values()]


def _listed(rows: list[Row[Any]]) -> ListedTrajectory:
    row = rows[0]
    return ListedTrajectory(
        id=row.id,
        organisation_id=row.organisation_id,
        scheme=row.scheme,
        phase=row.phase,
        started_on=row.started_on,
        planned_end_on=row.planned_end_on,
        ended_on=row.ended_on,
        outcome=row.outcome,
        worksite_id=row.worksite_id,
        worksite_name=row.worksite_name,
        supervisor_name=row.supervisor_name,
        hours_on=row.hours_on,
        link_given=row.link_id is not None and row.link_revoked_at is None,
        evaluations=tuple(
            ListedEvaluation(r.evaluation_id, r.months, r.due_on, r.done_on)
            for r in rows
            if r.evaluation_id is not None
        ),
    )


@cache
def _trajectories() -> Select:
    """Built once, with its tenant's criteria on every table it reads, the correlated subquery
    of the hours too."""
    hours = (
        select(RegimePeriod.hours_per_week)
        .where(
            RegimePeriod.trajectory_id == Trajectory.id,
            RegimePeriod.starts_on <= bindparam("on"),
            of_tenant(RegimePeriod),
            of_tenant(Trajectory),
        )
        .order_by(RegimePeriod.starts_on.desc(), RegimePeriod.id.desc())
        .limit(1)
        .correlate(Trajectory)
        .scalar_subquery()
    )
    return (
        select(
            Trajectory.id,
            Trajectory.organisation_id,
            Trajectory.scheme,
            Trajectory.phase,
            Trajectory.started_on,
            Trajectory.planned_end_on,
            Trajectory.ended_on,
            Trajectory.outcome,
            Worksite.id.label("worksite_id"),
            Worksite.name.label("worksite_name"),
            Contact.name.label("supervisor_name"),
            hours.label("hours_on"),
            SupervisorLink.id.label("link_id"),  # one link a trajectory at most (unique)
            SupervisorLink.revoked_at.label("link_revoked_at"),
            Evaluation.id.label("evaluation_id"),
            Evaluation.months,
            Evaluation.due_on,
            Evaluation.done_on,
        )
        .outerjoin(Worksite, (Worksite.id == Trajectory.worksite_id) & of_tenant(Worksite))
        .outerjoin(Contact, (Contact.id == Trajectory.supervisor_id) & of_tenant(Contact))
        .outerjoin(
            SupervisorLink,
            (SupervisorLink.trajectory_id == Trajectory.id) & of_tenant(SupervisorLink),
        )
        # The file shows the evaluations of the open trajectory: a long history adds no rows.
        .outerjoin(
            Evaluation,
            (Evaluation.trajectory_id == Trajectory.id)
            & Trajectory.ended_on.is_(None)
            & of_tenant(Evaluation),
        )
        .where(Trajectory.client_id == bindparam("client_id"), of_tenant(Trajectory))
        # Newest first; of two started the same day, the one made first (as the file always
        # listed them).
        .order_by(Trajectory.started_on.desc(), Trajectory.id, Evaluation.due_on, Evaluation.id)
    )
