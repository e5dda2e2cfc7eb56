"""The notification centre: what is due and overdue for a user, what is coming, done and snooze.

A snooze never brings a reminder back after the moment it is about: a visit's start, or the end of
the day of anything else (an evaluation, a deadline). The choices that would are not offered, and
an old page that still sends one is cut back to the latest choice that fits. A snoozed reminder is
not hidden: it waits under what is coming, with the moment it comes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import BindParameter, Row, ScalarSelect, Select, and_, bindparam, func, or_, select

from fieldapp.auth import sessions
from fieldapp.auth.models import User, UserSession
from fieldapp.clients.models import Client
from fieldapp.common.paging import Page, paged, paginate_built
from fieldapp.common.rules import RuleBroken
from fieldapp.common.tenancy import of_tenant, tenant_rows
from fieldapp.common.time import local_zone
from fieldapp.common.urls import IdUrls
from fieldapp.extensions import db
from fieldapp.method.rules import RuleKind
from fieldapp.reminders import agenda, messages
from fieldapp.reminders.agenda import DIGEST, due_at
from fieldapp.reminders.models import Reminder, ReminderStatus
from fieldapp.visits.models import Visit

UPCOMING_DAYS = 14
# What is due comes a page at a time: late reminders pile up when a counsellor is away, and a page
# of them all (each with its snooze choices) grew with every one.
DUE_PER_PAGE = 25
SNOOZE_CHOICES = ("hour", "tomorrow", "day", "week")  # "day": the morning of its own day
BELL = "reminders_due"  # the bell's figure, counted with the signed-in user


@dataclass(frozen=True)
class SnoozeChoice:
    value: str  # one of SNOOZE_CHOICES
    until: datetime


@dataclass(frozen=True)
class Item:
    reminder: Row[Any]  # the columns of ``SHOWN`` (id, kind, subject_id, scope, event_on, ...)
    title: str
    client_name: str
    url: str
    done_url: str  # the forms that mark it done and snooze it
    snooze_url: str
    overdue: bool
    snooze_choices: list[SnoozeChoice]
    snoozed_until: datetime | None  # set while it waits to come back
    # The day it will be told, while that day has not come (and it is not snoozed): a snooze
    # that fits nowhere before its moment is then not "too late", only not needed yet.
    comes_on: date | None

    @property
    def preselected(self) -> str | None:
        """The snooze its form starts on: tomorrow morning if it fits, else the earliest."""
        values = [choice.value for choice in self.snooze_choices]
        return "tomorrow" if "tomorrow" in values else next(iter(values), None)


@dataclass(frozen=True)
class Centre:
    due_page: Page[Item]
    upcoming: list[Item]
    done: list[Item]

    @property
    def due(self) -> list[Item]:
        return list(self.due_page.items)


def _open(user_id: int | BindParameter) -> list:
    return [Reminder.user_id == user_id, agenda.is_open()]


def _open_for(user_id: int | BindParameter, now: datetime | BindParameter) -> list:
    """Open and not snoozed: what counts as due."""
    return [
        *_open(user_id),
        or_(Reminder.snoozed_until.is_(None), Reminder.snoozed_until <= now),
    ]


def _snoozed(reminder: Reminder, now: datetime) -> bool:
    return reminder.snoozed_until is not None and reminder.snoozed_until > now


def _visit_starts(reminders: list[Reminder]) -> dict[int, datetime]:
    """When the visits that these reminders are about start (one query)."""
    ids = {r.subject_id for r in reminders if r.kind == RuleKind.VISIT}
    if not ids:
        return {}
    return dict(db.session.execute(_lists().visit_starts, {"ids": list(ids)}).all())


def about(reminder: Reminder, visit_starts: datetime | None = None) -> datetime:
    """The moment a reminder is about, which a snooze must stay before: a visit's start, or the
    end of the day of anything else (an evaluation due that day can still wait an hour)."""
    if reminder.kind == RuleKind.VISIT and visit_starts is not None:
        return visit_starts
    try:
        next_day = reminder.event_on + timedelta(days=1)
        return datetime.combine(next_day, time.min, tzinfo=local_zone()).astimezone(UTC)
    except OverflowError:  # about 9999-12-31 (old or imported data): no end to wait for
        return datetime.max.replace(tzinfo=UTC)


def _later(today: date, now: datetime) -> dict[str, datetime]:
    """The moments a snooze can bring any reminder back at, from ``now`` (worked out once a
    page, not once an item)."""
    return {
        "hour": now + timedelta(hours=1),
        "tomorrow": due_at(today + timedelta(days=1)),
        "week": due_at(today + timedelta(days=7)),
    }


def _candidates(reminder: Reminder, later: dict[str, datetime]) -> dict[str, datetime]:
    return {**later, "day": due_at(reminder.event_on)}


def _window(
    reminder: Reminder, today: date, now: datetime, visit_starts: datetime | None
) -> tuple[datetime, datetime]:
    """A snooze brings a reminder back after now, and after the morning of its own day when that
    has not come yet (a snooze never makes it come earlier), but before the moment it is about."""
    earliest = now if reminder.moment <= today else due_at(reminder.moment)
    return earliest, about(reminder, visit_starts)


def snooze_choices(
    reminder: Reminder,
    today: date,
    now: datetime,
    visit_starts: datetime | None = None,
    later: dict[str, datetime] | None = None,
) -> list[SnoozeChoice]:
    """The choices that fit the window, earliest first; two that come to the same moment are
    offered once (in an hour, tomorrow, in a week before "on the day itself")."""
    earliest, latest = _window(reminder, today, now, visit_starts)
    fitting: dict[datetime, SnoozeChoice] = {}
    for value, until in _candidates(reminder, later or _later(today, now)).items():
        if earliest < until < latest:
            fitting.setdefault(until, SnoozeChoice(value, until))
    return sorted(fitting.values(), key=lambda choice: choice.until)


def due_count(user: User, today: date, now: datetime) -> int:
    """The bell's number: what is due to ``user`` by ``today`` and not snoozed at ``now``."""
    values = {"user_id": user.id, "today": today, "now": now}
    return tenant_rows(_due_count(), user.organisation_id, values)[0][0] or 0


