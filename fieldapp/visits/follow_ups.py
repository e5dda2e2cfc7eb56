"""Follow-ups: the actions agreed during visits, on their owner's home screen until done."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Row, Select, bindparam, select

from fieldapp.audit import services as audit
from fieldapp.auth.models import User
from fieldapp.clients.models import Client
from fieldapp.common.rules import RuleBroken
from fieldapp.common.tenancy import of_tenant, tenant_rows
from fieldapp.common.time import now_utc
from fieldapp.extensions import db
from fieldapp.visits.models import FollowUp, Visit


def due_for(user: User, today: date, *, limit: int, days: int = 7) -> Sequence[Row[Any]]:
    """``user``'s open follow-ups due within ``days``, late ones first (the first ``limit``):
    each one's ``id``, ``visit_id``, ``text``, ``due_on`` and ``client_name``, which the home
    screen shows (see ``tenancy.tenant_rows``)."""
    values = {"owner_id": user.id, "until": today + timedelta(days=days), "limit": limit}
    return tenant_rows(_open_until(), user.organisation_id, values)


@cache
def _open_until() -> Select:
    """Built once: the home screen asks it on every open."""
    return (
        select(
            FollowUp.id,
            FollowUp.visit_id,
            FollowUp.text,
            FollowUp.due_on,
            Client.full_name.label("client_name"),
        )
        .join(Client, Client.id == FollowUp.client_id)
        .where(FollowUp.owner_id == bindparam("owner_id"), FollowUp.done_at.is_(None))
        .where(FollowUp.due_on <= bindparam("until"))
        .where(of_tenant(FollowUp), of_tenant(Client))
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
