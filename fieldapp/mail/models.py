from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.common.tenancy import TenantScoped
from fieldapp.common.time import UTCDateTime, now_utc
from fieldapp.extensions import db


class MailStatus(StrEnum):
    QUEUED = "queued"  # waiting for the next mail pass, or for a retry after a failure
    SENT = "sent"  # the mail server took it; the body is blanked in the same update
    FAILED = "failed"  # given up: the reason is in ``last_error`` and on the admin page


class OutgoingMail(TenantScoped, db.Model):
    """One e-mail to send, written in the same transaction as what caused it.

    The scheduler's mail pass sends due rows (:mod:`fieldapp.mail.delivery`); ``lease_until`` and
    ``claimed_by`` let one pass at a time send a row. ``body`` may hold a secret link: it is never
    logged, it is blanked as soon as the row is sent, and a failed row's body is blanked a week
    after it failed. ``about_kind``/``about_id`` name what caused it (``("invitation", 12)``), so
    that a page can say whether that mail went out. ``last_error`` is a short reason, never the
    server's answer nor an address.
    """

    __tablename__ = "outgoing_mail"
    __table_args__ = (
        Index("ix_outgoing_mail_due", "status", "next_attempt_at"),
        Index("ix_outgoing_mail_about", "about_kind", "about_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=MailStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str] = mapped_column(String(32), default="")
    last_error: Mapped[str] = mapped_column(String(120), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    about_kind: Mapped[str] = mapped_column(String(20), default="")
    about_id: Mapped[int | None] = mapped_column(Integer)

    @property
    def delivery(self) -> str:
        """``sent``, ``failed``, ``retrying`` (queued again after a refusal) or ``queued``."""
        if self.status == MailStatus.QUEUED.value and self.last_error:
            return "retrying"
        return self.status

    @property
    def kept(self) -> bool:
        """Whether the message itself is still here to be sent again."""
        return self.body != ""
