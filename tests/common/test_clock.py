"""One clock: the app reads the time through ``fieldapp.common.time`` only, so tests freeze it."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from fieldapp.common.dates import today
from fieldapp.common.time import now_utc
from tests.clock import frozen_moment

PACKAGE = Path(__file__).resolve().parents[2] / "fieldapp"
THE_CLOCK = PACKAGE / "common" / "time.py"
READS_THE_TIME = re.compile(
    r"\b(?:datetime\.(?:now|utcnow|today)|date\.today|time\.(?:time|time_ns|localtime|gmtime))\("
)


def test_no_module_reads_the_time_around_the_clock():
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != THE_CLOCK
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if READS_THE_TIME.search(line)
    ]
    assert offenders == []


def test_the_clock_stands_still_at_the_tests_moment(app):
    with app.app_context():
        assert now_utc() == frozen_moment() == now_utc()
        assert now_utc().utcoffset() == timedelta(0)
        assert today() == frozen_moment().astimezone(ZoneInfo("Europe/Brussels")).date()


def test_a_test_can_move_the_clock(clock):
    before = now_utc()
    clock.shift(timedelta(days=1))
    assert now_utc() - before == timedelta(days=1)
