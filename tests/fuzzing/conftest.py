"""The generated-input pass keeps a tally that pytest prints at the end (what `make fuzz` shows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Tally:
    inputs: int = 0
    server_errors: list[str] = field(default_factory=list)


TALLY = Tally()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if TALLY.inputs:
        terminalreporter.write_line(
            f"generated input: {TALLY.inputs} inputs tried, {len(TALLY.server_errors)} 5xx seen"
        )
        for where in TALLY.server_errors[:20]:
            terminalreporter.write_line(f"  5xx: {where}")
