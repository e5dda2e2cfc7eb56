from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.common.tenancy import TenantScoped
from fieldapp.common.time import UTCDateTime, now_utc
from fieldapp.extensions import db


class WorksiteKind(StrEnum):
    INTERNAL = "internal"
    SOCIAL_ECONOMY = "social_economy"
    NON_PROFIT = "non_profit"
    PRIVATE = "private"

    @property
    def label(self) -> str:
        return str(WORKSITE_KIND_LABELS[self])


WORKSITE_KIND_LABELS = {
    WorksiteKind.INTERNAL: _l("Internal service"),
    WorksiteKind.SOCIAL_ECONOMY: _l("Social economy partner"),
    WorksiteKind.NON_PROFIT: _l("Non-profit organisation"),
    WorksiteKind.PRIVATE: _l("Private employer"),
}


class ContactRole(StrEnum):
    SUPERVISOR = "supervisor"
    COLLEAGUE = "colleague"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(CONTACT_ROLE_LABELS[self])


CONTACT_ROLE_LABELS = {
    ContactRole.SUPERVISOR: _l("Floor supervisor"),
    ContactRole.COLLEAGUE: _l("Colleague"),
    ContactRole.OTHER: _l("Other contact"),
}


class Worksite(TenantScoped, db.Model):
    """A place where clients work: shared by the whole organisation."""

    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    contacts: Mapped[list[Contact]] = relationship(
        back_populates="worksite", order_by="Contact.name"
    )


class Contact(TenantScoped, db.Model):
    """A person at a worksite: a floor supervisor, a colleague."""

    id: Mapped[int] = mapped_column(primary_key=True)
    worksite_id: Mapped[int] = mapped_column(
        ForeignKey("worksite.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20), default=ContactRole.SUPERVISOR.value)
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    language: Mapped[str | None] = mapped_column(String(2))

    worksite: Mapped[Worksite] = relationship(back_populates="contacts")
