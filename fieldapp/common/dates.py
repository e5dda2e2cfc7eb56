"""Calendar arithmetic in the organisation's time zone."""

from __future__ import annotations

import calendar
from datetime import MAXYEAR, MINYEAR, date, datetime, timedelta

from fieldapp.common.time import local_moment, local_zone, now_utc

# Arithmetic at the ends of the calendar stops there instead of failing: such dates come only from
# old or imported data (forms refuse them), and a page or the reminder planner must still work.


def today() -> date:
    return now_utc().astimezone(local_zone()).date()


def local_date(moment: datetime) -> date:
    """The day ``moment`` falls on in the organisation's time zone (see ``local_moment``)."""
    return local_moment(moment).date()


def add_days(day: date, days: int) -> date:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if year > MAXYEAR:
        return date.max
    if year < MINYEAR:
        return date.min
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