def bell_count(user: User, today: date, now: datetime) -> int:
    """The bell's number on a page: the one counted when the request loaded the signed-in user
    (:func:`due_with_user`), or, when the request has written since, :func:`due_count`."""
    counted = sessions.figure_of(user, BELL)
    return due_count(user, today, now) if counted is None else counted


def due_with_user() -> ScalarSelect[int]:
    """:func:`due_count` as a subquery of the query that loads the signed-in user from their
    session (``sessions.count_with_user``): every page shows the bell."""
    return (
        select(func.count())
        .select_from(Reminder)
        .where(
            *_on_the_bell(UserSession.user_id, bindparam("now"), bindparam("today")),
            Reminder.organisation_id == UserSession.organisation_id,
        )
        .scalar_subquery()
    )


@cache
def _due_count() -> Select:
    """Built once with its tenant's criteria: a page whose request wrote asks it (see
    ``tenancy.tenant_rows``)."""
    return (
        select(func.count())
        .select_from(Reminder)
        .where(
            *_on_the_bell(bindparam("user_id"), bindparam("now"), bindparam("today")),
            of_tenant(Reminder),
        )
    )


def _on_the_bell(user_id: Any, now: Any, today: Any) -> list:
    """What the bell counts, written once for both ways of counting it: open, not snoozed at
    ``now``, its day ``today`` or before."""
    return [*_open_for(user_id, now), Reminder.moment <= today]


# What the page shows of a reminder, and needs to order and snooze it: loading whole reminders
# (some twenty columns each) cost more than the rest of the page's queries.
SHOWN = (
    Reminder.id,
    Reminder.kind,
    Reminder.subject_id,
    Reminder.scope,
    Reminder.event_on,
    Reminder.moment,
    Reminder.snoozed_until,
)


def _items(reminders: list[Row[Any]], today: date, now: datetime) -> list[Item]:
    client_ids = {agenda.client_of(r.scope) for r in reminders} - {None}
    names = dict(db.session.execute(_lists().names, {"ids": list(client_ids)}).all())
    starts = _visit_starts(reminders)
    later = _later(today, now)
    urls = IdUrls()  # one url_for a route, not three an item
    titles: dict[str, str] = {}  # translated once a kind
    for reminder in reminders:
        if reminder.kind not in titles:
            titles[reminder.kind] = messages.title_of(reminder)
    return [
        Item(
            reminder,
            titles[reminder.kind],
            names.get(agenda.client_of(reminder.scope), ""),
            messages.url_of(reminder, urls),
            urls("reminders.done", "reminder_id", reminder.id),
            urls("reminders.snooze", "reminder_id", reminder.id),
            reminder.event_on < today,
            snooze_choices(reminder, today, now, starts.get(reminder.subject_id), later),
            reminder.snoozed_until if _snoozed(reminder, now) else None,
            reminder.moment if reminder.moment > today and not _snoozed(reminder, now) else None,
        )
        for reminder in reminders
    ]


