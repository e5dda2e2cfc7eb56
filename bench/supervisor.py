"""The floor supervisor's link in ``make bench``: the weight of its first load as served (the page
and what it links to, each compressed as a browser asking for gzip gets it), the number of
requests, and the server time of showing the page and of a pulse (post, then the redirect).

Run alone on a fresh SQLite database: ``.venv/bin/python -m bench.supervisor``.
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from fieldapp.auth.models import User
from fieldapp.clients.models import Client
from fieldapp.extensions import db
from fieldapp.supervisor_link import services
from fieldapp.trajectories.models import Trajectory
from fieldapp.worksites import services as worksites
from fieldapp.worksites.models import ContactRole

LIMIT_BYTES = 30 * 1024
LIMIT_REQUESTS = 4
ASSET = re.compile(r'<(?:link|script|img)[^>]+(?:href|src)="([^"]+)"')
GZIP = {"Accept-Encoding": "gzip"}
PULSE = {"going": "3", "attendance": "2", "attitude": "3", "line": ""}


@dataclass(frozen=True)
class Weight:
    requests: int
    gzip_bytes: int
    raw_bytes: int
    scripts: int
    show_ms: float
    pulse_ms: float


def prepare(app: Flask, counsellor_id: int) -> str:
    """A link on one of the counsellor's open placements (given a supervisor if it has none)."""
    with app.test_request_context():
        counsellor = db.session.get(User, counsellor_id)
        assert counsellor is not None
        trajectory = db.session.scalars(
            select(Trajectory)
            .join(Client, Client.id == Trajectory.client_id)
            .where(Client.counsellor_id == counsellor_id, Trajectory.ended_on.is_(None))
            .where(Trajectory.worksite_id.is_not(None))
            .limit(1)
        ).one()
        if trajectory.supervisor_id is None:
            contact = worksites.add_contact(
                counsellor,
                trajectory.worksite,
                worksites.ContactDetails("Sofie Supervisor", ContactRole.SUPERVISOR, "", "", None),
            )
            trajectory.supervisor_id = contact.id
        trajectory.planned_end_on = None  # runs for the whole bench, whatever the date
        token = services.renew(counsellor, trajectory)
        db.session.commit()
    return token


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def measure(client: FlaskClient, token: str, rounds: int = 40) -> Weight:
    path = f"/s/{token}"
    page = client.get(path, headers=GZIP)
    if page.status_code != 200:
        raise RuntimeError(f"GET {path} answered {page.status_code}")
    html = client.get(path).get_data(as_text=True)
    assets = ASSET.findall(html)
    gzip_bytes, raw_bytes = len(page.data), len(html.encode())
    for asset in assets:
        with client.get(asset, headers=GZIP) as response:
            gzip_bytes += len(response.data)
        with client.get(asset) as response:
            raw_bytes += len(response.data)
    shows, pulses = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        client.get(path)
        shows.append(time.perf_counter() - start)
        start = time.perf_counter()
        answer = client.post(f"{path}/pulse", data=PULSE, follow_redirects=True)
        pulses.append(time.perf_counter() - start)
        if answer.status_code != 200:
            raise RuntimeError(f"pulse answered {answer.status_code}")
    return Weight(
        1 + len(assets),
        gzip_bytes,
        raw_bytes,
        html.count("<script"),
        _median_ms(shows),
        _median_ms(pulses),
    )


def report(weight: Weight) -> str:
    return (
        f"floor supervisor's link: first load {weight.gzip_bytes / 1024:.1f} KB as served (gzip; "
        f"{weight.raw_bytes / 1024:.1f} KB uncompressed) in {weight.requests} requests, "
        f"{weight.scripts} scripts (limit {LIMIT_BYTES // 1024} KB, {LIMIT_REQUESTS}); "
        f"show {weight.show_ms:.2f} ms, pulse with its redirect {weight.pulse_ms:.2f} ms (median)"
    )


def main() -> None:
    from bench.__main__ import app_for
    from fieldapp.auth import services as auth
    from fieldapp.auth.roles import Role
    from fieldapp.clients import services as clients
    from fieldapp.common.dates import add_months, today
    from fieldapp.method import Scheme
    from fieldapp.trajectories import services as trajectories
    from fieldapp.worksites.models import WorksiteKind

    with tempfile.TemporaryDirectory() as folder:
        app = app_for(f"sqlite:///{Path(folder) / 'supervisor.db'}", Path(folder))
        with app.app_context():
            db.create_all()
            organisation = auth.create_organisation("OCMW Bench", "ocmw-bench")
            counsellor = auth.create_user(
                organisation,
                email="c0@bench.example",
                name="An",
                role=Role.COUNSELLOR,
                password="a benchmark sentence nobody guesses",
            )
            db.session.commit()
            worksite = worksites.create_worksite(
                counsellor, worksites.WorksiteDetails("Kringwinkel", WorksiteKind.INTERNAL, "")
            )
            client = clients.create_client(
                counsellor, clients.ClientDetails("Mina", "Peeters", None, "", "", "nl", "")
            )
            plan = trajectories.TrajectoryPlan(
                Scheme.ART60, today(), add_months(today(), 12), worksite.id, None
            )
            trajectories.start(counsellor, client, plan, Decimal("19"))
            db.session.commit()
            counsellor_id = counsellor.id
        token = prepare(app, counsellor_id)
        print(report(measure(app.test_client(), token)))


if __name__ == "__main__":
    main()
