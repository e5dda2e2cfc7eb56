"""Reading an organisation's records (the administrator changes them in fieldapp/admin)."""

from __future__ import annotations

from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.organisation.models import Team


def teams() -> list[Team]:
    """The active organisation's teams, by name."""
    return list(db.session.scalars(select(Team).order_by(Team.name)))
