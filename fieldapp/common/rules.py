"""The exception services raise when a business rule refuses a change."""

from __future__ import annotations

from typing import ClassVar


class RuleBroken(Exception):
    """A rule refused the change. ``message`` is for the user; ``field`` names the form field it
    belongs to, if any. Nothing was saved. A ``conflict`` is with what was saved before (a JSON
    API answers it with 409 instead of 422)."""

    conflict: ClassVar[bool] = False

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
