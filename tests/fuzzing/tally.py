"""The generated-input pass keeps a tally that pytest prints at the end (what `make fuzz` shows).

With the suite spread over processes (pytest-xdist), each worker hands its tally to the one that
prints (see ``tests/conftest.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Tally:
    inputs: int = 0
    server_errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"inputs": self.inputs, "server_errors": self.server_errors}

    def add(self, other: dict[str, Any]) -> None:
        self.inputs += other["inputs"]
        self.server_errors.extend(other["server_errors"])

    def summary(self) -> list[str]:
        if not self.inputs:
            return []
        lines = [f"generated input: {self.inputs} inputs tried, {len(self.server_errors)} 5xx seen"]
        return lines + [f"  5xx: {where}" for where in self.server_errors[:20]]


TALLY = Tally()
