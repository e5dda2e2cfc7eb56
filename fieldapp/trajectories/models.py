from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.clients.models import Client
from fieldapp.common.tenancy import TenantScoped
from fieldapp.common.time import UTCDateTime, now_utc
from fieldapp.extensions import db
from fieldapp.worksites.models import Contact, Worksite


class TrajectoryRef(Protocol):
    """A trajectory as far as a query of its rows needs it: a record, or what a page listed of
    one (``caseload.file_trajectories``)."""

    @property
    def id(self) -> int: ...

    @property
    def organisation_id(self) -> int: ...


class Trajectory(TenantScoped, db.Model):
    """One activation path of a client; at most one is open (``ended_on`` is NULL) per client."""

    __table_args__ = (
        Index(
            "uq_trajectory_one_open_per_client",
            "client_id",
            unique=True,
            sqlite_where=db.text("ended_on IS NULL"),
            postgresql_where=db.text("ended_on IS NULL"),
        ),
        Index("ix_trajectory_org_scheme_phase", "organisation_id", "scheme", "phase"),
        Index("ix_trajectory_org_planned_end", "organisation_id", "planned_end_on"),
        Index("ix_trajectory_org_ended", "organisation_id", "ended_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[str] = mapped_column(String(10))
    phase: Mapped[int] = mapped_column(Integer, default=1)
    started_on: Mapped[date] = mapped_column(Date)
    planned_end_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(20))
    worksite_id: Mapped[int | None] = mapped_column(
        ForeignKey("worksite.id", ondelete="SET NULL"), index=True
    )
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    client: Mapped[Client] = relationship()
    worksite: Mapped[Worksite | None] = relationship()
    supervisor: Mapped[Contact | None] = relationship()
    regimes: Mapped[list[RegimePeriod]] = relationship(
        order_by="RegimePeriod.starts_on", cascade="all, delete-orphan"
    )
    evaluations: Mapped[list[Evaluation]] = relationship(
        order_by="Evaluation.due_on", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class RegimePeriod(TenantScoped, db.Model):
    """Working time from a date on (gradual build-up, part-time: "TWE 2.0")."""

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(
        ForeignKey("trajectory.id", ondelete="CASCADE"), index=True
    )
    starts_on: Mapped[date] = mapped_column(Date)
    hours_per_week: Mapped[Decimal] = mapped_column(Numeric(4, 1))
    note: Mapped[str] = mapped_column(String(200), default="")


class ChecklistAnswer(TenantScoped, db.Model):
    """A short answer to one item of a phase's checklist."""

    __table_args__ = (UniqueConstraint("trajectory_id", "item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"))
    item: Mapped[str] = mapped_column(String(40))
    answer: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )


class Evaluation(TenantScoped, db.Model):
    """An evaluation moment of a trajectory (e.g. art. 60: 1, 3, 6, 12 and 18 months in)."""

    __table_args__ = (Index("ix_evaluation_org_due", "organisation_id", "done_on", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(
        ForeignKey("trajectory.id", ondelete="CASCADE"), index=True
    )
    months: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    # Agreed at an evaluation meeting (see trajectories.services.plan_next_evaluation): when the
    # rules plan the trajectory again, this date stays.
    agreed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
