"""Every route of the URL map against every relation one can have to a client's file.

Each route declares who may call it (``fieldapp.common.access``,
``fieldapp.clients.file_access``); this test walks the URL map like tests/test_tenancy.py does, and
for each route on a client's file, each relation and each method (a POST with empty data) compares
the answer with the table below, which is written here and not read from the code. The sensitive
part never shows for those who may not see it. Another organisation's records are covered by
tests/test_tenancy.py.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask, url_for
from pypdf import PdfReader
from sqlalchemy import select

from fieldapp.auth.models import User
from fieldapp.auth.roles import Role
from fieldapp.clients import services as client_services
from fieldapp.clients.file_access import LOADERS, Permission
from fieldapp.common.access import (
    UndeclaredRoute,
    check_declared,
    declaration,
    public,
    undeclared_endpoints,
)
from fieldapp.common.dates import today
from fieldapp.method import Outcome
from fieldapp.organisation.models import Team
from fieldapp.privacy.services import anonymise
from fieldapp.trajectories import services as trajectory_services
from fieldapp.trajectories.models import Evaluation
from tests import spreadsheets

SENSITIVE_ANSWER = "schulden bij drie schuldeisers"
SENSITIVE_REASON = "schulden en huisvesting"  # the referral's reason, see tests/factories.py

OK = "allowed"  # 2xx, a redirect, or a 4xx that is about the (empty) input
ALLOWED_STATUSES = {200, 201, 302, 303, 400, 409, 422}

READS = {Permission.READ, Permission.READ_SENSITIVE}
EVERYTHING = dict.fromkeys(Permission, OK)

R, C, RS, CS = (
    Permission.READ,
    Permission.CHANGE,
    Permission.READ_SENSITIVE,
    Permission.CHANGE_SENSITIVE,
)
# What each route on a client's file does to it; a new route must be added here (and so tested).
ROUTES: dict[str, Permission] = {
    "clients.show": R,
    "clients.timeline": R,
    "clients.edit": C,
    "clients.consent": C,
    "clients.handover": Permission.REASSIGN,
    "clients.shares": Permission.REASSIGN,
    "clients.unshare": Permission.REASSIGN,
    "privacy.export": RS,
    "privacy.anonymise": Permission.ERASE,
    "referrals.create": CS,
    "referrals.edit": CS,
    "mentorships.for_client": C,
    "mentorships.check_in_done": C,
    "trajectories.create": C,
    "trajectories.edit": C,
    "trajectories.change_phase": C,
    "trajectories.checklist": C,
    "trajectories.regime": C,
    "trajectories.evaluation": C,
    "trajectories.end": C,
    "documents.handover_summary": R,
    "documents.handover_pdf": R,
    "evaluations.page": C,
    "evaluations.autosave": C,
    "evaluations.correct": C,
    "evaluations.goal_from_growth_point": C,
    "evaluations.version": R,
    "documents.evaluation_pdf": R,
    "visits.create": C,
    "visits.show": R,
    "visits.edit": C,
    "visits.confirm_cancel": C,
    "visits.set_status": C,
    "visits.sync_note": C,
    "visits.sync_unplanned": C,
    "visits.add_note": C,
    "visits.follow_up_done": C,
    "contact_moments.index": R,
    "contact_moments.latest": R,
    "contact_moments.record": C,
    "contact_moments.sync": C,
    "contact_moments.set_rhythm": C,
    "feedback_rounds.start": C,
    "feedback_rounds.show": R,
    "feedback_rounds.report": R,
    "feedback_rounds.report_csv": R,
    "feedback_rounds.report_xlsx": R,
    "feedback_rounds.close": C,
    "feedback_rounds.release": C,
    "feedback_rounds.remind": C,
    "feedback_rounds.extend": C,
    "feedback_rounds.new_link": C,
    "feedback_rounds.revoke": C,
    "feedback_easy.together": C,
    "goals.create": C,
    "goals.change_status": C,
    "goals.from_blind_spot": C,
    "aftercare.record": C,
    "supervisor_link.placement": R,
    "supervisor_link.new_link": C,
    "supervisor_link.mail_link": C,
    "supervisor_link.stop": C,
}

# What each relation gets for each permission.
EXPECTED: dict[str, dict[Permission, str | int]] = {
    "own client": EVERYTHING,
    "team lead": EVERYTHING,
    "shared with the sensitive part": {
        Permission.READ: OK,
        Permission.CHANGE: OK,
        Permission.READ_SENSITIVE: OK,
        Permission.CHANGE_SENSITIVE: OK,
        Permission.REASSIGN: 403,
        Permission.ERASE: 403,
    },
    "shared without the sensitive part": {
        Permission.READ: OK,
        Permission.CHANGE: OK,
        Permission.READ_SENSITIVE: 403,
        Permission.CHANGE_SENSITIVE: 403,
        Permission.REASSIGN: 403,
        Permission.ERASE: 403,
    },
    "colleague of another team": dict.fromkeys(Permission, 404),
    "lead of another team": dict.fromkeys(Permission, 404),
    "administrator": {
        Permission.READ: OK,
        Permission.CHANGE: OK,
        Permission.READ_SENSITIVE: 403,
        Permission.CHANGE_SENSITIVE: 403,
        Permission.REASSIGN: OK,
        Permission.ERASE: OK,
    },
    # As its counsellor: what is left can be read, exported and erased again; nothing changes.
    "anonymised file": {
        Permission.READ: OK,
        Permission.CHANGE: 410,
        Permission.READ_SENSITIVE: OK,
        Permission.CHANGE_SENSITIVE: 410,
        Permission.REASSIGN: 410,
        Permission.ERASE: OK,
    },
}

# Who may see the sensitive part (the others never get it in any answer).
SEES_SENSITIVE = {"own client", "team lead", "shared with the sensitive part", "anonymised file"}

# Records that anonymising erases: their routes no longer find them.
ERASED_BY_ANONYMISING = {"follow_up_id", "goal_id"}


def _values(world: Any) -> dict[str, Any]:
    """A value for every argument of a file's routes, all in ``world``."""
    return {
        "client_id": world.client.id,
        "trajectory_id": world.trajectory.id,
        "evaluation_id": world.evaluation.id,
        "record_id": world.evaluation_record.id,
        "visit_id": world.visit.id,
        "follow_up_id": world.follow_up.id,
        "referral_id": world.referral.id,
        "round_id": world.feedback_round.id,
        "invitation_id": world.invitation.id,
        "check_in_id": world.check_in.id,
        "share_id": world.share.id,
        "goal_id": world.goal.id,
        "phase": 1,
        "status": "done",
    }


