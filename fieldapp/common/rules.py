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


class RefusedAt(RuleBroken):
    """A rule refused item ``index`` of a batch given to a service (``error`` says which rule).
    Nothing of the batch is to be kept: the caller rolls the transaction back. A caller that does
    not look at the index still shows the rule's message, as for any ``RuleBroken``."""

    def __init__(self, index: int, error: RuleBroken) -> None:
        super().__init__(error.message, field=error.field)
        self.index, self.error = index, error
