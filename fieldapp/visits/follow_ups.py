"""Follow-ups: the actions agreed during visits, on their owner's home screen until done."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload

from fieldapp.audit import services as audit
from fieldapp.auth.models import User
from fieldapp.common.rules import RuleBroken
from fieldapp.common.time import now_utc
from fieldapp.extensions import db
from fieldapp.visits.models import FollowUp, Visit


def due_for(user: User, today: date, *, limit: int, days: int = 7) -> list[FollowUp]:
    """``user``'s open follow-ups due within ``days``, late ones first (the first ``limit``)."""
    values = {"owner_id": user.id, "until": today + timedelta(days=days), "limit": limit}
    return list(db.session.scalars(_open_until(), values))


@cache
def _open_until() -> Select:
    """Built once: the home screen asks it on every open."""
    return (
        select(FollowUp)
        .options(joinedload(FollowUp.client))
        .where(FollowUp.owner_id == bindparam("owner_id"), FollowUp.done_at.is_(None))
        .where(FollowUp.due_on <= bindparam("until"))
        .order_by(FollowUp.due_on, FollowUp.id)
        .limit(bindparam("limit"))
    )


def of_visit(visit: Visit) -> list[FollowUp]:
    return list(
        db.session.scalars(
            select(FollowUp).where(FollowUp.visit_id == visit.id).order_by(FollowUp.due_on)
        )
    )


def complete(actor: User, follow_up: FollowUp) -> None:
    if follow_up.done_at is not None:
        raise RuleBroken(_("This follow-up is already done."))
    follow_up.done_at = now_utc()
    audit.record(
        "visit.follow_up_done",
        organisation_id=follow_up.organisation_id,
        actor=actor,
        target=follow_up,
    )
    db.session.flush()
