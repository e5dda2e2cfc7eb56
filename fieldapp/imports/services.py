"""Running a previewed import: every row through the capabilities' own services (so that their
rules, the audit trail, the agenda and the invitations apply), in the caller's one transaction.

The caller commits once, or rolls back everything: a rule that a service refuses is raised as
:class:`RowRefused`, naming the row, so that the preview can show it there.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import delete

from fieldapp.audit import services as audit
from fieldapp.auth import services as auth_services
from fieldapp.auth.models import User
from fieldapp.clients import services as client_services
from fieldapp.clients.models import Client
from fieldapp.common.rules import RefusedAt, RuleBroken
from fieldapp.common.time import now_utc
from fieldapp.extensions import db
from fieldapp.imports.columns import Kind
from fieldapp.imports.models import KEPT_FOR, ImportUpload
from fieldapp.imports.plan import Action, Planner, Preview, Problem, RowPlan
from fieldapp.imports.reading import read
from fieldapp.trajectories import services as trajectory_services
from fieldapp.trajectories.models import Trajectory
from fieldapp.worksites import services as worksite_services
from fieldapp.worksites.models import Worksite

NEW_CLIENTS_AT_ONCE = 500  # new clients' rows opened together: a few statements, one flush


class RowRefused(Exception):
    def __init__(self, row: RowPlan, error: RuleBroken) -> None:
        super().__init__(error.message)
        self.row, self.error = row, error


def refusal(refused: RowRefused) -> Problem:
    """A service's refusal as a problem of its row (the rule's message names its field)."""
    return Problem("", refused.error.message)


def preview(actor: User, data: bytes, filename: str) -> Preview:
    """What importing the file would do; raises ``reading.FileProblem`` for an unreadable file."""
    return Planner(actor).preview(read(data, filename))


def forget_expired() -> int:
    """Drop the uploads nobody confirmed in time, of every organisation (the nightly retention
    sweep): a caseload's spreadsheet is personal data and is kept no longer than it is needed."""
    result = db.session.execute(
        delete(ImportUpload)
        .where(ImportUpload.created_at < now_utc() - KEPT_FOR)
        .execution_options(all_tenants=True)
    )
    return result.rowcount or 0


def keep(actor: User, data: bytes, filename: str) -> ImportUpload:
    """Keep the upload until it is confirmed; older uploads of the organisation are dropped."""
    db.session.execute(
        delete(ImportUpload).where(
            ImportUpload.organisation_id == actor.organisation_id,
            ImportUpload.created_at < now_utc() - KEPT_FOR,
        )
    )
    upload = ImportUpload(
        organisation_id=actor.organisation_id,
        user_id=actor.id,
        filename=filename[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )
    db.session.add(upload)
    db.session.flush()
    return upload


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, action: Action) -> None:
        if action is Action.CREATE:
            self.created += 1
        elif action is Action.UPDATE:
            self.updated += 1
        else:
            self.unchanged += 1


def run(actor: User, upload: ImportUpload, plan: Preview) -> dict[str, Counts]:
    """Save what ``plan`` (a preview without errors) says, then drop the upload."""
    assert plan.ok
    counts = {kind.value: Counts() for kind in Kind}
    users = {e: u for e, u in plan.users.items() if u.organisation_id == actor.organisation_id}
    worksites = dict(plan.worksites)
    new_clients: list[RowPlan] = []  # in a row, opened together
    for row in plan.rows:
        counts[row.kind.value].add(row.action)
        if row.kind is Kind.CLIENTS and row.record is None:
            new_clients.append(row)
            if len(new_clients) == NEW_CLIENTS_AT_ONCE:
                _new_clients(actor, new_clients, users, worksites)
                new_clients = []
            continue
        _new_clients(actor, new_clients, users, worksites)
        new_clients = []
        try:
            if row.kind is Kind.STAFF:
                users[row.values["email"]] = _staff(actor, row)
            elif row.kind is Kind.WORKSITES:
                worksites[row.values["name"].lower()] = _worksite(actor, row, worksites)
            else:
                _client(actor, row, worksites)
        except RuleBroken as error:
            raise RowRefused(row, error) from error
    _new_clients(actor, new_clients, users, worksites)
    audit.record(
        "import.completed",
        organisation_id=actor.organisation_id,
        actor=actor,
        detail={
            "file_sha256": upload.sha256,  # not its name, which often names a person
            **{
                f"{kind}_{what}": getattr(count, what)
                for kind, count in counts.items()
                for what in ("created", "updated", "unchanged")
            },
        },
    )
    db.session.delete(upload)
    db.session.flush()
    return counts


def _staff(actor: User, row: RowPlan) -> User:
    values = row.values
    if row.record is None:
        return auth_services.invite_user(
            actor,
            email=values["email"],
            name=values["name"],
            role=values["role"],
            language=values["language"],
        )
    if row.action is Action.UPDATE:
        auth_services.change_role(actor, row.record, values["role"])
    return row.record


