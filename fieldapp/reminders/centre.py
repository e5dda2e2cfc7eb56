"""The notification centre: what is due and overdue for a user, what is coming, done and snooze."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from fieldapp.auth.models import User
from fieldapp.clients.models import Client
from fieldapp.common.rules import RuleBroken
from fieldapp.extensions import db
from fieldapp.reminders import messages, schedule
from fieldapp.reminders.models import Reminder, ReminderStatus
from fieldapp.reminders.schedule import DIGEST, due_at

UPCOMING_DAYS = 14
SHOWN = (ReminderStatus.PENDING.value, ReminderStatus.SENT.value, ReminderStatus.FAILED.value)
SNOOZE_CHOICES = ("hour", "tomorrow", "week")


@dataclass(frozen=True)
class Item:
    reminder: Reminder
    title: str
    client_name: str
    url: str
    overdue: bool


@dataclass(frozen=True)
class Centre:
    due: list[Item]
    upcoming: list[Item]
    done: list[Item]


def _open_for(user: User, now: datetime) -> list:
    return [
        Reminder.user_id == user.id,
        Reminder.kind != DIGEST,
        Reminder.status.in_(SHOWN),
        Reminder.done_at.is_(None),
        or_(Reminder.snoozed_until.is_(None), Reminder.snoozed_until <= now),
    ]


def due_count(user: User, today: date, now: datetime) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Reminder)
            .where(*_open_for(user, now), Reminder.moment <= today)
        )
        or 0
    )


def _items(reminders: list[Reminder], today: date) -> list[Item]:
    client_ids = {schedule.client_of(r.scope) for r in reminders} - {None}
    names = {
        client.id: client.full_name
        for client in db.session.scalars(select(Client).where(Client.id.in_(client_ids)))
    }
    return [
        Item(
            reminder,
            messages.title_of(reminder),
            names.get(schedule.client_of(reminder.scope), ""),
            messages.url_of(reminder),
            reminder.event_on < today,
        )
        for reminder in reminders
    ]


def of_user(user: User, today: date, now: datetime) -> Centre:
    open_rows = db.session.scalars(
        select(Reminder)
        .where(*_open_for(user, now), Reminder.moment <= today + timedelta(days=UPCOMING_DAYS))
        .order_by(Reminder.moment, Reminder.id)
    ).all()
    done_rows = db.session.scalars(
        select(Reminder)
        .where(
            Reminder.user_id == user.id,
            Reminder.kind != DIGEST,
            Reminder.done_at >= now - timedelta(days=7),
        )
        .order_by(Reminder.done_at.desc())
        .limit(20)
    ).all()
    items = _items([*open_rows, *done_rows], today)
    by_id = {item.reminder.id: item for item in items}
    return Centre(
        due=[by_id[r.id] for r in open_rows if r.moment <= today],
        upcoming=[by_id[r.id] for r in open_rows if r.moment > today],
        done=[by_id[r.id] for r in done_rows],
    )


def mine_or_none(user: User, reminder_id: int) -> Reminder | None:
    reminder = db.session.get(Reminder, reminder_id)
    return reminder if reminder is not None and reminder.user_id == user.id else None


def mark_done(reminder: Reminder, now: datetime) -> None:
    if reminder.status == ReminderStatus.CANCELLED.value:
        raise RuleBroken(_("This reminder was cancelled: its date changed."))
    reminder.done_at = now
    db.session.flush()


def snooze(reminder: Reminder, choice: str, today: date, now: datetime) -> datetime:
    """Hide the reminder and tell again later: in an hour, tomorrow morning or in a week."""
    if reminder.done_at is not None or reminder.status == ReminderStatus.CANCELLED.value:
        raise RuleBroken(_("This reminder is no longer open."))
    if choice == "hour":
        until = now + timedelta(hours=1)
    elif choice == "tomorrow":
        until = due_at(today + timedelta(days=1))
    elif choice == "week":
        until = due_at(today + timedelta(days=7))
    else:
        raise RuleBroken(_("Choose when to be reminded again."))
    reminder.snoozed_until = until
    reminder.status = ReminderStatus.PENDING.value
    reminder.next_attempt_at = until
    reminder.attempts = 0
    reminder.lease_until = None
    reminder.claimed_by = ""
    reminder.last_error = ""
    db.session.flush()
    return until
