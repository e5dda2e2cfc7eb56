"""What an administrator sees of reminder delivery: what failed and why, devices in trouble."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from fieldapp.extensions import db
from fieldapp.reminders.models import PushSubscription, Reminder, ReminderStatus

SHOWN_FAILURES = 50


@dataclass(frozen=True)
class Overview:
    waiting: int  # pending and due now (held by quiet hours, a retry or a running pass)
    sent_this_week: int
    failed: list[Reminder]
    troubled_devices: list[PushSubscription]


def of_organisation(now: datetime) -> Overview:
    """For the active organisation (the tenant filter scopes every query)."""
    week_ago = now - timedelta(days=7)
    counts = dict(
        db.session.execute(
            select(Reminder.status, func.count())
            .where(
                (Reminder.status == ReminderStatus.PENDING.value)
                & (Reminder.next_attempt_at <= now)
                | (Reminder.status == ReminderStatus.SENT.value) & (Reminder.sent_at >= week_ago)
            )
            .group_by(Reminder.status)
        ).all()
    )
    failed = db.session.scalars(
        select(Reminder)
        .where(Reminder.status == ReminderStatus.FAILED.value)
        .options(joinedload(Reminder.user))
        .order_by(Reminder.next_attempt_at.desc())
        .limit(SHOWN_FAILURES)
    ).all()
    devices = db.session.scalars(
        select(PushSubscription)
        .where(PushSubscription.last_error != "")
        .options(joinedload(PushSubscription.user))
        .order_by(PushSubscription.created_at.desc())
    ).all()
    return Overview(
        counts.get(ReminderStatus.PENDING.value, 0),
        counts.get(ReminderStatus.SENT.value, 0),
        list(failed),
        list(devices),
    )
