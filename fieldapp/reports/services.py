"""Figures for team leads: caseload per counsellor and the yearly report (after seed 004).

Every figure is counted from trajectories and aftercare records, which survive anonymisation, so
erasing a client's personal data never changes the yearly figures. The transitions to regular work
are the clients whose latest aftercare record of the year says they have a regular job.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Select, and_, distinct, func, or_, select

from fieldapp.aftercare.models import AftercareRecord, ContractKind, Sector, Situation
from fieldapp.auth.models import User
from fieldapp.clients.models import Client
from fieldapp.common import spreadsheet
from fieldapp.extensions import db
from fieldapp.method import Outcome, Scheme
from fieldapp.organisation.models import Team
from fieldapp.trajectories.models import Trajectory
from fieldapp.worksites.models import Worksite, WorksiteKind


@dataclass(frozen=True)
class CounsellorLoad:
    counsellor: User
    open_trajectories: int
    clients: int


def caseload_per_counsellor(team_id: int | None) -> list[CounsellorLoad]:
    """Active people with their number of clients and open trajectories (one query)."""
    open_count = func.count(distinct(Trajectory.id))
    statement = (
        select(User, func.count(distinct(Client.id)), open_count)
        .outerjoin(Client, and_(Client.counsellor_id == User.id, Client.anonymised_at.is_(None)))
        .outerjoin(
            Trajectory, and_(Trajectory.client_id == Client.id, Trajectory.ended_on.is_(None))
        )
        .where(User.active.is_(True))
        .group_by(User.id)
        .order_by(User.name)
    )
    if team_id is not None:
        statement = statement.where(User.team_id == team_id)
    return [
        CounsellorLoad(user, open_trajectories=opened, clients=clients)
        for user, clients, opened in db.session.execute(statement)
    ]


def caseload_table(loads: list[CounsellorLoad]) -> spreadsheet.Table:
    """The caseload per counsellor for a spreadsheet, with each counsellor's team by name."""
    teams: dict[int, str] = dict(db.session.execute(select(Team.id, Team.name)).all())
    return spreadsheet.Table(
        headers=[_("Counsellor"), _("Team"), _("Clients"), _("Open trajectories")],
        rows=[
            [
                load.counsellor.name,
                teams.get(load.counsellor.team_id),
                load.clients,
                load.open_trajectories,
            ]
            for load in loads
        ],
        title=_("Caseloads"),
    )


@dataclass
class YearlyReport:
    year: int
    counsellor_id: int | None
    clients_per_scheme: dict[str, int] = field(default_factory=dict)
    placements_per_kind: dict[str, int] = field(default_factory=dict)
    ended_per_outcome: dict[str, int] = field(default_factory=dict)
    to_regular_work: int = 0
    regular_work_per_sector: dict[str, int] = field(default_factory=dict)
    regular_work_per_contract: dict[str, int] = field(default_factory=dict)

    @property
    def clients_total(self) -> int:
        return sum(self.clients_per_scheme.values())


