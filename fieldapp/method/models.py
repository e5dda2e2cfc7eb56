"""An organisation's own reminder rules, as stored (read through :mod:`fieldapp.method.rules`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.common.tenancy import TenantScoped
from fieldapp.common.time import UTCDateTime, now_utc
from fieldapp.extensions import db


class ReminderRule(TenantScoped, db.Model):
    """An organisation's own offsets for one kind of reminder (and scheme); absent = the default."""

    __table_args__ = (UniqueConstraint("organisation_id", "kind", "scheme"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    scheme: Mapped[str] = mapped_column(String(10), default="")
    offsets: Mapped[list[int]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)


class ContactRhythm(TenantScoped, db.Model):
    """An organisation's contact rhythm for one phase: a client in that phase is seen at least
    every ``days`` days (read through :mod:`fieldapp.method.rhythm`); absent = no rhythm."""

    __table_args__ = (UniqueConstraint("organisation_id", "phase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phase: Mapped[int] = mapped_column(Integer)
    days: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)
