"""Time in one place: aware UTC in Python, naive UTC in the database, Brussels time on screen."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def now_utc() -> datetime:
    return datetime.now(UTC)


def local_zone() -> ZoneInfo:
    """The organisation's wall-clock zone (Europe/Brussels unless configured otherwise)."""
    return ZoneInfo(current_app.config["FIELDAPP_TIMEZONE"])


def local_moment(moment: datetime) -> datetime:
    """``moment`` on the organisation's wall clock; in UTC at the very ends of the calendar
    (9999-12-31 23:30 UTC, from old or imported data), where local time cannot be represented."""
    try:
        return moment.astimezone(local_zone())
    except OverflowError:
        return moment


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as naive UTC and always read back as an aware UTC datetime.

    SQLite has no time zones; storing naive UTC on both databases keeps comparisons identical.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)
