"""The evaluation cycle at scale in ``make bench``: a client with two years of history next to one
with little, both in the large organisation and in the caseload of the counsellor the bench signs
in as.

The long history: 100 visit notes with competence scores, 40 contact moments, 8 evaluation records
closed with judgements, 4 closed 360° rounds with answers and 20 goals; the short one: 2 notes, 1
contact, 1 evaluation, 1 round and 1 goal. Notes, contacts, evaluations, records and goals are
inserted in bulk (as ``bench/generate.py`` does); the rounds go through the feedback services, so
that their invitations and answers are what the report reads. For the client's file, the newest
evaluation's record page, its closed version, the next moment's page (the form with the evidence
since the last evaluation) and the hand-over summary, the median time is printed next to the bare
route with the query count of both clients, which must be equal; then the median time to make the
evaluation PDF.

``FIELDAPP_BENCH_ONLY=history python -m bench`` builds the large organisation and runs only this
part (on SQLite, and on PostgreSQL as ``python -m bench`` finds it).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import Flask
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from bench.generate import PASSWORD
from bench.measure import Timing, time_requests
from fieldapp.auth.models import User
from fieldapp.clients.models import Client
from fieldapp.common.dates import add_months
from fieldapp.contact_moments.models import ContactKind, ContactMoment
from fieldapp.development_plan.models import Goal, GoalActor, GoalStatus
from fieldapp.evaluations.models import (
    Decision,
    EvaluationJudgement,
    EvaluationRecord,
    ParticipantKind,
    RecordStatus,
)
from fieldapp.extensions import db
from fieldapp.feedback import rounds
from fieldapp.feedback.frameworks import framework_in_use
from fieldapp.feedback.models import RaterGroup
from fieldapp.method import Scheme
from fieldapp.reminders import agenda
from fieldapp.trajectories.models import Evaluation, Trajectory
from fieldapp.visits.models import NoteRevision, Visit, VisitStatus
from fieldapp.visits.notes import COMPETENCE_PREFIX
from fieldapp.worksites.models import Contact

DAYS = 730  # two years
PDF_ROUNDS = 5


@dataclass(frozen=True)
class History:
    notes: int
    contacts: int
    evaluations: int
    rounds: int
    goals: int


LONG = History(notes=100, contacts=40, evaluations=8, rounds=4, goals=20)
SHORT = History(notes=2, contacts=1, evaluations=1, rounds=1, goals=1)
RATERS = (
    (RaterGroup.SELF, "Zelf"),
    (RaterGroup.SUPERVISOR, "Ploegbaas"),
    (RaterGroup.COLLEAGUE, "Collega 1"),
    (RaterGroup.COLLEAGUE, "Collega 2"),
    (RaterGroup.COLLEAGUE, "Collega 3"),
    (RaterGroup.NETWORK, "Zus"),
)


@dataclass(frozen=True)
class Built:
    client: int
    trajectory: int
    held: int  # the newest evaluation moment held, with a closed record
    record: int  # its closed record
    following: int  # the next moment, planned by that record

    def paths(self) -> dict[str, str]:
        return {
            "client's file": f"/clients/{self.client}",
            "newest evaluation's page": f"/evaluations/{self.held}/record",
            "its closed record": f"/evaluation-records/{self.record}",
            "next moment (evidence)": f"/evaluations/{self.following}/record",
            "hand-over summary": f"/trajectories/{self.trajectory}/handover-summary",
        }


def _spread(count: int, first: date, last: date) -> list[date]:
    """``count`` days evenly from ``first`` to ``last``."""
    if count == 1:
        return [last]
    step = (last - first) / (count - 1)
    return [first + step * n for n in range(count)]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), UTC)


def build(organisation_id: int, counsellor_id: int, name: str, size: History, day: date) -> Built:
    """One client of ``counsellor_id`` with an open art. 60 trajectory of two years and ``size``
    of history; committed."""
    counsellor = db.session.get(User, counsellor_id)
    supervisor = db.session.scalars(
        select(Contact).where(Contact.organisation_id == organisation_id).order_by(Contact.id)
    ).first()
    started = day - timedelta(days=DAYS)
    client = Client(
        organisation_id=organisation_id,
        first_name=name,
        last_name="Geschiedenis",
        name_key=f"{name.lower()} geschiedenis",
        counsellor_id=counsellor_id,
        language="nl",
        created_at=_at(started, 8),
    )
    db.session.add(client)
    db.session.flush()
    trajectory = Trajectory(
        organisation_id=organisation_id,
        client_id=client.id,
        scheme=Scheme.ART60.value,
        phase=4,
        started_on=started,
        planned_end_on=add_months(started, 30),
        worksite_id=supervisor.worksite_id,
        supervisor_id=supervisor.id,
    )
    db.session.add(trajectory)
    db.session.flush()
    keys = [c.key for c in framework_in_use(organisation_id, "nl").competences]
    labels = {c.key: c.label for c in framework_in_use(organisation_id, "nl").competences}
    base = {"organisation_id": organisation_id}

    held_days = _spread(size.evaluations, started + timedelta(days=60), day - timedelta(days=20))
    following_day = day + timedelta(days=60)
    db.session.execute(
        insert(Evaluation),
        [
            base
            | {
                "trajectory_id": trajectory.id,
                "months": 3 * (n + 1),
                "due_on": held,
                "done_on": held,
                "note": "",
            }
            for n, held in enumerate(held_days)
        ]
        + [
            base
            | {
                "trajectory_id": trajectory.id,
                "months": 3 * (size.evaluations + 1),
                "due_on": following_day,
                "note": "",
            }
        ],
    )
    moments = db.session.scalars(
        select(Evaluation.id)
        .where(Evaluation.trajectory_id == trajectory.id)
        .order_by(Evaluation.id)
    ).all()
    participants = [
        {"kind": ParticipantKind.CLIENT.value, "name": f"{name} Geschiedenis"},
        {"kind": ParticipantKind.SUPERVISOR.value, "name": supervisor.name},
        {"kind": ParticipantKind.COUNSELLOR.value, "name": counsellor.name},
    ]
    next_days = [*held_days[1:], following_day]
    db.session.execute(
        insert(EvaluationRecord),
        [
            base
            | {
                "evaluation_id": moments[n],
                "trajectory_id": trajectory.id,
                "client_id": client.id,
                "version": 1,
                "status": RecordStatus.CLOSED.value,
                "held_on": held,
                "participants": participants,
                "strengths": "Stipt, vraagt hulp wanneer nodig.",
                "growth_points": [
                    {"text": "Zelfstandig de dag plannen", "competence": keys[n % len(keys)]},
                    {"text": "Feedback vragen aan de ploegbaas", "competence": None},
                ],
                "agreements": "Elke maandag een korte planning met de ploegbaas.",
                "decision": Decision.CONTINUE.value,
                "next_on": next_days[n],
                "created_by_id": counsellor_id,
                "created_at": _at(held),
                "updated_at": _at(held),
                "closed_at": _at(held, 11),
                "closed_by_id": counsellor_id,
            }
            for n, held in enumerate(held_days)
        ],
    )
    records = db.session.scalars(
        select(EvaluationRecord.id)
        .where(EvaluationRecord.client_id == client.id)
        .order_by(EvaluationRecord.held_on)
    ).all()
    db.session.execute(
        insert(EvaluationJudgement),
        [
            base
            | {
                "record_id": record,
                "competence_key": key,
                "label": labels[key][:80],
                "position": position,
                "score": 2 + (n + position) % 4,
            }
            for n, record in enumerate(records)
            for position, key in enumerate(keys)
        ],
    )

    visit_days = _spread(size.notes, started + timedelta(days=7), day - timedelta(days=1))
    db.session.execute(
        insert(Visit),
        [
            base
            | {
                "client_id": client.id,
                "counsellor_id": counsellor_id,
                "worksite_id": supervisor.worksite_id,
                "starts_at": _at(visit),
                "minutes": 45,
                "purpose": "Opvolging",
                "status": VisitStatus.DONE.value,
            }
            for visit in visit_days
        ],
    )
    visits = db.session.execute(
        select(Visit.id, Visit.starts_at).where(Visit.client_id == client.id).order_by(Visit.id)
    ).all()
    db.session.execute(
        insert(NoteRevision),
        [
            base
            | {
                "revision_uuid": str(uuid.uuid4()),
                "note_uuid": str(uuid.uuid4()),
                "replaces": [],
                "visit_id": visit_id,
                "author_id": counsellor_id,
                "body": f"Bezoek {n}: werkt zelfstandig, vraagt hulp bij drukte.",
                "observations": {"attendance": 4}
                | {COMPETENCE_PREFIX + key: 1 + (n + i) % 5 for i, key in enumerate(keys)},
                "written_at": starts_at + timedelta(minutes=50),
                "received_at": starts_at + timedelta(minutes=51),
            }
            for n, (visit_id, starts_at) in enumerate(visits)
        ],
    )

    kinds = list(ContactKind)
    contact_days = _spread(size.contacts, started + timedelta(days=3), day - timedelta(days=2))
    db.session.execute(
        insert(ContactMoment),
        [
            base
            | {
                "uuid": str(uuid.uuid4()),
                "client_id": client.id,
                "kind": kinds[n % len(kinds)].value,
                "reached": n % 5 != 4,
                "note": "Even bijgepraat.",
                "happened_at": _at(contact, 14),
                "recorded_by_id": counsellor_id,
                "created_at": _at(contact, 14),
            }
            for n, contact in enumerate(contact_days)
        ],
    )

    statuses = [GoalStatus.ACHIEVED, GoalStatus.OPEN, GoalStatus.DROPPED, GoalStatus.OPEN]
    actors = list(GoalActor)
    goal_days = _spread(size.goals, started + timedelta(days=90), day + timedelta(days=90))
    db.session.execute(
        insert(Goal),
        [
            base
            | {
                "trajectory_id": trajectory.id,
                "client_id": client.id,
                "text": f"Doel {n}: zelfstandig de werkpost klaarzetten",
                "competence_key": keys[n % len(keys)],
                "actor": actors[n % len(actors)].value,
                "due_on": due,
                "status": (status := statuses[n % len(statuses)]).value,
                "status_on": min(due, day) if status is not GoalStatus.OPEN else None,
                "created_by_id": counsellor_id,
            }
            for n, due in enumerate(goal_days)
        ],
    )

    for round_day in _spread(size.rounds, started + timedelta(days=120), day - timedelta(days=30)):
        _closed_round(counsellor, trajectory, round_day)

    agenda.plan(organisation_id, [client.id])
    db.session.commit()
    return Built(client.id, trajectory.id, moments[-2], records[-1], moments[-1])


def _closed_round(counsellor: User, trajectory: Trajectory, day: date) -> None:
    """A 360° round started on ``day``, answered by all six raters, closed at its deadline."""
    raters = [rounds.Rater(group, name) for group, name in RATERS]
    feedback_round, _links = rounds.start(
        counsellor, trajectory, day + timedelta(days=14), raters, day
    )
    db.session.commit()
    keys = rounds.keys_of(feedback_round)
    for n, invitation in enumerate(list(feedback_round.invitations)):
        answers = rounds.Answers(
            scores={key: 1 + (n + index) % 5 for index, key in enumerate(keys)},
            comments={keys[0]: "Werkt netjes."} if n % 2 == 0 else {},
        )
        rounds.submit(invitation, answers)
    # Its deadline has passed (so it reads as closed); it was closed on that day.
    feedback_round.created_at = _at(day, 9)
    feedback_round.closed_at = _at(day + timedelta(days=14), 9)
    db.session.commit()


def prepare(ids: dict[str, int], day: date) -> tuple[Built, Built]:
    """The long and the short history, in the caseload of the organisation's second counsellor:
    the first one's address is held back by the sign-in probe's wrong passwords."""
    org = ids["organisation"]
    counsellor = db.session.scalars(
        select(User.id)
        .where(User.organisation_id == org, User.id != ids["counsellor"], User.role == "counsellor")
        .order_by(User.id)
        .limit(1)
    ).one()
    return (
        build(org, counsellor, "Lang", LONG, day),
        build(org, counsellor, "Kort", SHORT, day),
    )


def run(app: Flask, engine: Engine, built: tuple[Built, Built], bare_ms: float) -> bool:
    """Print the history's table; returns whether every page asked as many queries for the long
    history as for the short one."""
    long, short = built
    client = app.test_client()
    with app.app_context():
        email = db.session.get(User, db.session.get(Client, long.client).counsellor_id).email
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, "sign-in for the history bench"
    print(
        f"\nevaluation cycle: a client with two years of history ({LONG.notes} notes, "
        f"{LONG.contacts} contacts, {LONG.evaluations} evaluations, {LONG.rounds} 360° rounds, "
        f"{LONG.goals} goals) against one with little ({SHORT.notes}, {SHORT.contacts}, "
        f"{SHORT.evaluations}, {SHORT.rounds}, {SHORT.goals})"
    )
    columns = ("median ms", "p95 ms", "x bare", "queries", "short ms", "short q")
    header = f"{'page':<30}" + "".join(f"{c:>10}" for c in columns)
    print(header)
    print("-" * len(header))
    steady = True
    short_paths = short.paths()
    for label, path in long.paths().items():
        timing = time_requests(client, path, engine, rounds=40)
        few = time_requests(client, short_paths[label], engine, rounds=20)
        steady &= _row(label, timing, few, bare_ms)
    pdf = f"/evaluation-records/{long.record}/document.pdf"
    timing = time_requests(client, pdf, engine, rounds=PDF_ROUNDS, warmup=1)
    few = time_requests(
        client, f"/evaluation-records/{short.record}/document.pdf", engine, PDF_ROUNDS, warmup=1
    )
    steady &= _row("evaluation PDF", timing, few, bare_ms)
    return steady


def _row(label: str, timing: Timing, short: Timing, bare_ms: float) -> bool:
    print(
        f"{label:<30}{timing.median_ms:>10.2f}{timing.p95_ms:>10.2f}"
        f"{timing.median_ms / bare_ms:>10.1f}{timing.queries:>10}"
        f"{short.median_ms:>10.2f}{short.queries:>10}"
    )
    return timing.queries == short.queries
