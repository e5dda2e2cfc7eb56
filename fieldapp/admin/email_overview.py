"""What administrators see of mail delivery: what failed or keeps failing; sending it again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select

from fieldapp.audit import services as audit
from fieldapp.auth.models import User
from fieldapp.common.rules import RuleBroken
from fieldapp.extensions import db
from fieldapp.mail.models import MailStatus, OutgoingMail

SHOWN_PROBLEMS = 50


@dataclass(frozen=True)
class Overview:
    waiting: int  # queued: for the next pass, or for a retry
    sent_this_week: int
    problems: list[OutgoingMail]  # failed, or queued again after a failed try; newest first


def of_organisation(now: datetime) -> Overview:
    """For the active organisation (the tenant filter scopes every query)."""
    week_ago = now - timedelta(days=7)
    counts = dict(
        db.session.execute(
            select(OutgoingMail.status, func.count())
            .where(
                (OutgoingMail.status == MailStatus.QUEUED.value)
                | (OutgoingMail.status == MailStatus.SENT.value)
                & (OutgoingMail.sent_at >= week_ago)
            )
            .group_by(OutgoingMail.status)
        ).all()
    )
    problems = db.session.scalars(
        select(OutgoingMail)
        .where(
            or_(
                OutgoingMail.status == MailStatus.FAILED.value,
                and_(OutgoingMail.status == MailStatus.QUEUED.value, OutgoingMail.last_error != ""),
            )
        )
        .order_by(OutgoingMail.last_attempt_at.desc(), OutgoingMail.id.desc())
        .limit(SHOWN_PROBLEMS)
    ).all()
    return Overview(
        counts.get(MailStatus.QUEUED.value, 0),
        counts.get(MailStatus.SENT.value, 0),
        list(problems),
    )


def try_again(actor: User, mail: OutgoingMail, now: datetime) -> None:
    """Queue a failed (or failing) message again, due at once, with a fresh set of tries."""
    if mail.status == MailStatus.SENT.value:
        raise RuleBroken(_("This e-mail was sent already."))
    if not mail.kept:
        raise RuleBroken(
            _(
                "This e-mail is no longer kept. Send it again from where it started, for example "
                "with a new link."
            )
        )
    mail.status = MailStatus.QUEUED.value
    mail.attempts = 0
    mail.next_attempt_at = now
    audit.record("mail.sent_again", organisation_id=mail.organisation_id, actor=actor, target=mail)
    db.session.flush()
