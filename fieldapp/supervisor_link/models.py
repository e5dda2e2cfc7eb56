"""The supervisor's link to a placement, the monthly pulses given there and what was reported.

A placement is an open trajectory with a worksite and a floor supervisor; its link is one row per
trajectory. Only the SHA-256 of the secret is kept (``fieldapp.common.secret_links``); the hash of
the link it replaced is kept too, so that whoever opens the old one is told it was replaced.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import IntEnum, StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.common.codes import label_of
from fieldapp.common.tenancy import TenantScoped
from fieldapp.common.time import UTCDateTime, now_utc
from fieldapp.extensions import db
from fieldapp.trajectories.models import Trajectory
from fieldapp.visits.models import Visit

MAX_LINE = 200  # the pulse's one optional line
MAX_TEXT = 500  # what a report says


class SupervisorLink(TenantScoped, db.Model):
    """The floor supervisor's link to one placement (a trajectory), valid while it runs."""

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(
        ForeignKey("trajectory.id", ondelete="CASCADE"), unique=True
    )
    # The supervisor it was made for: another supervisor on the placement does not inherit it.
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    replaced_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The month (YYYY-MM, local) of the last e-mail reminding the supervisor of the pulse.
    reminded_month: Mapped[str] = mapped_column(String(7), default="", server_default="")

    trajectory: Mapped[Trajectory] = relationship()


class Rating(IntEnum):
    """One of the three big choices of a pulse question: 3 is good, 1 is a worry."""

    GOOD = 3
    MIXED = 2
    WORRY = 1


class PulseQuestion(StrEnum):
    GOING = "going"
    ATTENDANCE = "attendance"
    ATTITUDE = "attitude"

    @property
    def label(self) -> str:
        return str(QUESTION_LABELS[self])

    def choice_label(self, rating: int) -> str:
        return str(CHOICE_LABELS[self][Rating(rating)])


QUESTION_LABELS: dict[PulseQuestion, Any] = {
    PulseQuestion.GOING: _l("How is it going?"),
    PulseQuestion.ATTENDANCE: _l("Attendance"),
    PulseQuestion.ATTITUDE: _l("Attitude"),
}
CHOICE_LABELS: dict[PulseQuestion, dict[Rating, Any]] = {
    PulseQuestion.GOING: {
        Rating.GOOD: _l("Well"),
        Rating.MIXED: _l("So-so"),
        Rating.WORRY: _l("Not well"),
    },
    PulseQuestion.ATTENDANCE: {
        Rating.GOOD: _l("There and on time"),
        Rating.MIXED: _l("Sometimes absent or late"),
        Rating.WORRY: _l("Often absent or late"),
    },
    PulseQuestion.ATTITUDE: {
        Rating.GOOD: _l("Positive"),
        Rating.MIXED: _l("Mixed"),
        Rating.WORRY: _l("Worrying"),
    },
}


class Pulse(TenantScoped, db.Model):
    """The supervisor's pulse of one month (local ``YYYY-MM``); a second one that month replaces
    the first."""

    __tablename__ = "supervisor_pulse"
    __table_args__ = (UniqueConstraint("trajectory_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    month: Mapped[str] = mapped_column(String(7))
    going: Mapped[int] = mapped_column(Integer)
    attendance: Mapped[int] = mapped_column(Integer)
    attitude: Mapped[int] = mapped_column(Integer)
    line: Mapped[str] = mapped_column(String(MAX_LINE), default="")
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class ReportKind(StrEnum):
    ABSENCE = "absence"
    INCIDENT = "incident"
    QUESTION = "question"
    VISIT_PROPOSED = "visit_proposed"  # a time the supervisor proposes for a visit
    VISIT_CONFIRMED = "visit_confirmed"  # the supervisor confirmed a planned visit

    @property
    def label(self) -> str:
        return str(REPORT_LABELS[self])


REPORT_LABELS: dict[ReportKind, Any] = {
    ReportKind.ABSENCE: _l("Absence"),
    ReportKind.INCIDENT: _l("Incident"),
    ReportKind.QUESTION: _l("Question"),
    ReportKind.VISIT_PROPOSED: _l("Visit time proposed"),
    ReportKind.VISIT_CONFIRMED: _l("Visit confirmed"),
}


class SupervisorReport(TenantScoped, db.Model):
    """What the supervisor told the counsellor at the link. ``once`` is the form's own key: a
    form sent twice (a double tap, a reload) is stored once."""

    __table_args__ = (
        UniqueConstraint("trajectory_id", "once"),
        Index("ix_supervisor_report_client_made", "client_id", "made_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(ForeignKey("trajectory.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    text: Mapped[str] = mapped_column(String(MAX_TEXT), default="")
    on_day: Mapped[date | None] = mapped_column(Date)  # the day of an absence
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a proposed visit time
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visit.id", ondelete="SET NULL"))
    once: Mapped[str] = mapped_column(String(32))
    made_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    visit: Mapped[Visit | None] = relationship()

    @property
    def kind_label(self) -> str:
        return label_of(ReportKind, self.kind)
