"""The 360° pages in ``make bench``: the weight of the public form (the page most people will ever
see of fieldapp, often on a weak connection), the server time of showing and submitting it, and the
report of a round with 30 answers."""

from __future__ import annotations

import re
import statistics
import time
from dataclasses import dataclass
from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select

from fieldapp.auth.models import User
from fieldapp.clients.models import Client
from fieldapp.common.dates import today
from fieldapp.extensions import db
from fieldapp.feedback import rounds
from fieldapp.feedback.models import RaterGroup
from fieldapp.trajectories.models import Trajectory

ANSWERS = 30
FORMS = 10  # a round holds at most 40 people: 30 answered, 10 links left
ASSET = re.compile(r'<(?:link|script)[^>]+(?:href|src)="([^"]+)"')
GROUPS = (RaterGroup.SUPERVISOR, RaterGroup.COLLEAGUE, RaterGroup.NETWORK, RaterGroup.COUNSELLOR)


@dataclass(frozen=True)
class FormWeight:
    requests: int
    total_bytes: int
    other_hosts: int


@dataclass(frozen=True)
class Prepared:
    round_id: int
    tokens: list[str]  # unanswered links: one to show, the rest to submit once each


def prepare(counsellor_id: int) -> Prepared:
    """A round on one of ``counsellor_id``'s open trajectories: 30 answers, and fresh links."""
    counsellor = db.session.get(User, counsellor_id)
    trajectory = db.session.scalars(
        select(Trajectory)
        .join(Client, Client.id == Trajectory.client_id)
        .where(Client.counsellor_id == counsellor_id, Trajectory.ended_on.is_(None))
        .limit(1)
    ).one()
    raters = [rounds.Rater(RaterGroup.SELF, "Zelf")] + [
        rounds.Rater(GROUPS[n % len(GROUPS)], f"Persoon {n}") for n in range(ANSWERS - 1 + FORMS)
    ]
    feedback_round, links = rounds.start(
        counsellor, trajectory, today() + timedelta(days=14), raters, today()
    )
    db.session.commit()
    keys = rounds.keys_of(feedback_round)
    invitations = list(feedback_round.invitations)
    for n, invitation in enumerate(invitations[:ANSWERS]):
        answers = rounds.Answers(
            scores={key: 1 + (n + index) % 5 for index, key in enumerate(keys)},
            comments={keys[0]: "Werkt netjes."} if n % 3 == 0 else {},
        )
        rounds.submit(invitation, answers)
    return Prepared(feedback_round.id, [links[i.id] for i in invitations[ANSWERS:]])


def form_weight(client: FlaskClient, path: str) -> FormWeight:
    """Everything the browser fetches on a first visit: the page and what it links to."""
    page = client.get(path)
    html = page.get_data(as_text=True)
    assets = ASSET.findall(html)
    total = len(page.data)
    for asset in assets:
        with client.get(asset) as response:
            total += len(response.data)
    other_hosts = sum(1 for asset in assets if asset.startswith(("http:", "https:", "//")))
    return FormWeight(1 + len(assets), total, other_hosts)


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def show_ms(client: FlaskClient, path: str, rounds_: int = 40) -> float:
    samples = []
    for _ in range(rounds_):
        start = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
    return median_ms(samples)


def submit_ms(client: FlaskClient, tokens: list[str], keys: list[str]) -> float:
    """Each link submitted once (a link takes one answer)."""
    data = {f"score-{key}": "4" for key in keys} | {"action": "submit"}
    samples = []
    for token in tokens:
        start = time.perf_counter()
        response = client.post(f"/f/{token}", data=data)
        samples.append(time.perf_counter() - start)
        if response.status_code != 200:
            raise RuntimeError(f"submit answered {response.status_code}")
    return median_ms(samples)
