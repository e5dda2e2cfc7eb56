from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.clients.models import Client
from fieldapp.common.tenancy import TenantScoped
from fieldapp.common.time import UTCDateTime, local_zone, now_utc
from fieldapp.extensions import db
from fieldapp.trajectories.models import Trajectory


class Framework(TenantScoped, db.Model):
    """An organisation's own competence framework, copied from the shipped one or another.

    At most one is ``in_use``: notes and new feedback rounds take their competences from it (or from
    the shipped framework when none is). Rounds keep a copy of the competences they started with, so
    editing a framework never changes a round that is under way.
    """

    __table_args__ = (
        Index(
            "uq_framework_in_use",
            "organisation_id",
            unique=True,
            sqlite_where=db.text("in_use"),
            postgresql_where=db.text("in_use"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    in_use: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)

    competences: Mapped[list[Competence]] = relationship(
        back_populates="framework",
        order_by="Competence.position",
        cascade="all, delete-orphan",
    )


class Competence(TenantScoped, db.Model):
    """One competence: a stable key, and a label and an observable description per language."""

    __table_args__ = (UniqueConstraint("framework_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("framework.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[dict[str, str]] = mapped_column(JSON)
    description: Mapped[dict[str, str]] = mapped_column(JSON)

    framework: Mapped[Framework] = relationship(back_populates="competences")


class RaterGroup(StrEnum):
    SELF = "self"
    SUPERVISOR = "supervisor"
    COLLEAGUE = "colleague"
    NETWORK = "network"
    COUNSELLOR = "counsellor"

    @property
    def anonymous(self) -> bool:
        """Colleagues and the client's network are shown only as a group of enough people."""
        return self in (RaterGroup.COLLEAGUE, RaterGroup.NETWORK)


def closing_moment(deadline: date, closed_at: datetime | None) -> datetime:
    """The moment a round stops taking answers, for good: when the counsellor closed it, or else
    the end of the deadline day (local midnight after it). Links stop then, and only then does the
    report show the anonymous groups, so no answer of theirs can be read by comparing the report
    before and after it arrives."""
    day_after = datetime.combine(deadline + timedelta(days=1), time.min, local_zone())
    return min(closed_at, day_after) if closed_at else day_after


class FeedbackRound(TenantScoped, db.Model):
    """A 360° round for one trajectory. It keeps the competences it started with (``competences``:
    key, label and description per language), whatever happens to the framework afterwards."""

    id: Mapped[int] = mapped_column(primary_key=True)
    trajectory_id: Mapped[int] = mapped_column(
        ForeignKey("trajectory.id", ondelete="CASCADE"), index=True
    )
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    started_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    framework_name: Mapped[str] = mapped_column(String(120))
    competences: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    deadline: Mapped[date] = mapped_column(Date)
    # The organisation's anonymity threshold when the round started: what its raters were told
    # ("only shown in a group of at least N"). A report never shows a group below it, whatever
    # the organisation's threshold becomes; a higher one applies too (see report.threshold_of).
    threshold: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the counsellor closes the round before its deadline (or releases the report). A
    # round is closed from then, or from the end of its deadline day, for good: see closes_at.
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Made when the counsellor is asked to confirm: the same confirmation sent twice (a second tap)
    # finds the round it started instead of starting another one and mailing everyone twice.
    start_key: Mapped[str | None] = mapped_column(String(32), unique=True)

    invitations: Mapped[list[Invitation]] = relationship(
        back_populates="round", order_by="Invitation.id", cascade="all, delete-orphan"
    )
    client: Mapped[Client] = relationship()
    trajectory: Mapped[Trajectory] = relationship()

    @property
    def closes_at(self) -> datetime:
        """The moment the round stops taking answers, for good: see :func:`closing_moment`."""
        return closing_moment(self.deadline, self.closed_at)

    def is_closed(self, moment: datetime | None = None) -> bool:
        return (moment or now_utc()) >= self.closes_at


class Invitation(TenantScoped, db.Model):
    """One rater's secret link; only the SHA-256 of the link's secret is kept."""

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_round.id", ondelete="CASCADE"), index=True
    )
    rater_group: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), default="")
    language: Mapped[str] = mapped_column(String(2), default="nl")
    # The client's own link opens the easy-read form (one question a screen, pictures, read
    # aloud) when the counsellor chose it; either form offers the other.
    easy_read: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Answers saved before submitting ("continue later", or the page's autosave).
    draft: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    round: Mapped[FeedbackRound] = relationship(back_populates="invitations")

    @property
    def group(self) -> RaterGroup:
        return RaterGroup(self.rater_group)

    @property
    def may_be_waiting(self) -> bool:
        """Whether, as far as the counsellor may know, this rater may still answer: the link is
        not stopped and, for a named rater, no answer came. Whether one colleague or one member of
        the network answered is never told (only how many of their group did), so for them this
        stays True after they answered; reminders go only to those who did not, all the same."""
        if self.revoked_at is not None:
            return False
        return self.group.anonymous or self.submitted_at is None


class LinkEnd(StrEnum):
    """Why a link that was handed out no longer works."""

    REPLACED = "replaced"  # a new link was made (shown, or e-mailed as a reminder)
    STOPPED = "stopped"  # the counsellor stopped it


class EndedLink(TenantScoped, db.Model):
    """A rater's link that no longer works, kept as its hash with why it ended, so that whoever
    opens it is told (a newer link exists; the counsellor stopped it) instead of "unknown link".

    An invitation's current link is its ``token_hash``; a stopped current link has ``revoked_at``.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitation.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    reason: Mapped[str] = mapped_column(String(12))
    ended_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    invitation: Mapped[Invitation] = relationship()


class FeedbackResponse(TenantScoped, db.Model):
    """A submitted answer. One per invitation (a unique key), so a double submit stores one."""

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitation.id", ondelete="CASCADE"), unique=True
    )
    round_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_round.id", ondelete="CASCADE"), index=True
    )
    rater_group: Mapped[str] = mapped_column(String(12))
    # competence key -> 1..5, or None for "cannot judge"
    scores: Mapped[dict[str, int | None]] = mapped_column(JSON)
    comments: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    overall_comment: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # The counsellor who filled in the client's self-assessment together with them, on the
    # counsellor's own phone (assisted mode); the report says so. None: the rater did it alone.
    assisted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL")
    )
