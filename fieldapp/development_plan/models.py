from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.clients.models import Client
from fieldapp.common.tenancy import TenantScoped
from fieldapp.common.time import UTCDateTime, now_utc
from fieldapp.extensions import db

MAX_TEXT = 300
AGENDA_KIND = "goal"  # the kind of a goal's due moment in the agenda (``Reminder.kind``)


class GoalActor(StrEnum):
    """Who acts on a goal."""

    CLIENT = "client"
    SUPERVISOR = "supervisor"  # the floor supervisor
    COUNSELLOR = "counsellor"
    MENTOR = "mentor"

    @property
    def label(self) -> str:
        return str(ACTOR_LABELS[self])


class GoalStatus(StrEnum):
    OPEN = "open"
    ACHIEVED = "achieved"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


class GoalSource(StrEnum):
    """Where a goal came from; ``Goal.source_id`` names that record (none for ``HAND``)."""

    HAND = "hand"
    GROWTH_POINT = "growth_point"  # of an evaluation record (fieldapp.evaluations)
    BLIND_SPOT = "blind_spot"  # of a 360° round: ``source_id`` is the round

    @property
    def label(self) -> str:
        return str(SOURCE_LABELS[self])


ACTOR_LABELS: dict[GoalActor, Any] = {
    GoalActor.CLIENT: _l("Client"),
    GoalActor.SUPERVISOR: _l("Floor supervisor"),
    GoalActor.COUNSELLOR: _l("Counsellor"),
    GoalActor.MENTOR: _l("Mentor"),
}
STATUS_LABELS: dict[GoalStatus, Any] = {
    GoalStatus.OPEN: _l("open"),
    GoalStatus.ACHIEVED: _l("achieved"),
    GoalStatus.DROPPED: _l("dropped"),
}
SOURCE_LABELS: dict[GoalSource, Any] = {
    GoalSource.HAND: _l("by hand"),
    GoalSource.GROWTH_POINT: _l("growth point of an evaluation"),
    GoalSource.BLIND_SPOT: _l("blind spot of a 360° report"),
}


class Goal(TenantScoped, db.Model):
    """One goal of a trajectory's development plan.

    A goal made from a blind spot is unique per round and competence: a second tap on "make a
    goal" finds the first one instead of making another.
    """

    __table_args__ = (
        Index("ix_goal_trajectory_status", "trajectory_id", "status"),
        Index(
            "uq_goal_blind_spot",
            "source_id",
            "competence_key",
            unique=True,
            sqlite_where=db.text("source = 'blind_spot'"),
            postgresql_where=db.text("source = 'blind_spot'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(MAX_TEXT))
    competence_key: Mapped[str | None] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=GoalStatus.OPEN.value)
    status_on: Mapped[date | None] = mapped_column(Date)  # the day it was achieved or dropped
    source: Mapped[str] = mapped_column(String(20), default=GoalSource.HAND.value)
    source_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )

    client: Mapped[Client] = relationship()

    @property
    def status_enum(self) -> GoalStatus:
        return GoalStatus(self.status)

    @property
    def is_open(self) -> bool:
        return self.status == GoalStatus.OPEN.value
