"""Stored codes read as labels in the reader's language.

A row keeps its kind or status as a code (``"planned"``, ``"absence"``…). A code this release does
not know, written by a later release before a downgrade or by hand in the database, reads as the
code itself: one odd row does not make a whole page fail, and the reader still sees it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def label_of(kind: Callable[[Any], Any], code: Any) -> str:
    """The label of ``code`` as a member of ``kind`` (an enum with a ``label``), or the code."""
    try:
        return str(kind(code).label)
    except ValueError:
        return str(code)
