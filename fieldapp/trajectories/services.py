"""The rules of a trajectory: one open per client, art. 60 at most two years, an end with an
outcome, evaluation moments that follow the dates, phases and their checklists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Row, Select, bindparam, select

from fieldapp.audit import services as audit
from fieldapp.auth.models import User
from fieldapp.clients import timeline
from fieldapp.clients.models import Client
from fieldapp.common import events
from fieldapp.common.dates import add_months
from fieldapp.common.rules import RefusedAt, RuleBroken
from fieldapp.common.tenancy import of_tenant, tenant_rows
from fieldapp.common.time import now_utc
from fieldapp.extensions import db
from fieldapp.method import (
    ART60_MAX_MONTHS,
    CHECKLIST_BY_KEY,
    PHASES,
    Outcome,
    Scheme,
    rules,
)
from fieldapp.trajectories.models import (
    ChecklistAnswer,
    Evaluation,
    RegimePeriod,
    Trajectory,
    TrajectoryRef,
)
from fieldapp.worksites.models import Contact, Worksite


@dataclass(frozen=True)
class TrajectoryPlan:
    scheme: Scheme
    started_on: date
    planned_end_on: date | None
    worksite_id: int | None
    supervisor_id: int | None


def open_trajectory(client: Client) -> Trajectory | None:
    return db.session.scalars(
        select(Trajectory).where(Trajectory.client_id == client.id, Trajectory.ended_on.is_(None))
    ).first()


def check_plan(plan: TrajectoryPlan, organisation_id: int) -> None:
    """The rules of a plan itself (dates, scheme, worksite and supervisor of the organisation);
    raises ``RuleBroken``."""
    if plan.planned_end_on is not None and plan.planned_end_on < plan.started_on:
        raise RuleBroken(_("The planned end is before the start."), field="planned_end_on")
    if plan.scheme is Scheme.ART60:
        if plan.planned_end_on is None:
            raise RuleBroken(
                _("An article 60 contract needs a planned end date."), field="planned_end_on"
            )
        if plan.planned_end_on > add_months(plan.started_on, ART60_MAX_MONTHS):
            raise RuleBroken(
                _(
                    "An article 60 contract lasts at most two years: end it by %(day)s.",
                    day=add_months(plan.started_on, ART60_MAX_MONTHS).isoformat(),
                ),
                field="planned_end_on",
            )
    worksite = db.session.get(Worksite, plan.worksite_id) if plan.worksite_id else None
    if plan.worksite_id and (worksite is None or worksite.organisation_id != organisation_id):
        raise RuleBroken(_("Choose one of your organisation's worksites."), field="worksite_id")
    supervisor = db.session.get(Contact, plan.supervisor_id) if plan.supervisor_id else None
    if plan.supervisor_id and (supervisor is None or supervisor.worksite_id != plan.worksite_id):
        raise RuleBroken(
            _("The floor supervisor must be a contact of the chosen worksite."),
            field="supervisor_id",
        )


def _schedule_evaluations(trajectory: Trajectory, ruleset: rules.RuleSet | None = None) -> None:
    """(Re)plan the evaluation moments that are not held yet; held ones stay as they were, and so
    do dates agreed at an evaluation meeting while they fall within the trajectory. ``ruleset``:
    the organisation's rules, when the caller read them already."""
    end = trajectory.ended_on or trajectory.planned_end_on

    def kept(evaluation: Evaluation) -> bool:
        agreed = evaluation.agreed and (end is None or evaluation.due_on <= end)
        return evaluation.done_on is not None or agreed

    held = {e.months for e in trajectory.evaluations if kept(e)}
    for evaluation in [e for e in trajectory.evaluations if not kept(e)]:
        trajectory.evaluations.remove(evaluation)
    ruleset = ruleset or rules.of_organisation(trajectory.organisation_id)
    months_after_start = ruleset.of(rules.RuleKind.EVALUATION, trajectory.scheme)
    for months in months_after_start:
        due = add_months(trajectory.started_on, months)
        if months in held or (end is not None and due > end):
            continue
        trajectory.evaluations.append(
            Evaluation(organisation_id=trajectory.organisation_id, months=months, due_on=due)
        )


def start(
    actor: User, client: Client, plan: TrajectoryPlan, hours_per_week: Decimal | None
) -> Trajectory:
    try:
        return start_many(actor, [(client, plan, hours_per_week)])[0]
    except RefusedAt as refused:
        raise refused.error from None


_CHUNK = 500  # clients in one IN (...): well below SQLite's limit on bound parameters


