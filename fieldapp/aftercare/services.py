"""The rules of an aftercare record: only after the trajectory ended, not in the future, a known
situation, and for a regular job its sector and kind of contract."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from fieldapp.aftercare.models import AftercareRecord, ContractKind, Sector, Situation
from fieldapp.audit import services as audit
from fieldapp.auth.models import User
from fieldapp.common.dates import today
from fieldapp.common.rules import RuleBroken
from fieldapp.extensions import db
from fieldapp.trajectories.models import Trajectory


@dataclass(frozen=True)
class AftercareDraft:
    recorded_on: date
    situation: str
    sector: str | None = None
    contract: str | None = None


def records_of(trajectory: Trajectory) -> list[AftercareRecord]:
    """A trajectory's aftercare records, the latest first."""
    return list(
        db.session.scalars(
            select(AftercareRecord)
            .where(AftercareRecord.trajectory_id == trajectory.id)
            .order_by(AftercareRecord.recorded_on.desc(), AftercareRecord.id.desc())
        )
    )


def record(actor: User, trajectory: Trajectory, draft: AftercareDraft) -> AftercareRecord:
    if trajectory.ended_on is None:
        raise RuleBroken(_("Aftercare is recorded once the trajectory has ended."))
    if draft.recorded_on < trajectory.ended_on:
        raise RuleBroken(
            _(
                "Aftercare follows the end of the trajectory: choose %(day)s or later.",
                day=trajectory.ended_on.isoformat(),
            ),
            field="recorded_on",
        )
    if draft.recorded_on > today():
        raise RuleBroken(_("Record what is known today, not a later date."), field="recorded_on")
    if draft.situation not in set(Situation):
        raise RuleBroken(_("Choose where the client is now."), field="situation")
    sector, contract = None, None
    if draft.situation == Situation.REGULAR_JOB.value:
        if draft.sector not in set(Sector):
            raise RuleBroken(_("Choose the sector of the job."), field="sector")
        if draft.contract not in set(ContractKind):
            raise RuleBroken(_("Choose the kind of contract."), field="contract")
        sector, contract = draft.sector, draft.contract
    entry = AftercareRecord(
        organisation_id=trajectory.organisation_id,
        trajectory_id=trajectory.id,
        client_id=trajectory.client_id,
        recorded_on=draft.recorded_on,
        situation=draft.situation,
        sector=sector,
        contract=contract,
        created_by_id=actor.id,
    )
    db.session.add(entry)
    db.session.flush()
    audit.record(
        "aftercare.recorded",
        organisation_id=trajectory.organisation_id,
        actor=actor,
        target=entry,
        detail={"situation": draft.situation},
    )
    return entry
