from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.auth.models import User
from fieldapp.clients.models import Client
from fieldapp.common.tenancy import TenantScoped
from fieldapp.extensions import db
from fieldapp.worksites.models import Contact


class Mentorship(TenantScoped, db.Model):
    """A mentor (a worksite contact or a colleague) paired with a client or a new counsellor."""

    __table_args__ = (
        CheckConstraint(
            "(mentor_contact_id IS NULL) <> (mentor_user_id IS NULL)", name="one_mentor"
        ),
        CheckConstraint(
            "(mentee_client_id IS NULL) <> (mentee_user_id IS NULL)", name="one_mentee"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    mentor_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), index=True
    )
    mentee_client_id: Mapped[int | None] = mapped_column(
        ForeignKey("client.id", ondelete="CASCADE"), index=True
    )
    mentee_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), index=True
    )
    starts_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(200), default="")

    mentor_contact: Mapped[Contact | None] = relationship()
    mentor_user: Mapped[User | None] = relationship(foreign_keys=[mentor_user_id])
    mentee_client: Mapped[Client | None] = relationship()
    mentee_user: Mapped[User | None] = relationship(foreign_keys=[mentee_user_id])
    check_ins: Mapped[list[CheckIn]] = relationship(
        order_by="CheckIn.due_on", cascade="all, delete-orphan"
    )

    @property
    def mentor_name(self) -> str:
        mentor = self.mentor_contact or self.mentor_user
        return mentor.name if mentor else ""


class CheckIn(TenantScoped, db.Model):
    """A planned mentor check-in; the reminders send them."""

    __table_args__ = (Index("ix_check_in_org_due", "organisation_id", "done_on", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(
        ForeignKey("mentorship.id", ondelete="CASCADE"), index=True
    )
    days: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)
