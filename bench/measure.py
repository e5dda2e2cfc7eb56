"""Timing and query-counting helpers for the benchmarks."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.engine import Engine


@dataclass(frozen=True)
class Timing:
    median_ms: float
    p95_ms: float
    queries: int


@contextmanager
def counting_queries(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, _params, _context, _many) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def time_requests(
    client: FlaskClient,
    path: str,
    engine: Engine | None = None,
    rounds: int = 200,
    warmup: int = 10,
) -> Timing:
    """Median and 95th percentile of ``rounds`` GETs of ``path`` (after ``warmup`` GETs)."""
    for _ in range(warmup):
        _expect_ok(client, path)
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        _expect_ok(client, path)
        samples.append((time.perf_counter() - start) * 1000)
    queries = 0
    if engine is not None:
        with counting_queries(engine) as statements:
            _expect_ok(client, path)
        queries = len(statements)
    samples.sort()
    return Timing(statistics.median(samples), samples[int(len(samples) * 0.95) - 1], queries)


def _expect_ok(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    response.close()


def bare_flask_app() -> Flask:
    """The floor: a Flask app with one route and nothing else, measured in the same run."""
    app = Flask("bare")

    @app.get("/")
    def index() -> str:
        return "ok"

    return app


def timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000
