"""A contact with or about a client, and a client's own contact rhythm."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.auth.models import User
from fieldapp.clients.models import Client
from fieldapp.common.tenancy import TenantScoped
from fieldapp.common.time import UTCDateTime, now_utc
from fieldapp.extensions import db


class ContactKind(StrEnum):
    WORKSITE_VISIT = "worksite_visit"
    PHONE_CALL = "phone_call"
    OFFICE = "office"
    HOME_VISIT = "home_visit"
    FLOOR_SUPERVISOR = "floor_supervisor"
    MESSAGE = "message"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])


KIND_LABELS: dict[ContactKind, Any] = {
    ContactKind.WORKSITE_VISIT: _l("Worksite visit"),
    ContactKind.PHONE_CALL: _l("Phone call"),
    ContactKind.OFFICE: _l("Office conversation"),
    ContactKind.HOME_VISIT: _l("Home visit"),
    ContactKind.FLOOR_SUPERVISOR: _l("Talk with the floor supervisor"),
    ContactKind.MESSAGE: _l("Message"),
}


class ContactMoment(TenantScoped, db.Model):
    """One contact with or about a client, stored by the UUID the device (or the form) made, so
    that sending it twice stores it once."""

    __table_args__ = (Index("ix_contact_moment_client_happened", "client_id", "happened_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    reached: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(String(500), default="")
    happened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    client: Mapped[Client] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    @property
    def recorded_by_name(self) -> str | None:
        """As a contact list's rows name it (``services.latest_of``)."""
        return self.recorded_by.name if self.recorded_by else None


class ClientContactRhythm(TenantScoped, db.Model):
    """A counsellor's own rhythm for one client, instead of the organisation's for its phase."""

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), unique=True)
    days: Mapped[int] = mapped_column(Integer)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)
