from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.common.codes import label_of
from fieldapp.common.tenancy import TenantScoped
from fieldapp.common.time import UTCDateTime, now_utc
from fieldapp.extensions import db


class Situation(StrEnum):
    REGULAR_JOB = "regular_job"
    TRAINING = "training"
    MEASURE = "measure"  # another activation measure
    BENEFITS = "benefits"
    UNKNOWN = "unknown"

    @property
    def label(self) -> str:
        return str(SITUATION_LABELS[self])


class Sector(StrEnum):
    CARE = "care"
    CLEANING = "cleaning"
    HOSPITALITY = "hospitality"
    RETAIL = "retail"
    LOGISTICS = "logistics"
    CONSTRUCTION = "construction"
    INDUSTRY = "industry"
    OFFICE = "office"
    PUBLIC = "public"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(SECTOR_LABELS[self])


class ContractKind(StrEnum):
    PERMANENT = "permanent"
    FIXED_TERM = "fixed_term"
    INTERIM = "interim"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(CONTRACT_LABELS[self])


SITUATION_LABELS: dict[Situation, Any] = {
    Situation.REGULAR_JOB: _l("Regular job"),
    Situation.TRAINING: _l("Training"),
    Situation.MEASURE: _l("Another measure"),
    Situation.BENEFITS: _l("Benefits"),
    Situation.UNKNOWN: _l("Unknown"),
}
SECTOR_LABELS: dict[Sector, Any] = {
    Sector.CARE: _l("Care and health"),
    Sector.CLEANING: _l("Cleaning"),
    Sector.HOSPITALITY: _l("Hospitality and catering"),
    Sector.RETAIL: _l("Retail"),
    Sector.LOGISTICS: _l("Logistics and transport"),
    Sector.CONSTRUCTION: _l("Construction"),
    Sector.INDUSTRY: _l("Industry"),
    Sector.OFFICE: _l("Office and administration"),
    Sector.PUBLIC: _l("Public sector"),
    Sector.OTHER: _l("Other sector"),
}
CONTRACT_LABELS: dict[ContractKind, Any] = {
    ContractKind.PERMANENT: _l("Permanent"),
    ContractKind.FIXED_TERM: _l("Fixed term"),
    ContractKind.INTERIM: _l("Interim"),
    ContractKind.OTHER: _l("Other contract"),
}


class AftercareRecord(TenantScoped, db.Model):
    """Where a client was on ``recorded_on``, after ``trajectory`` ended. Sector and contract kind
    are filled in for a regular job only. Nothing personal beyond that: the yearly report counts
    these records, also after the file is anonymised."""

    __table_args__ = (Index("ix_aftercare_record_org_on", "organisation_id", "recorded_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(
        ForeignKey("trajectory.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    recorded_on: Mapped[date] = mapped_column(Date)
    situation: Mapped[str] = mapped_column(String(20))
    sector: Mapped[str | None] = mapped_column(String(20))
    contract: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )

    @property
    def situation_label(self) -> str:
        return label_of(Situation, self.situation)

    @property
    def sector_label(self) -> str:
        return label_of(Sector, self.sector) if self.sector else "—"

    @property
    def contract_label(self) -> str:
        return label_of(ContractKind, self.contract) if self.contract else "—"
