"""Organisations (the tenants) and their teams."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.common.tenancy import TenantScoped
from fieldapp.common.time import UTCDateTime, now_utc
from fieldapp.extensions import db


class Organisation(db.Model):
    """One OCMW/CPAS. Every tenant record points here."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    default_language: Mapped[str] = mapped_column(String(2), default="nl")
    # Months after a trajectory ends before the client's file is anonymised automatically.
    retention_months: Mapped[int] = mapped_column(Integer, default=60, server_default="60")
    # Fewest answers a colleague or network group needs before the feedback report shows it.
    feedback_threshold: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # Renewed by every change of the organisation's competence frameworks: an app server keeps
    # the framework in use by it (``feedback.frameworks.framework_in_use``). Random, so that an
    # organisation made after another one's removal never takes a stamp that was kept.
    framework_stamp: Mapped[str] = mapped_column(
        String(16), default=lambda: secrets.token_hex(8), server_default=""
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"

    def renew_framework_stamp(self) -> None:
        self.framework_stamp = secrets.token_hex(8)


class Team(TenantScoped, db.Model):
    """A group of counsellors; its team lead sees the clients of everyone in it."""

    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
