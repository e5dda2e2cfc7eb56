from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.auth.models import User
from fieldapp.clients.models import Client
from fieldapp.common.codes import label_of
from fieldapp.common.tenancy import TenantScoped
from fieldapp.common.time import UTCDateTime, now_utc
from fieldapp.extensions import db
from fieldapp.worksites.models import Worksite


class VisitStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return str(VISIT_STATUS_LABELS[self])


VISIT_STATUS_LABELS: dict[VisitStatus, Any] = {
    VisitStatus.PLANNED: _l("Planned"),
    VisitStatus.DONE: _l("Done"),
    VisitStatus.CANCELLED: _l("Cancelled"),
}


class Visit(TenantScoped, db.Model):
    """A workplace visit of a counsellor to a client."""

    __table_args__ = (
        Index("ix_visit_org_counsellor_starts", "organisation_id", "counsellor_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    counsellor_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    worksite_id: Mapped[int | None] = mapped_column(ForeignKey("worksite.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    minutes: Mapped[int] = mapped_column(Integer, default=60)
    purpose: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(12), default=VisitStatus.PLANNED.value)
    # Made by the phone for a visit recorded without signal (an unplanned one, see
    # ``fieldapp.visits.unplanned``): a repeated send finds the visit instead of making another.
    visit_uuid: Mapped[str | None] = mapped_column(String(36), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    client: Mapped[Client] = relationship()
    counsellor: Mapped[User] = relationship()
    worksite: Mapped[Worksite | None] = relationship()

    @property
    def ends_at(self) -> datetime:
        try:
            return self.starts_at + timedelta(minutes=self.minutes)
        except OverflowError:  # stored at the very end of the calendar (old or imported data)
            return datetime.max.replace(tzinfo=UTC)

    @property
    def is_planned(self) -> bool:
        return self.status == VisitStatus.PLANNED

    @property
    def status_label(self) -> str:
        return label_of(VisitStatus, self.status)


class CalendarFeed(TenantScoped, db.Model):
    """A user's personal, revocable iCalendar feed; only the hash of its secret is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class NoteRevision(TenantScoped, db.Model):
    """One version of an on-site note; see ``fieldapp.visits.notes`` for how they chain."""

    __table_args__ = (Index("ix_note_revision_visit_note", "visit_id", "note_uuid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    note_uuid: Mapped[str] = mapped_column(String(36))
    parent_uuid: Mapped[str | None] = mapped_column(String(36))
    replaces: Mapped[list[str]] = mapped_column(JSON, default=list)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    body: Mapped[str] = mapped_column(Text)
    observations: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class FollowUp(TenantScoped, db.Model):
    """An action agreed during a visit, with a due date; on its owner's home screen until done.

    Made from a note by the device's ``action_uuid``, so that a repeated send adds no second row.
    """

    __table_args__ = (Index("ix_follow_up_owner_open", "organisation_id", "owner_id", "done_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    note_uuid: Mapped[str] = mapped_column(String(36))
    visit_id: Mapped[int] = mapped_column(ForeignKey("visit.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    text: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    client: Mapped[Client] = relationship()
