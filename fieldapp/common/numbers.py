"""Whole numbers read from text that a person or a device sent."""

from __future__ import annotations

import re

# ``str.isdigit`` is true for "²" and "٣", which ``int()`` then refuses or reads as another digit.
_ASCII_DIGITS = re.compile(r"[0-9]{1,18}")


def whole_number(text: str) -> int | None:
    """The number that ``text`` spells in ASCII digits (at most 18 of them), else None."""
    return int(text) if _ASCII_DIGITS.fullmatch(text) else None
