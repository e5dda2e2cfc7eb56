from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.clients.models import Client
from fieldapp.common.tenancy import TenantScoped
from fieldapp.common.time import UTCDateTime, now_utc
from fieldapp.extensions import db


class ReferralStatus(StrEnum):
    PROPOSED = "proposed"
    SENT = "sent"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return str(REFERRAL_STATUS_LABELS[self])

    @property
    def is_open(self) -> bool:
        return self not in {ReferralStatus.CLOSED, ReferralStatus.DECLINED}


REFERRAL_STATUS_LABELS: dict[ReferralStatus, Any] = {
    ReferralStatus.PROPOSED: _l("Proposed"),
    ReferralStatus.SENT: _l("Referred"),
    ReferralStatus.IN_PROGRESS: _l("In progress"),
    ReferralStatus.CLOSED: _l("Closed"),
    ReferralStatus.DECLINED: _l("Declined"),
}
OPEN_STATUSES = tuple(s.value for s in ReferralStatus if s.is_open)

# Suggestions for the partner field; any other partner can be typed.
PARTNER_SUGGESTIONS = (
    "CAW",
    "Schuldbemiddeling",
    "Huurdersbond",
    "Taalcoaching",
    "VDAB",
    "CGG (geestelijke gezondheidszorg)",
    "Kinderopvang",
)


class Referral(TenantScoped, db.Model):
    """A hand-off to a partner service. The reason is sensitive: it is shown only to those who
    may see the sensitive part of the file."""

    __table_args__ = (
        Index("ix_referral_org_status_follow_up", "organisation_id", "status", "follow_up_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    partner: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=ReferralStatus.PROPOSED.value)
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    closed_on: Mapped[date | None] = mapped_column(Date)

    client: Mapped[Client] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