def _active_in(year: int) -> Select:
    """Trajectories that ran at some point during ``year``."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    return select(Trajectory).where(
        Trajectory.started_on <= last,
        or_(Trajectory.ended_on.is_(None), Trajectory.ended_on >= first),
    )


def _for_counsellor(statement: Select, counsellor_id: int | None) -> Select:
    if counsellor_id is None:
        return statement
    return statement.join(Client, Client.id == Trajectory.client_id).where(
        Client.counsellor_id == counsellor_id
    )


def yearly(year: int, counsellor_id: int | None = None) -> YearlyReport:
    """Clients per scheme, placements per kind of worksite, ends per outcome, regular jobs."""
    report = YearlyReport(year, counsellor_id)
    active = _for_counsellor(_active_in(year), counsellor_id).subquery()
    per_scheme = db.session.execute(
        select(active.c.scheme, func.count(distinct(active.c.client_id))).group_by(active.c.scheme)
    )
    report.clients_per_scheme = {scheme.value: 0 for scheme in Scheme} | dict(per_scheme.all())
    per_kind = db.session.execute(
        select(Worksite.kind, func.count(distinct(active.c.client_id)))
        .join(Worksite, Worksite.id == active.c.worksite_id)
        .group_by(Worksite.kind)
    )
    report.placements_per_kind = {kind.value: 0 for kind in WorksiteKind} | dict(per_kind.all())
    ended = _for_counsellor(
        select(Trajectory.outcome, func.count(Trajectory.id))
        .where(Trajectory.ended_on >= date(year, 1, 1), Trajectory.ended_on <= date(year, 12, 31))
        .group_by(Trajectory.outcome),
        counsellor_id,
    )
    report.ended_per_outcome = {outcome.value: 0 for outcome in Outcome} | dict(
        db.session.execute(ended).all()
    )
    _transitions(report)
    return report


def _transitions(report: YearlyReport) -> None:
    """Clients whose latest aftercare record in the year says regular job, per sector and kind of
    contract (one query)."""
    first, last = date(report.year, 1, 1), date(report.year, 12, 31)
    latest = func.row_number().over(
        partition_by=AftercareRecord.client_id,
        order_by=(AftercareRecord.recorded_on.desc(), AftercareRecord.id.desc()),
    )
    in_year = select(
        AftercareRecord.situation,
        AftercareRecord.sector,
        AftercareRecord.contract,
        latest.label("position"),
    ).where(AftercareRecord.recorded_on >= first, AftercareRecord.recorded_on <= last)
    if report.counsellor_id is not None:
        in_year = in_year.join(Client, Client.id == AftercareRecord.client_id).where(
            Client.counsellor_id == report.counsellor_id
        )
    rows = in_year.subquery()
    counted = db.session.execute(
        select(rows.c.sector, rows.c.contract, func.count())
        .where(rows.c.position == 1, rows.c.situation == Situation.REGULAR_JOB.value)
        .group_by(rows.c.sector, rows.c.contract)
    ).all()
    report.regular_work_per_sector = dict.fromkeys(Sector, 0)
    report.regular_work_per_contract = dict.fromkeys(ContractKind, 0)
    for sector, contract, count in counted:
        report.to_regular_work += count
        report.regular_work_per_sector[Sector(sector or Sector.OTHER)] += count
        report.regular_work_per_contract[ContractKind(contract or ContractKind.OTHER)] += count


def report_rows(report: YearlyReport) -> Iterable[tuple[str, str, int]]:
    """The report as (figure, category, count), each label as the page shows it."""
    for scheme, count in report.clients_per_scheme.items():
        yield _("Clients per scheme"), Scheme(scheme).label, count
    for kind, count in report.placements_per_kind.items():
        yield _("Placements per kind of worksite"), WorksiteKind(kind).label, count
    for outcome, count in report.ended_per_outcome.items():
        label = Outcome(outcome).label if outcome else "—"
        yield _("Trajectories ended, per outcome"), label, count
    yield _("Transitions to regular work"), Outcome.REGULAR_JOB.label, report.to_regular_work
    for sector, count in report.regular_work_per_sector.items():
        yield _("Transitions to regular work, per sector"), Sector(sector).label, count
    for contract, count in report.regular_work_per_contract.items():
        yield (
            _("Transitions to regular work, per kind of contract"),
            ContractKind(contract).label,
            count,
        )


def as_table(report: YearlyReport) -> spreadsheet.Table:
    """The yearly report for a spreadsheet: one line per figure and category."""
    counsellor = db.session.get(User, report.counsellor_id) if report.counsellor_id else None
    who = counsellor.name if counsellor else _("Whole organisation")
    return spreadsheet.Table(
        headers=[_("Year"), _("Counsellor"), _("Figure"), _("Category"), _("Number")],
        rows=[[report.year, who, *line] for line in report_rows(report)],
        title=_("Yearly report"),
    )
