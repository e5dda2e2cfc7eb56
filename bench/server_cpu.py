"""Worker CPU per request of the heavy signed-in pages, served by gunicorn under a concurrent load.

The in-process timings of ``make bench`` say how long a page takes; what an OCMW pays for is the
CPU its app servers burn. Here fieldapp runs as it does in production, under gunicorn with two sync
workers, and a bare Flask route runs the same way next to it. Each page is requested by a few
clients at once; the CPU the workers used is divided by the number of requests. The same figure
for the bare route is the floor every page is compared with.

The CPU is the scheduler's own count of the time each worker ran (``/proc/<pid>/schedstat``, in
nanoseconds), not the user and system ticks of ``/proc/<pid>/stat``: a tick is 10 ms, as long as a
whole page, so rounds had to be long, and a machine whose load drifts within a long round moved
the ratio by a fifth from one run to the next. With nanoseconds the page and the bare route take
turns in many short rounds; each round gives a ratio under the conditions of that moment, and the
median of those ratios is the figure, with the middle half of them printed beside it.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask

from bench.app import app_for
from bench.measure import bare_flask_app

WORKERS = 2
CLIENTS = 4  # requests in flight at once
ROUNDS = 25  # a page and the bare route take turns, in this many rounds
PAGE_REQUESTS = 8  # a page's requests a round
BARE_REQUESTS = 100  # the bare route's a round, about as much CPU as the page's
LIMIT = 25  # the most a heavy page may cost, in bare routes
ROOT = Path(__file__).resolve().parent.parent
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Cost:
    path: str
    cpu_ms: float  # worker CPU per request, the median of the rounds
    bare_ms: float  # the bare route's, measured in turns with the page
    ratios: tuple[float, ...]  # the page's CPU per request over the bare route's, a round each

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    @property
    def middle_half(self) -> tuple[float, float]:
        quartiles = statistics.quantiles(self.ratios, n=4)
        return quartiles[0], quartiles[2]


@dataclass
class Waiting:
    """How long the workers, ready to run, waited for a CPU while the pages were measured, next to
    how long they ran (the second field of ``schedstat``). A page's larger working set suffers
    more than the bare route's from a machine busy with other work, so a run whose workers waited
    long gives higher ratios; this says which kind of run it was."""

    ran_ns: int = 0
    waited_ns: int = 0

    @property
    def share(self) -> float:
        return self.waited_ns / self.ran_ns if self.ran_ns else 0.0


def served_app() -> Flask:
    """The app gunicorn serves, settled as ``fieldapp.wsgi`` settles it, on the bench's
    database (named by the environment)."""
    from fieldapp.wsgi import settled

    return settled(
        app_for(
            os.environ["FIELDAPP_BENCH_SERVED_DATABASE"],
            Path(os.environ["FIELDAPP_BENCH_INSTANCE"]),
            environment="production",
        )
    )


def served_bare_app() -> Flask:
    return bare_flask_app()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not listen on {port} within {seconds} s")


@contextmanager
def gunicorn(app: str, env: dict[str, str]) -> Iterator[tuple[int, subprocess.Popen]]:
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 (our own gunicorn, our own arguments)
        [
            str(Path(sys.executable).parent / "gunicorn"),
            f"--workers={WORKERS}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
            app,
        ],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    try:
        _wait_for(port, process)
        yield port, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def _workers_schedstat(master: int) -> tuple[int, int]:
    """How long the master's children (the workers) ran so far, and how long they waited for a
    CPU, in nanoseconds: the first two fields of each of their threads' ``schedstat``."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    ran = waited = 0
    for pid in children:
        for task in Path(f"/proc/{pid}/task").iterdir():
            fields = (task / "schedstat").read_text().split()
            ran += int(fields[0])
            waited += int(fields[1])
    return ran, waited


def _get(port: int, path: str, cookie: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}")
    finally:
        connection.close()


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    pairs = [h.split(";", 1)[0] for k, h in response.getheaders() if k == "Set-Cookie"]
    return dict(pair.split("=", 1) for pair in pairs)


