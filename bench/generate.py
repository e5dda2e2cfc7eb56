"""Synthetic organisations for the benchmarks, inserted in bulk.

``Size.LARGE`` is the one the caseload issue names: 200 counsellors, 5,000 clients, 8,000
trajectories, 20,000 referrals and 100,000 timeline events.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from fieldapp.audit.models import AuditEvent
from fieldapp.auth import services
from fieldapp.auth.models import User
from fieldapp.auth.roles import Role
from fieldapp.clients.models import Client, TimelineEvent
from fieldapp.common.dates import add_months
from fieldapp.extensions import db
from fieldapp.method import Scheme
from fieldapp.organisation.models import Organisation, Team
from fieldapp.referrals.models import Referral
from fieldapp.reminders import agenda
from fieldapp.trajectories.models import Evaluation, Trajectory
from fieldapp.worksites.models import Contact, Worksite, WorksiteKind

PASSWORD = "a benchmark sentence nobody guesses"
CHUNK = 5_000


@dataclass(frozen=True)
class Size:
    counsellors: int
    clients: int
    earlier_trajectories: int
    referrals: int
    timeline_events: int
    audit_events: int


SMALL = Size(
    counsellors=4,
    clients=40,
    earlier_trajectories=24,
    referrals=160,
    timeline_events=800,
    audit_events=50,
)
LARGE = Size(
    counsellors=200,
    clients=5_000,
    earlier_trajectories=3_000,
    referrals=20_000,
    timeline_events=100_000,
    audit_events=100_000,
)


def _bulk(model: type, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[start : start + CHUNK])


def populate(slug: str, size: Size, today: date) -> dict[str, int]:
    """Build one organisation; returns ids the benchmark signs in as and opens."""
    rng = random.Random(slug)
    organisation = services.create_organisation(f"OCMW {slug}", slug)
    org = organisation.id
    admin = services.create_user(
        organisation,
        email=f"admin@{slug}.example",
        name="Admin",
        role=Role.ADMIN,
        password=PASSWORD,
    )
    team = Team(organisation_id=org, name="Team 1")
    db.session.add(team)
    db.session.flush()
    lead = services.create_user(
        organisation,
        email=f"lead@{slug}.example",
        name="Lead",
        role=Role.TEAM_LEAD,
        password=PASSWORD,
    )
    lead.team_id = team.id
    _bulk(
        User,
        [
            {
                "organisation_id": org,
                "email": f"c{i}@{slug}.example",
                "name": f"Counsellor {i:03d}",
                "role": Role.COUNSELLOR.value,
                "password_hash": admin.password_hash,
                "team_id": team.id if i < 20 else None,
            }
            for i in range(size.counsellors)
        ],
    )
    counsellors = db.session.scalars(
        select(User.id)
        .where(User.organisation_id == org, User.role == Role.COUNSELLOR.value)
        .order_by(User.id)
    ).all()
    kinds = list(WorksiteKind)
    _bulk(
        Worksite,
        [
            {
                "organisation_id": org,
                "name": f"Werkplek {i}",
                "kind": kinds[i % 4].value,
                "address": "",
            }
            for i in range(40)
        ],
    )
    sites = db.session.scalars(select(Worksite.id).where(Worksite.organisation_id == org)).all()
    _bulk(
        Contact,
        [
            {
                "organisation_id": org,
                "worksite_id": s,
                "name": f"Supervisor {s}",
                "role": "supervisor",
            }
            for s in sites
        ],
    )

    _bulk(
        Client,
        [
            {
                "organisation_id": org,
                "first_name": f"Voornaam{i}",
                "last_name": f"Achternaam{i:05d}",
                "name_key": f"voornaam{i} achternaam{i:05d}",
                "counsellor_id": counsellors[i % len(counsellors)],
                "language": "nl",
            }
            for i in range(size.clients)
        ],
    )
    clients = db.session.scalars(
        select(Client.id).where(Client.organisation_id == org).order_by(Client.id)
    ).all()
    schemes = [Scheme.ART60, Scheme.ART60, Scheme.TWE, Scheme.IBO, Scheme.STAGE]
    trajectories = []
    for index, client_id in enumerate(clients):
        started = today - timedelta(days=rng.randrange(10, 600))
        trajectories.append(
            {
                "organisation_id": org,
                "client_id": client_id,
                "scheme": schemes[index % 5].value,
                "phase": rng.randrange(1, 6),
                "started_on": started,
                "planned_end_on": add_months(started, 23),
                "worksite_id": rng.choice(sites),
            }
        )
    for client_id in clients[: size.earlier_trajectories]:
        started = today - timedelta(days=rng.randrange(800, 1500))
        trajectories.append(
            {
                "organisation_id": org,
                "client_id": client_id,
                "scheme": Scheme.ART60.value,
                "phase": 5,
                "started_on": started,
                "planned_end_on": add_months(started, 12),
                "ended_on": add_months(started, 12),
                "outcome": rng.choice(["regular_job", "training", "benefits"]),
                "worksite_id": rng.choice(sites),
            }
        )
    _bulk(Trajectory, trajectories)
    open_ones = db.session.execute(
        select(Trajectory.id, Trajectory.started_on).where(
            Trajectory.organisation_id == org, Trajectory.ended_on.is_(None)
        )
    ).all()
    _bulk(
        Evaluation,
        [
            {
                "organisation_id": org,
                "trajectory_id": tid,
                "months": m,
                "due_on": add_months(started, m),
            }
            for tid, started in open_ones
            for m in (1, 3, 6, 12)
        ],
    )
    _bulk(
        Referral,
        [
            {
                "organisation_id": org,
                "client_id": clients[i % len(clients)],
                "partner": "CAW",
                "reason": "",
                "status": rng.choice(["sent", "in_progress", "closed"]),
                "follow_up_on": today + timedelta(days=rng.randrange(-30, 60)),
            }
            for i in range(size.referrals)
        ],
    )
    moment = datetime(2025, 1, 1, tzinfo=UTC)
    _bulk(
        TimelineEvent,
        [
            {
                "organisation_id": org,
                "client_id": clients[i % len(clients)],
                "kind": "phase_changed",
                "at": moment + timedelta(minutes=i),
                "data": {"from": 1, "to": 2},
            }
            for i in range(size.timeline_events)
        ],
    )
    _bulk(
        AuditEvent,
        [
            {
                "organisation_id": org,
                "action": "auth.login",
                "actor_id": admin.id,
                "at": moment,
                "detail": {},
            }
            for _ in range(size.audit_events)
        ],
    )
    agenda.plan_organisation(org)  # the agenda's rows, as the nightly pass keeps them
    db.session.commit()
    busiest_client = clients[0]
    return {
        "organisation": org,
        "admin": admin.id,
        "lead": lead.id,
        "client": busiest_client,
        "counsellor": counsellors[0],
    }


def organisation_count() -> int:
    return len(db.session.scalars(select(Organisation.id)).all())
