"""A home open with kept pages: what a counsellor's phone asks when the home screen opens (the
home page, the list of pages to keep, and each kept page with the copy header), as it was before
conditional requests (every kept page sent and rendered again) and as it is now (the worker sends
each copy's ETag; an unchanged page is answered 304 without rendering).

The counsellor gets a realistic week first: visits on the coming days, goals on the visited
clients' trajectories and agreed actions, so that the kept pages show what they show on a phone.
"""

from __future__ import annotations

import statistics
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from fieldapp.auth.models import User
from fieldapp.clients.models import Client
from fieldapp.common.dates import today
from fieldapp.common.time import now_utc
from fieldapp.development_plan.models import Goal, GoalActor
from fieldapp.extensions import db
from fieldapp.trajectories.models import Trajectory
from fieldapp.visits.models import FollowUp, Visit

COPY = {"X-Fieldapp-Copy": "offline"}
PHONE = {"Accept-Encoding": "br, gzip"}  # what the phone's browser sends
VISITS = 10  # in the coming seven days
ROUNDS = 20


@dataclass(frozen=True)
class HomeOpen:
    requests: int
    wire_bytes: int  # bodies as sent to a phone (compressed)
    plain_bytes: int  # bodies uncompressed
    not_modified: int  # kept pages answered 304
    server_ms: float  # median of the whole open
    home_ms: float  # median of the home page alone

    @property
    def times_home(self) -> float:
        return self.server_ms / self.home_ms


def prepare(counsellor_id: int) -> str:
    """A week of visits for the counsellor, with goals and agreed actions; their e-mail address."""
    counsellor = db.session.get(User, counsellor_id)
    clients = db.session.scalars(
        select(Client).where(Client.counsellor_id == counsellor_id).order_by(Client.id)
    ).all()
    start = now_utc() + timedelta(hours=1)
    for n, client in enumerate(clients[:VISITS]):
        visit = Visit(
            organisation_id=client.organisation_id,
            client_id=client.id,
            counsellor_id=counsellor_id,
            starts_at=start + timedelta(days=n % 7, hours=n // 7),
            purpose="Evaluatie voorbereiden",
        )
        db.session.add(visit)
        db.session.flush()
        trajectory = db.session.scalars(
            select(Trajectory).where(
                Trajectory.client_id == client.id, Trajectory.ended_on.is_(None)
            )
        ).first()
        for k, actor in enumerate((GoalActor.CLIENT, GoalActor.SUPERVISOR)):
            if trajectory is not None:
                db.session.add(
                    Goal(
                        organisation_id=client.organisation_id,
                        trajectory_id=trajectory.id,
                        client_id=client.id,
                        text=f"Doel {k + 1}: zelfstandig de dagtaken plannen en afwerken",
                        actor=actor.value,
                        due_on=today() + timedelta(days=30 + k),
                    )
                )
        db.session.add(
            FollowUp(
                organisation_id=client.organisation_id,
                action_uuid=str(uuid.uuid4()),
                note_uuid=str(uuid.uuid4()),
                visit_id=visit.id,
                client_id=client.id,
                owner_id=counsellor_id,
                text="Werkschoenen kopen",
                due_on=today() + timedelta(days=5),
            )
        )
    db.session.commit()
    return counsellor.email


def _open_home(
    client: FlaskClient, tags: dict[str, str] | None, compressed: bool = True
) -> tuple[int, int, int, float]:
    """One home open; with ``tags`` the kept pages are asked conditionally (and ``tags`` kept up
    to date). Returns requests, body bytes, 304s and the milliseconds of the home page itself."""
    phone = PHONE if compressed else {}
    started = time.perf_counter()
    home = client.get("/", headers=phone)
    home_ms = (time.perf_counter() - started) * 1000
    listing = client.get("/api/offline-pages", headers=phone)
    answers = [home, listing]
    for page in listing.json["pages"]:
        headers = phone | COPY
        if tags is not None and page in tags:
            headers |= {"If-None-Match": tags[page]}
        answer = client.get(page, headers=headers)
        if answer.status_code not in (200, 304):
            raise RuntimeError(f"GET {page} answered {answer.status_code}")
        if tags is not None and "ETag" in answer.headers:
            tags[page] = answer.headers["ETag"]
        answers.append(answer)
    size = sum(len(answer.get_data()) for answer in answers)
    not_modified = sum(answer.status_code == 304 for answer in answers)
    return len(answers), size, not_modified, home_ms


def _signed_in(app: Flask, email: str, password: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, "the counsellor could not sign in"
    return client


def measure(app: Flask, email: str, password: str) -> tuple[HomeOpen, HomeOpen]:
    """A home open without conditional requests (before), and with them (after), each from a
    phone of its own that kept its copies at an earlier open. The two alternate round by round,
    so that a busy machine weighs on both alike."""
    phones = {False: _signed_in(app, email, password), True: _signed_in(app, email, password)}
    tags: dict[bool, dict[str, str] | None] = {False: None, True: {}}
    totals: dict[bool, list[float]] = {False: [], True: []}
    homes: dict[bool, list[float]] = {False: [], True: []}
    last: dict[bool, tuple[int, int, int, float]] = {}
    for conditional, phone in phones.items():
        _open_home(phone, tags[conditional])
    for _ in range(ROUNDS):
        for conditional, phone in phones.items():
            started = time.perf_counter()
            last[conditional] = _open_home(phone, tags[conditional])
            totals[conditional].append((time.perf_counter() - started) * 1000)
            homes[conditional].append(last[conditional][3])
    home_ms = statistics.median(homes[False] + homes[True])  # the same page in both
    results = []
    for conditional, phone in phones.items():
        requests, wire, not_modified, _home_ms = last[conditional]
        _requests, plain, _not_modified, _ = _open_home(phone, tags[conditional], compressed=False)
        results.append(
            HomeOpen(
                requests,
                wire,
                plain,
                not_modified,
                statistics.median(totals[conditional]),
                home_ms,
            )
        )
    before, after = results
    return before, after


def report(before: HomeOpen, after: HomeOpen) -> str:
    def line(name: str, result: HomeOpen) -> str:
        return (
            f"  {name}: {result.requests} requests, {result.wire_bytes / 1024:.1f} KB as sent "
            f"({result.plain_bytes / 1024:.1f} KB uncompressed), {result.not_modified} answered "
            f"304; server {result.server_ms:.1f} ms median = {result.times_home:.1f}x the home "
            f"page alone ({result.home_ms:.1f} ms)"
        )

    return "\n".join(
        [
            f"home open with kept pages ({VISITS} visits this week; the home page, the list, "
            "and each kept page):",
            line("before (no If-None-Match)", before),
            line("after (If-None-Match, pages unchanged)", after),
        ]
    )
