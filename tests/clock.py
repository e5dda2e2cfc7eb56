"""The tests' clock: every test runs at one moment that no calendar can move.

The moment is ``FIELDAPP_TEST_NOW`` (an ISO 8601 time with its offset) or, by default, a Monday
morning in Brussels. CI runs the suite again at the edges of the calendar (the last evening of a
month, the night summer time starts, two years ahead), so a test that holds only near one date fails
there. Tests build their dates from ``today()``, never from fixed calendar dates that mean "soon".
"""

from __future__ import annotations

import os
from datetime import datetime

DEFAULT_MOMENT = "2026-11-23T09:30:00+01:00"


def frozen_moment() -> datetime:
    moment = datetime.fromisoformat(os.environ.get("FIELDAPP_TEST_NOW") or DEFAULT_MOMENT)
    if moment.tzinfo is None:
        raise ValueError("FIELDAPP_TEST_NOW needs an offset, e.g. 2027-03-28T01:59:00+01:00")
    return moment