def start_many(
    actor: User, starts: Sequence[tuple[Client, TrajectoryPlan, Decimal | None]]
) -> list[Trajectory]:
    """Start a trajectory for each (client, plan, hours a week), with the rules and records of
    one started after the other, in a few statements (a spreadsheet import starts thousands):
    the open trajectories are read in one query per 500 clients, the organisation's rules once,
    and all is saved in one flush. Raises ``RefusedAt`` naming the first one refused."""
    client_ids = sorted({client.id for client, _plan, _hours in starts})
    opened: set[int] = set()
    for begin in range(0, len(client_ids), _CHUNK):
        opened.update(
            db.session.scalars(
                select(Trajectory.client_id).where(
                    Trajectory.client_id.in_(client_ids[begin : begin + _CHUNK]),
                    Trajectory.ended_on.is_(None),
                )
            )
        )
    rulesets: dict[int, rules.RuleSet] = {}
    trajectories = []
    for index, (client, plan, hours_per_week) in enumerate(starts):
        try:
            if client.anonymised_at is not None:
                raise RuleBroken(_("This file is anonymised."))
            if client.id in opened:
                raise RuleBroken(_("This client already has an open trajectory. End it first."))
            check_plan(plan, client.organisation_id)
        except RuleBroken as error:
            raise RefusedAt(index, error) from error
        opened.add(client.id)
        trajectory = Trajectory(
            organisation_id=client.organisation_id,
            client_id=client.id,
            scheme=plan.scheme.value,
            phase=1,
            started_on=plan.started_on,
            planned_end_on=plan.planned_end_on,
            worksite_id=plan.worksite_id,
            supervisor_id=plan.supervisor_id,
        )
        if hours_per_week is not None:
            trajectory.regimes.append(
                RegimePeriod(
                    organisation_id=client.organisation_id,
                    starts_on=plan.started_on,
                    hours_per_week=hours_per_week,
                )
            )
        if client.organisation_id not in rulesets:
            rulesets[client.organisation_id] = rules.of_organisation(client.organisation_id)
        _schedule_evaluations(trajectory, rulesets[client.organisation_id])
        trajectories.append(trajectory)
    db.session.add_all(trajectories)
    db.session.flush()
    for (client, plan, _hours), trajectory in zip(starts, trajectories, strict=True):
        timeline.add(client, "trajectory_started", actor, scheme=plan.scheme.value)
        audit.record(
            "trajectory.started",
            organisation_id=client.organisation_id,
            actor=actor,
            target=trajectory,
        )
        events.client_file_changed.send(client)
    return trajectories


def update(actor: User, trajectory: Trajectory, plan: TrajectoryPlan) -> None:
    if not trajectory.is_open:
        raise RuleBroken(_("This trajectory has ended and can no longer be changed."))
    check_plan(plan, trajectory.organisation_id)
    trajectory.scheme = plan.scheme.value
    trajectory.started_on = plan.started_on
    trajectory.planned_end_on = plan.planned_end_on
    trajectory.worksite_id = plan.worksite_id
    trajectory.supervisor_id = plan.supervisor_id
    _schedule_evaluations(trajectory)
    db.session.flush()
    timeline.add(trajectory.client, "trajectory_updated", actor)
    audit.record(
        "trajectory.updated",
        organisation_id=trajectory.organisation_id,
        actor=actor,
        target=trajectory,
    )
    events.client_file_changed.send(trajectory.client)


def change_phase(actor: User, trajectory: Trajectory, phase: int) -> None:
    if phase not in PHASES:
        raise RuleBroken(_("Choose a phase from 1 to 5."), field="phase")
    if not trajectory.is_open:
        raise RuleBroken(_("This trajectory has ended and can no longer be changed."))
    if phase == trajectory.phase:
        return
    previous, trajectory.phase = trajectory.phase, phase
    timeline.add(trajectory.client, "phase_changed", actor, **{"from": previous, "to": phase})
    audit.record(
        "trajectory.phase_changed",
        organisation_id=trajectory.organisation_id,
        actor=actor,
        target=trajectory,
        detail={"from": previous, "to": phase},
    )
    db.session.flush()
    events.client_file_changed.send(trajectory.client)  # the contact rhythm is per phase


def answers_of(trajectory: Trajectory) -> dict[str, ChecklistAnswer]:
    rows = db.session.scalars(_answers_of(), {"trajectory_id": trajectory.id})
    return {row.item: row for row in rows}


def shown_answers_of(trajectory: TrajectoryRef) -> dict[str, Row[Any]]:
    """As :func:`answers_of`, each answer's ``item`` and ``answer`` only, which the client's file
    shows (see ``tenancy.tenant_rows``)."""
    values = {"trajectory_id": trajectory.id}
    rows = tenant_rows(_shown_answers_of(), trajectory.organisation_id, values)
    return {row.item: row for row in rows}


@cache
def _shown_answers_of() -> Select:
    return select(ChecklistAnswer.item, ChecklistAnswer.answer).where(
        ChecklistAnswer.trajectory_id == bindparam("trajectory_id"),
        of_tenant(ChecklistAnswer),
    )


@cache
def _answers_of() -> Select:
    return select(ChecklistAnswer).where(
        ChecklistAnswer.trajectory_id == bindparam("trajectory_id")
    )