def file_routes(app: Flask) -> list[Any]:
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        and (found := declaration(app.view_functions[rule.endpoint])) is not None
        and found.who == "file"
    ]


def _user(make: Any, db: Any, world: Any, role: Role, team_id: int | None, email: str) -> User:
    user = make.user(world.organisation, role=role, email=email)
    user.team_id = team_id
    db.session.commit()
    return user


def _relate(relation: str, make: Any, db: Any, world: Any) -> str:
    """Set up ``relation`` to ``world``'s file; the e-mail address to sign in with."""
    team = world.counsellor.team_id
    if relation in {"own client", "anonymised file"}:
        return world.counsellor.email
    if relation == "team lead":
        return _user(make, db, world, Role.TEAM_LEAD, team, "lead@example.org").email
    if relation == "shared without the sensitive part":
        assert not world.share.include_sensitive
        return world.share.user.email
    if relation == "shared with the sensitive part":
        user = _user(make, db, world, Role.COUNSELLOR, team, "trusted@example.org")
        client_services.share(world.counsellor, world.client, user, include_sensitive=True)
        db.session.commit()
        return user.email
    other = Team(organisation_id=world.organisation.id, name="Team Zuid")
    db.session.add(other)
    db.session.commit()
    if relation == "colleague of another team":
        return _user(make, db, world, Role.COUNSELLOR, other.id, "south@example.org").email
    if relation == "lead of another team":
        return _user(make, db, world, Role.TEAM_LEAD, other.id, "south-lead@example.org").email
    assert relation == "administrator"
    return _user(make, db, world, Role.ADMIN, None, "admin@example.org").email