def _worksite(actor: User, row: RowPlan, made: dict[str, Worksite]) -> Worksite:
    values = row.values
    worksite = made.get(values["name"].lower()) or row.record
    if worksite is None:
        worksite = worksite_services.create_worksite(
            actor,
            worksite_services.WorksiteDetails(values["name"], values["kind"], values["address"]),
        )
    elif "worksite_row" not in values and row.changes:
        worksite_services.update_worksite(
            actor,
            worksite,
            worksite_services.WorksiteDetails(
                worksite.name, values["kind"], values["address"], worksite.active
            ),
        )
    contact = values["contact"]
    if contact["name"]:
        details = worksite_services.ContactDetails(
            contact["name"],
            contact["role"],
            contact["email"],
            contact["phone"],
            row.contact.language if row.contact else None,
        )
        if row.contact is None:
            worksite_services.add_contact(actor, worksite, details)
        elif row.changes:
            worksite_services.update_contact(actor, row.contact, details)
    return worksite


def _new_clients(
    actor: User, rows: list[RowPlan], users: dict[str, User], worksites: dict[str, Worksite]
) -> None:
    """Rows of new clients, through the services' batch entry points: the same rules and records
    as :func:`_client` row after row, in a few statements instead of a dozen per row."""
    if not rows:
        return
    new = [(row.values["details"], users[row.values["counsellor"]]) for row in rows]
    plans = {
        index: _trajectory_plan(row, worksites, None)
        for index, row in enumerate(rows)
        if _starts(row)
    }
    # One after the other, a row's plan was refused before the next row's client was made: the
    # first refused row in the file is named, whichever of the two batches refuses it.
    refused_plan = _first_refused_plan(actor, plans)
    try:
        clients = client_services.create_clients(actor, new)
    except RefusedAt as refused:
        if refused_plan is not None and refused_plan.index < refused.index:
            raise RowRefused(rows[refused_plan.index], refused_plan.error) from refused_plan
        raise RowRefused(rows[refused.index], refused.error) from refused
    if refused_plan is not None:
        raise RowRefused(rows[refused_plan.index], refused_plan.error) from refused_plan
    started = [(index, clients[index]) for index in plans]
    try:
        trajectory_services.start_many(
            actor, [(client, plans[index], None) for index, client in started]
        )
    except RefusedAt as refused:
        raise RowRefused(rows[started[refused.index][0]], refused.error) from refused


def _first_refused_plan(
    actor: User, plans: dict[int, trajectory_services.TrajectoryPlan]
) -> RefusedAt | None:
    for index, plan in plans.items():
        try:
            trajectory_services.check_plan(plan, actor.organisation_id)
        except RuleBroken as error:
            return RefusedAt(index, error)
    return None


def _starts(row: RowPlan) -> bool:
    return row.values.get("trajectory") is not None


def _client(actor: User, row: RowPlan, worksites: dict[str, Worksite]) -> None:
    """A row of a client who has a file: its changes, its trajectory started or changed."""
    client = row.record
    if row.action is Action.UPDATE and _client_changed(client, row.values["details"]):
        client_services.update_client(actor, client, row.values["details"])
    if not _starts(row) or (row.trajectory is not None and row.action is Action.UNCHANGED):
        return
    current = row.trajectory
    plan = _trajectory_plan(row, worksites, current)
    if current is None:
        trajectory_services.start(actor, client, plan, None)
    elif _trajectory_changed(current, plan):
        trajectory_services.update(actor, current, plan)


def _trajectory_plan(
    row: RowPlan, worksites: dict[str, Worksite], current: Trajectory | None
) -> trajectory_services.TrajectoryPlan:
    """The row's trajectory; an unchanged worksite keeps ``current``'s floor supervisor."""
    trajectory = row.values["trajectory"]
    worksite = worksites[trajectory["worksite"]] if trajectory["worksite"] else None
    keeps_supervisor = current is not None and current.worksite_id == (worksite and worksite.id)
    return trajectory_services.TrajectoryPlan(
        trajectory["scheme"],
        trajectory["started_on"],
        trajectory["planned_end_on"],
        worksite.id if worksite else None,
        current.supervisor_id if keeps_supervisor else None,
    )


def _client_changed(client: Client, details: client_services.ClientDetails) -> bool:
    keys = ("first_name", "last_name", "birth_date", "phone", "email", "language", "city")
    return any(getattr(client, key) != getattr(details, key) for key in keys)


def _trajectory_changed(current: Trajectory, plan: trajectory_services.TrajectoryPlan) -> bool:
    return (
        current.scheme != plan.scheme.value
        or current.started_on != plan.started_on
        or current.planned_end_on != plan.planned_end_on
        or current.worksite_id != plan.worksite_id
    )
