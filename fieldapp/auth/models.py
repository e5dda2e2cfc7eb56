"""The users of an organisation, their signed-in devices and the tokens e-mailed to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.auth.roles import Role
from fieldapp.common.codes import label_of
from fieldapp.common.tenancy import TenantScoped
from fieldapp.common.time import UTCDateTime, now_utc
from fieldapp.extensions import db
from fieldapp.organisation.models import Organisation, Team


class User(TenantScoped, db.Model):
    """A person who signs in: counsellor, team lead or administrator of one organisation."""

    __tablename__ = "app_user"  # "user" is a reserved word in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20), default=Role.COUNSELLOR.value)
    language: Mapped[str | None] = mapped_column(String(2))
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("team.id", ondelete="SET NULL"), index=True
    )
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    team: Mapped[Team | None] = relationship()

    # The signed-in device this request acts for, set at sign-in and by the user loader (not
    # columns, hence no annotations): the raw id is all that the session and remember-me cookies
    # carry, the record is its UserSession (see auth/sessions.py).
    session_key = None
    session_record = None
    # The figures counted with the user when this request loaded them (a dict, see
    # sessions.count_with_user).
    figures = None

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    @property
    def may_sign_in(self) -> bool:
        """Active and of a role this release knows: a role written by a later release, before a
        downgrade, grants nothing, so its holder is refused as an inactive account is."""
        return self.active and self.role_enum is not None

    def get_id(self) -> str | None:
        return self.session_key

    # Roles
    @property
    def role_enum(self) -> Role | None:
        """The role, or None for a role this release does not know (it grants nothing)."""
        try:
            return Role(self.role)
        except ValueError:
            return None

    @property
    def role_label(self) -> str:
        """The role as a person reads it; an unknown role reads as itself (and grants nothing:
        :meth:`has_role` denies every role to it)."""
        return label_of(Role, self.role)

    def has_role(self, minimum: Role) -> bool:
        role = self.role_enum
        return role is not None and role.rank >= minimum.rank

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.ADMIN)

    @property
    def is_team_lead(self) -> bool:
        return self.role_enum is Role.TEAM_LEAD

    @property
    def invitation_pending(self) -> bool:
        return self.password_hash is None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class PasswordResetRequest(db.Model):
    """An address someone typed on "forgot password", kept until the scheduler has mailed a link
    (if the address has an account) or dropped it (if not). Writing this row is all a request
    does, whatever the address: its answer and its time say nothing about accounts."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class TokenPurpose:
    RESET = "reset"
    INVITE = "invite"


class UserToken(TenantScoped, db.Model):
    """A secret e-mailed link for a password reset or an invitation; only its hash is kept."""

    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class UserSession(TenantScoped, db.Model):
    """One signed-in device. Its random id is kept only as a hash; ended sessions stay for a while
    as a record (the list of devices shows open ones only)."""

    __table_args__ = (UniqueConstraint("key_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    device: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "Keep me signed in on this device": without it, the sign-in also ends after the session
    # cookie's lifetime without use (auth/sessions.py, ``idle_limit``).
    remembered: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship()
