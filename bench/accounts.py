"""Whether an address has an account must not show in how long sign-in or a reset request takes.

Requests for an address with an account and for one without alternate, each from an address of
its own (no throttling in the way); the medians are printed side by side.
"""

from __future__ import annotations

import logging
import statistics
import time
from dataclasses import dataclass

from flask import Flask

UNKNOWN = "nobody-here@large.example"


@dataclass(frozen=True)
class Probe:
    sign_in_known_ms: float
    sign_in_unknown_ms: float
    reset_known_ms: float
    reset_unknown_ms: float


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def probe(app: Flask, known: str, rounds: int = 30) -> Probe:
    # Each failed sign-in for an address without an account is logged as a warning: a log line
    # per request, not the bench's output.
    sign_in_log = logging.getLogger("fieldapp.auth.services")
    level = sign_in_log.level
    sign_in_log.setLevel(logging.ERROR)
    try:
        return _probe(app, known, rounds)
    finally:
        sign_in_log.setLevel(level)


def _probe(app: Flask, known: str, rounds: int) -> Probe:
    client = app.test_client()
    samples: dict[tuple[str, str], list[float]] = {}
    for i in range(rounds):
        for email in (known, UNKNOWN):
            for kind, path, data in (
                ("sign-in", "/login", {"email": email, "password": f"wrong guess {i}"}),
                ("reset", "/password/forgot", {"email": email}),
            ):
                environ = {"REMOTE_ADDR": f"198.51.{i}.{len(samples) % 250}"}
                start = time.perf_counter()
                response = client.post(path, data=data, environ_base=environ)
                samples.setdefault((kind, email), []).append(time.perf_counter() - start)
                if response.status_code not in (200, 401):
                    raise RuntimeError(f"POST {path} answered {response.status_code}")
    return Probe(
        _median_ms(samples["sign-in", known]),
        _median_ms(samples["sign-in", UNKNOWN]),
        _median_ms(samples["reset", known]),
        _median_ms(samples["reset", UNKNOWN]),
    )
