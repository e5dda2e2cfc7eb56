"""The hand-over summary for the regional employment service at the end of a trajectory: the
trajectory, its phases, the competences and their trend, the agreements and the outcome."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from flask_babel import gettext as _
from sqlalchemy import select

from fieldapp.clients.models import Client, TimelineEvent
from fieldapp.common.dates import local_date, today
from fieldapp.common.file_names import file_name, name_part
from fieldapp.competence_trend import chart as charts
from fieldapp.competence_trend.services import CompetenceSummary, summaries, trend_of
from fieldapp.extensions import db
from fieldapp.organisation.models import Organisation
from fieldapp.trajectories.models import Trajectory


class RegionalService(StrEnum):
    """The public employment service of the client's region, who takes over after the trajectory."""

    VDAB = "vdab"  # Flanders
    FOREM = "forem"  # Wallonia
    ACTIRIS = "actiris"  # Brussels

    @property
    def label(self) -> str:
        return {"vdab": "VDAB", "forem": "Le Forem", "actiris": "Actiris"}[self.value]


POSTCODE = re.compile(r"\b([1-9]\d{3})\b")


def service_for(client: Client) -> RegionalService | None:
    """The service of the client's region when their city carries a Belgian postcode ("9000
    Gent"); None when it is not known, and the counsellor picks."""
    found = POSTCODE.search(client.city or "")
    if found is None:
        return None
    code = int(found.group(1))
    if 1000 <= code <= 1299:
        return RegionalService.ACTIRIS
    if 1300 <= code <= 1499 or 4000 <= code <= 7999:
        return RegionalService.FOREM
    return RegionalService.VDAB


@dataclass(frozen=True)
class PhaseChange:
    on: date
    phase: int


def phases_of(trajectory: Trajectory) -> list[PhaseChange]:
    """The phases the trajectory went through: its first, then each change (one query)."""
    events = db.session.scalars(
        select(TimelineEvent)
        .where(
            TimelineEvent.client_id == trajectory.client_id,
            TimelineEvent.kind == "phase_changed",
            TimelineEvent.at >= trajectory.created_at,
        )
        .order_by(TimelineEvent.at, TimelineEvent.id)
    )
    changes, first = [], trajectory.phase
    for event in events:
        on = local_date(event.at)
        if trajectory.ended_on is not None and on > trajectory.ended_on:
            break
        if not changes:
            first = int(event.data.get("from", first))
        changes.append(PhaseChange(on, int(event.data.get("to", 0))))
    return [PhaseChange(trajectory.started_on, first), *changes]


@dataclass(frozen=True)
class HandoverSummary:
    client: Client
    trajectory: Trajectory
    chart: charts.Chart
    competences: list[CompetenceSummary]
    phases: list[PhaseChange]
    service: RegionalService | None
    agreements: list[str]
    organisation: str
    made_on: date


def handover_summary(
    trajectory: Trajectory,
    language: str,
    service: RegionalService | None = None,
    agreements: list[str] | None = None,
) -> HandoverSummary:
    """What the regional employment service gets at the end of ``trajectory`` (call it inside
    ``force_locale(language)``). ``agreements`` are those of the latest evaluation meeting."""
    client = trajectory.client
    organisation = db.session.get(Organisation, client.organisation_id)
    chart = trend_of(client, language, trajectory)
    return HandoverSummary(
        client,
        trajectory,
        chart,
        summaries(chart),
        phases_of(trajectory),
        service or service_for(client),
        list(agreements or []),
        organisation.name if organisation else "",
        today(),
    )


def handover_filename(trajectory: Trajectory) -> str:
    """``handover-summary-<name>-<start>.pdf`` in the reader's language, as written (see
    :mod:`fieldapp.common.file_names`)."""
    client = trajectory.client
    who = client.full_name if name_part(client.full_name) else str(trajectory.client_id)
    started = trajectory.started_on.isoformat()
    return file_name(_("Hand-over summary"), who, started, extension="pdf")
