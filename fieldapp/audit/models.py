from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.common.tenancy import TenantScoped
from fieldapp.common.time import UTCDateTime, now_utc
from fieldapp.extensions import db


class AuditEvent(TenantScoped, db.Model):
    """One audited action. Append-only: nothing in the app updates or deletes these rows."""

    __table_args__ = (
        Index("ix_audit_event_org_at", "organisation_id", "at"),
        Index("ix_audit_event_org_action", "organisation_id", "action"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[int | None]
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    # The user (fieldapp.auth, a layer above) by the name the mapper resolves once both are
    # mapped: the audit trail sits below the accounts, which write to it.
    actor = relationship("User", foreign_keys=[actor_id])
