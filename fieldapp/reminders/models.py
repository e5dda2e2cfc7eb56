from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.auth.models import User, UserSession
from fieldapp.common.tenancy import TenantScoped
from fieldapp.common.time import UTCDateTime, now_utc
from fieldapp.extensions import db


class PushSubscription(TenantScoped, db.Model):
    """One browser on one device that agreed to receive a user's notifications.

    The endpoint can be long, so it is unique through its SHA-256. The keys let the app encrypt a
    message that only that browser can read; the push service in between sees nothing. It lasts
    as long as the sign-in it was made in (``session_id``): the phone whose session was ended from
    elsewhere (a lost phone, a password change) gets no more reminders naming clients.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("user_session.id", ondelete="CASCADE"), index=True
    )
    endpoint: Mapped[str] = mapped_column(Text)
    endpoint_hash: Mapped[str] = mapped_column(String(64), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))
    auth: Mapped[str] = mapped_column(String(100))
    label: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User] = relationship()
    session: Mapped[UserSession] = relationship()


class ReminderStatus(StrEnum):
    PENDING = "pending"  # waiting for its moment, or for a retry
    # Handed over: pushed to a device, folded into a digest, shown in the app only, or given to the
    # mail queue (channel ``mail_queue``: its mail row says whether the e-mail arrived).
    SENT = "sent"
    FAILED = "failed"  # gave up: the reason is in ``last_error`` and on the admin page
    CANCELLED = "cancelled"  # its moment no longer exists (dates changed, trajectory ended)


class Reminder(TenantScoped, db.Model):
    """Something one person must be told at a moment; the rows are the schedule.

    ``key`` is unique per (rule, subject, moment): regenerating finds the row again instead of
    making a second one, and it is the notification's tag and the source of the push Topic. The
    rows of one ``scope`` (a client's file, or a mentorship between colleagues) are regenerated
    together. ``lease_until``/``claimed_by`` let one dispatcher at a time send a row; a crashed
    dispatcher's lease runs out and the row is sent again, with the same key.

    The rows are also the agenda that every page reads (``fieldapp/reminders/agenda.py``):
    ``moment`` is the day someone is told, ``event_on`` the day of the thing itself, and
    ``client_id`` the file it belongs to, for the home screen's and the caseload's joins.
    """

    __table_args__ = (
        Index("ix_reminder_due", "status", "next_attempt_at"),
        Index("ix_reminder_user_moment", "user_id", "moment"),
        Index("ix_reminder_client_moment", "client_id", "moment"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    scope: Mapped[str] = mapped_column(String(30), index=True, default="")
    subject_id: Mapped[int] = mapped_column(Integer)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    moment: Mapped[date] = mapped_column(Date)
    event_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=ReminderStatus.PENDING.value)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(String(32), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    channel: Mapped[str] = mapped_column(String(10), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    snoozed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # Passes quiet hours and the digest (an urgent notice, see fieldapp/reminders/notices.py).
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    user: Mapped[User | None] = relationship()


class NotificationSettings(TenantScoped, db.Model):
    """How and when one user wants to be told; absent = the defaults below."""

    user_id: Mapped[int] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True
    )
    quiet_from: Mapped[time] = mapped_column(Time, default=time(20, 0))
    quiet_until: Mapped[time] = mapped_column(Time, default=time(7, 0))
    quiet_weekends: Mapped[bool] = mapped_column(Boolean, default=True)
    digest: Mapped[bool] = mapped_column(Boolean, default=False)
    email_fallback: Mapped[bool] = mapped_column(Boolean, default=False)