def sign_in(port: int, email: str, password: str) -> str:
    """The cookie header of a session signed in as ``email`` (through the form's CSRF token
    when the app asks for one)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", "/login")
        response = connection.getresponse()
        token = CSRF_FIELD.search(response.read().decode())
        cookies = _cookies(response)
        fields = {"email": email, "password": password}
        if token:
            fields["csrf_token"] = token.group(1)
        connection.request(
            "POST",
            "/login",
            body=urlencode(fields),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            },
        )
        response = connection.getresponse()
        response.read()
        if response.status != 302:
            raise RuntimeError(f"signing in as {email} answered {response.status}")
        cookies |= _cookies(response)
    finally:
        connection.close()
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


def cpu_ms_per_request(
    port: int, master: int, path: str, cookie: str, requests: int, waiting: Waiting
) -> float:
    """Worker CPU per request, in milliseconds, over ``requests`` GETs of ``path``, ``CLIENTS`` in
    flight; the workers' running and waiting are added to ``waiting``."""
    with ThreadPoolExecutor(CLIENTS) as pool:
        ran, waited = _workers_schedstat(master)
        list(pool.map(lambda _: _get(port, path, cookie), range(requests)))
        ran_after, waited_after = _workers_schedstat(master)
    waiting.ran_ns += ran_after - ran
    waiting.waited_ns += waited_after - waited
    return (ran_after - ran) / 1e6 / requests


def page_costs(
    database_url: str, instance: Path, email: str, password: str, paths: list[str]
) -> tuple[list[Cost], Waiting]:
    """Each page's CPU per request, and the bare route's measured in turns with it, both servers
    running side by side: on a machine whose load changes, a page is compared with the floor
    under the same conditions."""
    env = {
        "FIELDAPP_ENV": "production",  # as an OCMW serves it (no watching of static files)
        # Importing fieldapp.wsgi makes its app from the environment too, as an OCMW sets it.
        "FIELDAPP_BASE_URL": "https://fieldapp.ocmw.example",
        "FIELDAPP_BENCH_SERVED_DATABASE": database_url,
        "FIELDAPP_BENCH_INSTANCE": str(instance),
    }
    with (
        gunicorn("bench.server_cpu:served_bare_app()", {}) as (bare_port, bare),
        gunicorn("bench.server_cpu:served_app()", env) as (port, served),
    ):
        cookie = sign_in(port, email, password)
        costs, waiting = [], Waiting()
        for path in paths:
            cpu_ms_per_request(port, served.pid, path, cookie, 2 * CLIENTS, Waiting())  # warm up
            pages, bare_routes = [], []
            for _ in range(ROUNDS):  # alternating, so that both see the same load
                bare_routes.append(
                    cpu_ms_per_request(bare_port, bare.pid, "/", "", BARE_REQUESTS, waiting)
                )
                pages.append(
                    cpu_ms_per_request(port, served.pid, path, cookie, PAGE_REQUESTS, waiting)
                )
            costs.append(
                Cost(
                    path,
                    statistics.median(pages),
                    statistics.median(bare_routes),
                    tuple(page / bare for page, bare in zip(pages, bare_routes, strict=True)),
                )
            )
        return costs, waiting


def report(costs: list[Cost], waiting: Waiting) -> str:
    lines = [
        f"worker CPU per request under gunicorn ({WORKERS} workers, {CLIENTS} requests in flight),"
        f" next to a bare Flask route served the same way, in {ROUNDS} rounds of turns;"
        f" medians of the rounds; limit {LIMIT}x bare",
        f"{'page':<40}{'CPU ms':>10}{'bare ms':>10}{'x bare':>10}{'middle half':>16}",
    ]
    for cost in costs:
        low, high = cost.middle_half
        mark = "" if cost.ratio <= LIMIT else "  over the limit"
        lines.append(
            f"{cost.path:<40}{cost.cpu_ms:>10.2f}{cost.bare_ms:>10.3f}{cost.ratio:>10.1f}"
            f"{f'{low:.1f}-{high:.1f}':>16}{mark}"
        )
    lines.append(
        f"the workers waited for a CPU {waiting.share:.0%} as long as they ran"
        f" ({os.cpu_count()} CPUs; the higher, the busier the machine was with other work)"
    )
    return "\n".join(lines)
