"""When a user wants to be told: quiet hours, weekends, one morning digest, e-mail fallback."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from fieldapp.auth.models import User
from fieldapp.common.time import local_zone
from fieldapp.extensions import db
from fieldapp.reminders.models import NotificationSettings


@dataclass(frozen=True)
class Preferences:
    quiet_from: time = time(20, 0)
    quiet_until: time = time(7, 0)
    quiet_weekends: bool = True
    digest: bool = False
    email_fallback: bool = False

    @classmethod
    def of_row(cls, row: NotificationSettings | None) -> Preferences:
        if row is None:
            return cls()
        return cls(
            row.quiet_from, row.quiet_until, row.quiet_weekends, row.digest, row.email_fallback
        )

    def is_quiet(self, local: datetime) -> bool:
        """Whether ``local`` (a wall-clock time) falls in the quiet hours or a quiet weekend."""
        if self.quiet_weekends and local.weekday() >= 5:
            return True
        moment = local.time().replace(tzinfo=None)
        if self.quiet_from == self.quiet_until:
            return False
        if self.quiet_from > self.quiet_until:  # over midnight, e.g. 20:00–07:00
            return moment >= self.quiet_from or moment < self.quiet_until
        return self.quiet_from <= moment < self.quiet_until

    def quiet_ends(self, now: datetime) -> datetime | None:
        """The first moment after ``now`` that is not quiet, or None when ``now`` is not quiet."""
        local = now.astimezone(local_zone())
        if not self.is_quiet(local):
            return None
        for days in range(8):
            candidate = datetime.combine(
                local.date() + timedelta(days=days), self.quiet_until, tzinfo=local_zone()
            )
            if candidate > local and not self.is_quiet(candidate):
                return candidate.astimezone(UTC)
        return None  # unreachable: quiet hours always leave part of a weekday

    def next_morning(self, now: datetime, at: time) -> datetime:
        """The next day's ``at`` (for the digest), moved past quiet hours and weekends."""
        local = now.astimezone(local_zone())
        moment = datetime.combine(local.date() + timedelta(days=1), at, tzinfo=local_zone())
        return (self.quiet_ends(moment) or moment).astimezone(UTC)


def of_users(user_ids: set[int]) -> dict[int, Preferences]:
    rows = db.session.scalars(
        select(NotificationSettings)
        .where(NotificationSettings.user_id.in_(user_ids))
        .execution_options(all_tenants=True)
    )
    found = {row.user_id: Preferences.of_row(row) for row in rows}
    return {user_id: found.get(user_id, Preferences()) for user_id in user_ids}


def of_user(user: User) -> Preferences:
    return of_users({user.id})[user.id]


def save(user: User, preferences: Preferences) -> None:
    row = db.session.get(NotificationSettings, user.id)
    if row is None:
        row = NotificationSettings(organisation_id=user.organisation_id, user_id=user.id)
        db.session.add(row)
    row.quiet_from = preferences.quiet_from
    row.quiet_until = preferences.quiet_until
    row.quiet_weekends = preferences.quiet_weekends
    row.digest = preferences.digest
    row.email_fallback = preferences.email_fallback
    db.session.flush()
