"""Formatted days, moments and numbers, each text kept once made for the same value, format,
language and (for a moment) time zone: Babel makes each of them from its patterns every time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from typing import Any

from flask import g

KEPT_FORMATS = 4096  # made texts kept per filter; a page shows a few dozen distinct moments


def kept(format_value: Callable[[Any, str | None], str]) -> Callable[[Any, str | None], str]:
    """``format_value``, with each text kept once made for the same value, format, language and
    (for a moment) time zone. A list shows the same few days and scores again and again (visits
    of this week, the due dates of evaluations, a 360° report's means), and Babel makes each of
    them from its patterns every time."""
    made: dict[tuple[Any, ...], str] = {}

    def formatted(value: Any, format: str | None = None) -> str:
        context = g.get("_flask_babel") if g else None  # None outside an app context
        locale = getattr(context, "babel_locale", None)
        # A moment is moved into the reader's time zone; a day or a number reads the same in all.
        moment = isinstance(value, datetime | time)
        zone = getattr(context, "babel_tzinfo", None) if moment else None
        if value is None or locale is None or (moment and zone is None):
            # None is "now" to Babel, which is not to be kept; and without a language or a zone
            # chosen yet in this request, Babel chooses them.
            return format_value(value, format)
        key = (locale, zone, type(value), value, format)
        text = made.get(key)
        if text is None:
            if len(made) >= KEPT_FORMATS:
                made.clear()
            text = made[key] = format_value(value, format)
        return text

    return formatted