def save_checklist(
    actor: User, trajectory: Trajectory, answers: dict[str, str], may_see_sensitive: bool
) -> None:
    """Save short answers; sensitive items are refused to who may not see them."""
    existing = answers_of(trajectory)
    for key, text in answers.items():
        item = CHECKLIST_BY_KEY.get(key)
        if item is None:
            raise RuleBroken(_("Unknown checklist item."))
        if item.sensitive and not may_see_sensitive:
            raise RuleBroken(_("You may not see or change the sensitive part of this file."))
        row = existing.get(key)
        if row is None:
            if not text.strip():
                continue
            row = ChecklistAnswer(
                organisation_id=trajectory.organisation_id, trajectory_id=trajectory.id, item=key
            )
            db.session.add(row)
        if row.answer != text.strip():
            row.answer = text.strip()
            row.updated_at = now_utc()
            row.updated_by_id = actor.id
    audit.record(
        "trajectory.checklist_saved",
        organisation_id=trajectory.organisation_id,
        actor=actor,
        target=trajectory,
        detail={"items": sorted(answers)},
    )
    db.session.flush()


def change_regime(
    actor: User, trajectory: Trajectory, starts_on: date, hours: Decimal, note: str
) -> None:
    if starts_on < trajectory.started_on:
        raise RuleBroken(_("The new working time cannot start before the trajectory."), "starts_on")
    if not Decimal("0.5") <= hours <= Decimal(60):
        raise RuleBroken(_("Hours per week: between 0.5 and 60."), field="hours_per_week")
    trajectory.regimes.append(
        RegimePeriod(
            organisation_id=trajectory.organisation_id,
            starts_on=starts_on,
            hours_per_week=hours,
            note=note.strip(),
        )
    )
    timeline.add(
        trajectory.client, "regime_changed", actor, hours=str(hours), on=starts_on.isoformat()
    )
    audit.record(
        "trajectory.regime_changed",
        organisation_id=trajectory.organisation_id,
        actor=actor,
        target=trajectory,
    )
    db.session.flush()


def hold_evaluation(actor: User, evaluation: Evaluation, held_on: date, note: str) -> None:
    trajectory = db.session.get(Trajectory, evaluation.trajectory_id)
    if evaluation.done_on is not None:
        raise RuleBroken(_("This evaluation is already recorded."))
    if held_on < trajectory.started_on:
        raise RuleBroken(_("The evaluation cannot be before the start."), field="held_on")
    evaluation.done_on = held_on
    evaluation.note = note.strip()
    timeline.add(trajectory.client, "evaluation_done", actor, months=evaluation.months)
    audit.record(
        "trajectory.evaluation_done",
        organisation_id=trajectory.organisation_id,
        actor=actor,
        target=trajectory,
    )
    db.session.flush()
    events.client_file_changed.send(trajectory.client)


def plan_next_evaluation(actor: User, evaluation: Evaluation, due_on: date) -> Evaluation:
    """The evaluation moment after ``evaluation`` moves to ``due_on`` (the date agreed at it); when
    none is planned after it, one is added. The agenda replans from the changed file."""
    trajectory = db.session.get(Trajectory, evaluation.trajectory_id)
    later = [
        other
        for other in trajectory.evaluations
        if other.done_on is None and other.id != evaluation.id and other.months > evaluation.months
    ]
    if later:
        planned = min(later, key=lambda other: (other.due_on, other.id))
        planned.due_on = due_on
        planned.agreed = True
    else:
        months = (due_on.year - trajectory.started_on.year) * 12 + (
            due_on.month - trajectory.started_on.month
        )
        planned = Evaluation(
            organisation_id=trajectory.organisation_id,
            months=max(months, evaluation.months + 1),
            due_on=due_on,
            agreed=True,
        )
        trajectory.evaluations.append(planned)
    audit.record(
        "trajectory.evaluation_planned",
        organisation_id=trajectory.organisation_id,
        actor=actor,
        target=trajectory,
        detail={"due_on": due_on.isoformat()},
    )
    db.session.flush()
    events.client_file_changed.send(trajectory.client)
    return planned


def end(actor: User, trajectory: Trajectory, ended_on: date, outcome: Outcome) -> None:
    if not trajectory.is_open:
        raise RuleBroken(_("This trajectory has already ended."))
    if ended_on < trajectory.started_on:
        raise RuleBroken(_("The end is before the start."), field="ended_on")
    trajectory.ended_on = ended_on
    trajectory.outcome = outcome.value
    trajectory.phase = max(trajectory.phase, 5)
    _schedule_evaluations(trajectory)
    timeline.add(trajectory.client, "trajectory_ended", actor, outcome=outcome.value)
    audit.record(
        "trajectory.ended",
        organisation_id=trajectory.organisation_id,
        actor=actor,
        target=trajectory,
        detail={"outcome": outcome.value},
    )
    db.session.flush()
    events.client_file_changed.send(trajectory.client)


def placed_at(worksite: Worksite, visible: object) -> list[tuple[Client, Trajectory]]:
    """Clients with an open trajectory at ``worksite`` that the viewer may open (``visible``, a
    clause of fieldapp.clients.access), with that trajectory, by name."""
    return list(
        db.session.execute(
            select(Client, Trajectory)
            .join(Trajectory, Trajectory.client_id == Client.id)
            .where(Trajectory.worksite_id == worksite.id, Trajectory.ended_on.is_(None))
            .where(visible)
            .order_by(Client.last_name, Client.first_name)
        ).all()
    )
