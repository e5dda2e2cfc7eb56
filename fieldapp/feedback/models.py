from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.common.tenancy import TenantScoped
from fieldapp.common.time import UTCDateTime, now_utc
from fieldapp.extensions import db


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