def _comes_back(reminder: Reminder, now: datetime) -> tuple[datetime, int]:
    """When an open reminder is (again) to be seen: its snooze's end, or its day's morning."""
    until = reminder.snoozed_until
    if until is not None and until > now:
        return until, reminder.id
    return due_at(reminder.moment), reminder.id


@dataclass(frozen=True)
class _Lists:
    due: Select
    coming: Select
    done: Select
    names: Select  # the clients' names of the items, by id
    visit_starts: Select


@cache
def _lists() -> _Lists:
    """The page's three lists, built once (building them and their cache keys cost about a
    millisecond a request). Each request gives its values as parameters: ``user_id``,
    ``today``, ``now``, ``until`` (the last day coming up), ``done_since``, and the due page's
    (see ``paging.paged``); the names and the visits' starts, their ``ids``."""
    user_id, now = bindparam("user_id"), bindparam("now")
    ids = bindparam("ids", expanding=True)
    return _Lists(
        due=paged(
            select(*SHOWN)
            .where(*_open_for(user_id, now), Reminder.moment <= bindparam("today"))
            .order_by(Reminder.moment, Reminder.id)
        ),
        coming=select(*SHOWN)
        .where(
            *_open(user_id),
            or_(
                and_(Reminder.moment > bindparam("today"), Reminder.moment <= bindparam("until")),
                Reminder.snoozed_until > now,
            ),
        )
        .order_by(Reminder.moment, Reminder.id),
        done=select(*SHOWN)
        .where(
            Reminder.user_id == user_id,
            Reminder.kind != DIGEST,
            Reminder.done_at >= bindparam("done_since"),
        )
        .order_by(Reminder.done_at.desc())
        .limit(20),
        names=select(Client.id, Client.full_name).where(Client.id.in_(ids)),
        visit_starts=select(Visit.id, Visit.starts_at).where(Visit.id.in_(ids)),
    )


def of_user(user: User, today: date, now: datetime, page: int = 1) -> Centre:
    """Due: open, not snoozed, its day come, a page at a time. Coming: the next two weeks, and
    every snoozed one. Done: the last week's."""
    lists = _lists()
    values = {
        "user_id": user.id,
        "today": today,
        "now": now,
        "until": today + timedelta(days=UPCOMING_DAYS),
        "done_since": now - timedelta(days=7),
    }
    due = paginate_built(lists.due, values, page, DUE_PER_PAGE)
    coming_rows = db.session.execute(lists.coming, values).all()
    done_rows = db.session.execute(lists.done, values).all()
    items = _items([*due.items, *coming_rows, *done_rows], today, now)
    by_id = {item.reminder.id: item for item in items}
    return Centre(
        due_page=Page([by_id[r.id] for r in due.items], due.number, due.has_next),
        upcoming=[by_id[r.id] for r in sorted(coming_rows, key=lambda r: _comes_back(r, now))],
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


@dataclass(frozen=True)
class Snoozed:
    until: datetime
    cut: bool  # the choice would have come after the moment it is about; ``until`` is earlier


def snooze(reminder: Reminder, choice: str, today: date, now: datetime) -> Snoozed:
    """Tell again later: in an hour, tomorrow morning, in a week or on the morning of its day,
    but never after the moment it is about. A choice that no longer fits (the page was old) is
    cut back to the latest one that does."""
    if reminder.done_at is not None or reminder.status == ReminderStatus.CANCELLED.value:
        raise RuleBroken(_("This reminder is no longer open."))
    if choice not in SNOOZE_CHOICES:
        raise RuleBroken(_("Choose when to be reminded again."))
    starts = _visit_starts([reminder]).get(reminder.subject_id)
    choices = snooze_choices(reminder, today, now, starts)
    if not choices:
        raise RuleBroken(_("This reminder can no longer be snoozed: its moment is near or past."))
    earliest, latest = _window(reminder, today, now, starts)
    until = _candidates(reminder, _later(today, now))[choice]
    cut = until >= latest
    if cut:
        until = choices[-1].until
    elif until <= earliest:
        until = choices[0].until
    reminder.snoozed_until = until
    reminder.status = ReminderStatus.PENDING.value
    reminder.next_attempt_at = until
    reminder.attempts = 0
    reminder.lease_until = None
    reminder.claimed_by = ""
    reminder.last_error = ""
    db.session.flush()
    return Snoozed(until, cut)
