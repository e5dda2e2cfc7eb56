"""Calendar arithmetic in the organisation's time zone."""

from __future__ import annotations

import calendar
from datetime import date

from fieldapp.common.time import local_zone, now_utc


def today() -> date:
    return now_utc().astimezone(local_zone()).date()


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
