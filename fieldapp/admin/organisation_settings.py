"""An organisation's own settings and its teams, as the administrator changes them."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from fieldapp.audit import services as audit
from fieldapp.auth.models import User
from fieldapp.common.rules import RuleBroken
from fieldapp.extensions import db
from fieldapp.organisation.models import Organisation, Team

RETENTION_RANGE = (6, 240)
THRESHOLD_RANGE = (2, 10)


def update_settings(
    actor: User,
    organisation: Organisation,
    *,
    retention_months: int,
    language: str,
    feedback_threshold: int,
) -> None:
    low, high = RETENTION_RANGE
    if not low <= retention_months <= high:
        raise RuleBroken(
            _("Choose between %(low)d and %(high)d months.", low=low, high=high), "retention_months"
        )
    low, high = THRESHOLD_RANGE
    if not low <= feedback_threshold <= high:
        raise RuleBroken(
            _("Choose between %(low)d and %(high)d answers.", low=low, high=high),
            "feedback_threshold",
        )
    organisation.retention_months = retention_months
    organisation.default_language = language
    organisation.feedback_threshold = feedback_threshold
    audit.record(
        "organisation.updated",
        organisation_id=organisation.id,
        actor=actor,
        detail={
            "retention_months": retention_months,
            "language": language,
            "feedback_threshold": feedback_threshold,
        },
    )
    db.session.flush()


def create_team(actor: User, name: str) -> Team:
    exists = db.session.scalar(
        select(func.count()).select_from(Team).where(func.lower(Team.name) == name.strip().lower())
    )
    if exists:
        raise RuleBroken(_("There is already a team with this name."), field="name")
    team = Team(organisation_id=actor.organisation_id, name=name.strip())
    db.session.add(team)
    db.session.flush()
    audit.record("team.created", organisation_id=actor.organisation_id, actor=actor, target=team)
    return team
