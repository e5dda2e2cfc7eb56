"""Generated input (Hypothesis): every route, form field and JSON API, as each role, gets typed
junk. Nothing answers 5xx, and a refused request (4xx) leaves the database as it was.

`make test` runs a bounded, repeatable number of examples per role; `make fuzz` runs a long random
pass (FIELDAPP_FUZZ_EXAMPLES per role) and prints the inputs tried and the 5xx seen.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from sqlalchemy import event, select

from fieldapp.auth.models import User
from fieldapp.auth.roles import Role
from fieldapp.feedback import rounds
from fieldapp.feedback.models import RaterGroup
from tests.factories import DEFAULT_PASSWORD, CaseloadFactories, World
from tests.fuzzing import walker
from tests.fuzzing.tally import TALLY

# Examples per target (route and method) and role: 4 roles x ~130 targets x EXAMPLES requests.
pytestmark = pytest.mark.fuzz

EXAMPLES = int(os.environ.get("FIELDAPP_FUZZ_EXAMPLES") or 3)
LONG_RUN = "FIELDAPP_FUZZ_EXAMPLES" in os.environ
# Tables that a refused request may change on purpose: the audit trail records refusals, and a
# wrong password counts towards a lock-out.
MAY_CHANGE_WHEN_REFUSED = {"audit_event"}
COUNTERS = {"auth.login", "auth.forgot_password", "auth.reset_password", "auth.accept_invitation"}
# /healthz answers 503 by design here: the tests' database is made without Alembic and no
# scheduler runs (tests/health covers its states); it must still never be a 500.
HEALTH_CHECKS = {"health.healthz"}


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"RATELIMIT_ENABLED": False}


@dataclass
class Walk:
    app: Flask
    db: Any
    people: dict[Role | None, str | None]
    known: dict[str, Any]
    targets: list[walker.Target]


def _known_ids(world: World, token: str, lead_id: int) -> dict[str, Any]:
    return {
        "client_id": world.client.id,
        "visit_id": world.visit.id,
        "trajectory_id": world.trajectory.id,
        "evaluation_id": world.evaluation.id,
        "referral_id": world.referral.id,
        "worksite_id": world.worksite.id,
        "contact_id": world.contact.id,
        "share_id": world.share.id,
        "check_in_id": world.check_in.id,
        "follow_up_id": world.follow_up.id,
        "framework_id": world.framework.id,
        "competence_id": world.competence.id,
        "round_id": world.feedback_round.id,
        "invitation_id": world.invitation.id,
        "device_id": world.device.id,
        "reminder_id": world.reminder.id,
        "goal_id": world.goal.id,
        "user_id": lead_id,
        "phase": 2,
        "token": token,
        "status": "done",
    }


def _signed_in(app: Flask, email: str | None) -> FlaskClient:
    """A client signed in as ``email``, or nobody's (the public pages) for None."""
    client = app.test_client()
    if email is None:
        return client
    response = client.post("/login", data={"email": email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302, email
    return client


def _pages(app: Flask, clients: list[FlaskClient], known: dict[str, Any]) -> list[tuple[str, str]]:
    """Every page without parameters, or with the world's, as each role sees it."""
    pages = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint in walker.SESSION_ENDERS:
            continue
        if any(name not in known for name in rule.arguments):
            continue
        _domain, path = rule.build({name: known[name] for name in rule.arguments})
        for client in clients:
            response = client.get(path)
            if response.status_code == 200 and response.mimetype == "text/html":
                pages.append((path, response.get_data(as_text=True)))
    return pages


# The targets of each app, found once: every test of this module makes the same two worlds, with
# the same ids (every test starts from empty tables whose ids start again at 1), so their pages
# show the same forms (reading them all again cost some ten seconds a test). The values of hidden
# fields (a uuid, a name) are those of the first test's world: junk to the next, as it should be.
_TARGETS: dict[Flask, list[walker.Target]] = {}


@pytest.fixture
def walk(app: Flask, db: Any, make: CaseloadFactories) -> Walk:
    world = make.world()
    make.world()  # another organisation, whose ids the walker also meets
    lead = make.user(world.organisation, role=Role.TEAM_LEAD)
    admin = make.user(world.organisation, role=Role.ADMIN)
    _round, links = make.feedback_round(world, rounds.Rater(RaterGroup.NETWORK, "Zus"))
    known = _known_ids(world, next(iter(links.values())), lead.id)
    people = {Role.COUNSELLOR: world.counsellor.email, Role.TEAM_LEAD: lead.email}
    people[Role.ADMIN] = admin.email
    people[None] = None
    if app not in _TARGETS:
        clients = [app.test_client(), *(_signed_in(app, email) for email in people.values())]
        _TARGETS[app] = walker.targets(app, _pages(app, clients, known))
    return Walk(app, db, people, known, _TARGETS[app])


class CommittedWrites:
    """Counts the writes that reached a commit, other than to the tables a refusal may change."""

    WRITE = ("insert", "update", "delete")

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.pending: list[str] = []
        self.committed: list[str] = []

    def __enter__(self) -> CommittedWrites:
        event.listen(self.engine, "before_cursor_execute", self._executed)
        event.listen(self.engine, "commit", self._commit)
        event.listen(self.engine, "rollback", self._rollback)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._executed)
        event.remove(self.engine, "commit", self._commit)
        event.remove(self.engine, "rollback", self._rollback)

    def _executed(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        words = statement.lstrip().lower()
        if words.startswith(self.WRITE) and not any(t in words for t in MAY_CHANGE_WHEN_REFUSED):
            self.pending.append(statement)

    def _commit(self, _conn: Any) -> None:
        self.committed.extend(self.pending)
        self.pending.clear()

    def _rollback(self, _conn: Any) -> None:
        self.pending.clear()


def _send(client: FlaskClient, target: walker.Target, path: str, data: Any) -> Any:
    if target.endpoint in walker.JSON_APIS:
        return client.open(path, method=target.method, json=data)
    if target.method == "GET":
        return client.open(path, method="GET", query_string=data)
    return client.open(path, method=target.method, data=data)


def _still_signed_in(walk: Walk, client: FlaskClient, role: Role | None) -> FlaskClient:
    """Junk may have ended the session (an administrator who deactivated himself): sign in again."""
    if role is None or client.get("/api/csrf").status_code == 200:
        return client
    user = walk.db.session.scalars(select(User).where(User.email == walk.people[role])).one()
    user.active = True
    walk.db.session.commit()
    return _signed_in(walk.app, walk.people[role])


@pytest.mark.parametrize("role", [Role.COUNSELLOR, Role.TEAM_LEAD, Role.ADMIN, None])
def test_no_generated_input_gets_a_server_error(walk: Walk, role: Role | None) -> None:
    """Each target gets its own examples, so that every route and form is tried in every run."""
    client = _signed_in(walk.app, walk.people[role])
    who = role.value if role else "anonymous"
    rules = {rule.rule: rule for rule in walk.app.url_map.iter_rules()}
    with CommittedWrites(walk.db.engine) as writes:
        for target in walk.targets:
            client = _still_signed_in(walk, client, role)
            _try(walk, client, target, rules[target.rule], who, writes)


def _try(
    walk: Walk, client: FlaskClient, target: walker.Target, rule: Any, who: str, writes: Any
) -> None:
    if target.endpoint in walker.JSON_APIS:
        payloads = walker.json_body(target.endpoint)
    else:
        payloads = walker.form_data(target.fields)

    sweep = (
        [{f.name: junk for f in target.fields} for junk in walker.SWEEP] if target.fields else []
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=not LONG_RUN,
        suppress_health_check=list(HealthCheck),
    )
    @given(values=walker.path_values(rule, walk.known), payload=payloads)
    def one_request(values: dict[str, Any], payload: Any) -> None:
        _domain, path = rule.build(values, append_unknown=False)
        writes.committed.clear()
        response = _send(client, target, path, payload)
        TALLY.inputs += 1
        where = f"{who} {target.method} {path} {payload!r}"[:2000]
        health_answer = target.endpoint in HEALTH_CHECKS and response.status_code == 503
        if health_answer:
            assert response.get_json()["status"] == "unavailable", where
        elif response.status_code >= 500:
            TALLY.server_errors.append(where)
        assert response.status_code < 500 or health_answer, where
        if 400 <= response.status_code < 500 and target.endpoint not in COUNTERS:
            assert not writes.committed, f"refused ({response.status_code}) yet saved: {where}"

    for data in sweep:
        one_request = example(values=_real(rule, walk.known), payload=data)(one_request)
    one_request()


def _real(rule: Any, known: dict[str, Any]) -> dict[str, Any]:
    return {name: known.get(name, "x") for name in rule.arguments}


def test_every_route_is_a_target(walk: Walk) -> None:
    """The walker does not silently lose routes: each rule (but a few) and its forms' fields."""
    endpoints = {t.endpoint for t in walk.targets}
    rules = {r.endpoint for r in walk.app.url_map.iter_rules()} - walker.SESSION_ENDERS
    assert endpoints == rules
    with_fields = {t.endpoint for t in walk.targets if t.fields}
    for endpoint in ("clients.create", "visits.create", "trajectories.create", "clients.index"):
        assert endpoint in with_fields
