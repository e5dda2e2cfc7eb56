"""The contact rhythm: how often a client in each phase must be seen, as an organisation sets it.

Shipped without a rhythm (no phase has one) so that an organisation chooses its own on the
reminder rules page; a counsellor may give one client another rhythm
(``fieldapp.contact_moments.rhythm``). A rhythm is a number of days; none means no reminder.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from fieldapp.audit import services as audit
from fieldapp.auth.models import User
from fieldapp.common.numbers import whole_number
from fieldapp.common.rules import RuleBroken
from fieldapp.extensions import db
from fieldapp.method import PHASES
from fieldapp.method.models import ContactRhythm

MIN_DAYS, MAX_DAYS = 1, 365


def of_organisation(organisation_id: int) -> dict[int, int | None]:
    """Each phase's rhythm in days (None: no rhythm), one query."""
    own = dict(
        db.session.execute(
            select(ContactRhythm.phase, ContactRhythm.days).where(
                ContactRhythm.organisation_id == organisation_id
            )
        ).all()
    )
    return {phase: own.get(phase) for phase in PHASES}


def parse_days(text: str) -> int | None:
    """ "14" → 14; empty means no rhythm."""
    text = (text or "").strip()
    if not text:
        return None
    value = whole_number(text)
    if value is None or not MIN_DAYS <= value <= MAX_DAYS:
        raise RuleBroken(
            _(
                "Use a whole number of days from %(low)d to %(high)d, or leave it empty.",
                low=MIN_DAYS,
                high=MAX_DAYS,
            )
        )
    return value


def save(actor: User, changes: dict[int, int | None]) -> bool:
    """Keep the organisation's rhythm per phase; returns whether anything changed (the caller
    then plans the organisation's agenda again)."""
    organisation_id = actor.organisation_id
    rows = {
        row.phase: row
        for row in db.session.scalars(
            select(ContactRhythm).where(ContactRhythm.organisation_id == organisation_id)
        )
    }
    changed: dict[int, int | None] = {}
    for phase, days in changes.items():
        if phase not in PHASES:
            continue
        row = rows.get(phase)
        if (row.days if row else None) == days:
            continue
        changed[phase] = days
        if days is None:
            db.session.delete(row)
        elif row is None:
            db.session.add(ContactRhythm(organisation_id=organisation_id, phase=phase, days=days))
        else:
            row.days = days
    if changed:
        audit.record(
            "contacts.rhythm_changed",
            organisation_id=organisation_id,
            actor=actor,
            detail={str(phase): days for phase, days in changed.items()},
        )
        db.session.flush()
    return bool(changed)