@pytest.fixture
def world(make, db):
    world = make.world()
    team = Team(organisation_id=world.organisation.id, name="Team Noord")
    db.session.add(team)
    db.session.commit()
    world.counsellor.team_id = team.id
    trajectory_services.save_checklist(
        world.counsellor, world.trajectory, {"debts": SENSITIVE_ANSWER}, True
    )
    db.session.commit()
    world.evaluation_record = make.evaluation_record(world)
    return world


def test_every_route_declares_its_access(app):
    assert undeclared_endpoints(app, ["static"]) == []


def test_every_route_on_a_files_record_declares_a_permission_on_the_file(app):
    """A route that names a record of a client's file checks the file, not just a sign-in."""
    loosely_declared = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if set(rule.arguments) & set(LOADERS) and rule not in file_routes(app)
    ]
    assert loosely_declared == []


def test_each_route_declares_the_permission_this_test_expects(app):
    declared = {
        rule.endpoint: declaration(app.view_functions[rule.endpoint]).permission
        for rule in file_routes(app)
    }
    assert declared == ROUTES


def test_a_route_without_a_declaration_stops_the_app():
    app = Flask(__name__)
    app.add_url_rule("/forgotten", "forgotten", lambda: "")
    app.add_url_rule("/declared", "declared", public(lambda: ""))
    with pytest.raises(UndeclaredRoute, match="forgotten"):
        check_declared(app)
    check_declared(Flask(__name__), public_endpoints=["static"])


@pytest.mark.parametrize("relation", list(EXPECTED))
def test_each_relation_gets_what_the_table_says(app, client, auth, make, db, world, relation):
    email = _relate(relation, make, db, world)
    values = _values(world)
    if relation == "anonymised file":
        trajectory_services.end(world.counsellor, world.trajectory, today(), Outcome.REGULAR_JOB)
        anonymise(world.counsellor, world.client)
        db.session.commit()
        # Ending drops the evaluations not yet due; one that was held or due stays.
        values["evaluation_id"] = db.session.scalars(
            select(Evaluation.id).where(Evaluation.trajectory_id == world.trajectory.id)
        ).first()
        assert values["evaluation_id"] is not None
    auth.login(email)
    routes = file_routes(app)
    assert {rule.endpoint for rule in routes} == set(ROUTES)
    assert set(ROUTES.values()) == set(Permission)

    wrong = []
    for rule in routes:
        permission = ROUTES[rule.endpoint]
        expected = EXPECTED[relation][permission]
        if relation == "anonymised file" and set(rule.arguments) & ERASED_BY_ANONYMISING:
            expected = 404
        with app.test_request_context():
            url = url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method, data={})
            status = response.status_code
            if (expected == OK and status not in ALLOWED_STATUSES) or (
                expected != OK and status != expected
            ):
                wrong.append((method, rule.endpoint, permission.value, expected, status))
            if relation not in SEES_SENSITIVE:
                body = readable(response)
                assert SENSITIVE_ANSWER not in body, (method, url)
                assert SENSITIVE_REASON not in body, (method, url)
    assert wrong == []


def readable(response: Any) -> str:
    """What a person can read in a response: its text, a PDF's text, or a workbook's cells."""
    if response.mimetype == "application/pdf":
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    if response.mimetype != spreadsheets.XLSX_MIMETYPE:
        return response.get_data(as_text=True)
    return "\n".join(
        str(value)
        for sheet in spreadsheets.workbook(response.data)
        for row in sheet.iter_rows(values_only=True)
        for value in row
    )


def test_reading_still_works_where_changing_is_refused(client, auth, make, db, world):
    """The file that changes are refused on still opens, for the same person."""
    assert {p for p, outcome in EXPECTED["anonymised file"].items() if outcome == OK} >= READS
    trajectory_services.end(world.counsellor, world.trajectory, today(), Outcome.REGULAR_JOB)
    anonymise(world.counsellor, world.client)
    db.session.commit()
    auth.login(world.counsellor.email)
    assert client.get(f"/clients/{world.client.id}").status_code == 200
    assert client.get(f"/referrals/{world.referral.id}").status_code == 410
    assert client.get(f"/clients/{world.client.id}/mentor").status_code == 410
    assert client.post(f"/feedback/rounds/{world.feedback_round.id}/remind").status_code == 410
    assert client.get(f"/feedback/rounds/{world.feedback_round.id}").status_code == 200
