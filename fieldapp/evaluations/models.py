"""An evaluation record and its per-competence judgements.

A record hangs on an evaluation moment (``trajectories.models.Evaluation``). Its versions share
the moment and are numbered from 1; at most one is a draft (being typed). Closing makes a draft
final; a closed version is never changed again: a correction is a new draft version (a copy) that
replaces the old one once closed, and the old one stays readable.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.auth.models import User
from fieldapp.clients.models import Client
from fieldapp.common.codes import label_of
from fieldapp.common.tenancy import TenantScoped
from fieldapp.common.time import UTCDateTime, now_utc
from fieldapp.extensions import db
from fieldapp.trajectories.models import Evaluation, Trajectory


class RecordStatus(StrEnum):
    DRAFT = "draft"
    CLOSED = "closed"


class Decision(StrEnum):
    CONTINUE = "continue"
    ADJUST = "adjust"
    END = "end"

    @property
    def label(self) -> str:
        return str(DECISION_LABELS[self])


DECISION_LABELS: dict[Decision, Any] = {
    Decision.CONTINUE: _l("Continue as agreed"),
    Decision.ADJUST: _l("Continue with adjustments"),
    Decision.END: _l("End the trajectory"),
}


class ParticipantKind(StrEnum):
    CLIENT = "client"
    SUPERVISOR = "supervisor"
    COUNSELLOR = "counsellor"
    MENTOR = "mentor"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(PARTICIPANT_LABELS[self])


PARTICIPANT_LABELS: dict[ParticipantKind, Any] = {
    ParticipantKind.CLIENT: _l("Client"),
    ParticipantKind.SUPERVISOR: _l("Floor supervisor"),
    ParticipantKind.COUNSELLOR: _l("Counsellor"),
    ParticipantKind.MENTOR: _l("Mentor"),
    ParticipantKind.OTHER: _l("Other"),
}


class EvaluationRecord(TenantScoped, db.Model):
    """One version of what an evaluation moment recorded."""

    __table_args__ = (
        UniqueConstraint("evaluation_id", "version"),
        Index(
            "uq_evaluation_record_one_draft",
            "evaluation_id",
            unique=True,
            sqlite_where=db.text("status = 'draft'"),
            postgresql_where=db.text("status = 'draft'"),
        ),
        Index("ix_evaluation_record_client_status", "client_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation.id", ondelete="CASCADE"), index=True
    )
    trajectory_id: Mapped[int] = mapped_column(
        ForeignKey("trajectory.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(10), default=RecordStatus.DRAFT.value)
    held_on: Mapped[date | None] = mapped_column(Date)
    # [{"kind": ParticipantKind, "name": str}, ...]
    participants: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    strengths: Mapped[str] = mapped_column(Text, default="")
    # [{"text": str, "competence": key or None}, ...]
    growth_points: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    agreements: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str | None] = mapped_column(String(10))
    next_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))

    evaluation: Mapped[Evaluation] = relationship()
    trajectory: Mapped[Trajectory] = relationship()
    client: Mapped[Client] = relationship()
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    judgements: Mapped[list[EvaluationJudgement]] = relationship(
        back_populates="record",
        order_by="EvaluationJudgement.position",
        cascade="all, delete-orphan",
    )

    @property
    def is_closed(self) -> bool:
        return self.status == RecordStatus.CLOSED.value

    @property
    def decision_enum(self) -> Decision | None:
        """None while no decision is chosen, or when this release does not know the stored one:
        it is then chosen again before the record closes."""
        try:
            return Decision(self.decision) if self.decision else None
        except ValueError:
            return None

    @property
    def decision_label(self) -> str:
        return label_of(Decision, self.decision) if self.decision else "—"

    def scores(self) -> dict[str, int | None]:
        return {row.competence_key: row.score for row in self.judgements}


class EvaluationJudgement(TenantScoped, db.Model):
    """The participants' agreed judgement of one competence (1 to 5, or none given yet); the
    competence's label is kept as it read when the row was written."""

    __table_args__ = (UniqueConstraint("record_id", "competence_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_record.id", ondelete="CASCADE"), index=True
    )
    competence_key: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(80), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[int | None] = mapped_column(Integer)

    record: Mapped[EvaluationRecord] = relationship(back_populates="judgements")
