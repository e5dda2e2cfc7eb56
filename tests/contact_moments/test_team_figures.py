"""The team lead's figures per counsellor, the clients behind each, and flat query counts."""

from __future__ import annotations

import uuid
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from fieldapp.auth.roles import Role
from fieldapp.clients import services as client_services
from fieldapp.clients.models import Client
from fieldapp.common.dates import today
from fieldapp.common.time import now_utc
from fieldapp.contact_moments import services as contacts
from fieldapp.feedback import rounds as feedback_rounds
from fieldapp.feedback.models import RaterGroup
from fieldapp.method import Scheme
from fieldapp.method import rhythm as organisation_rhythm
from fieldapp.organisation.models import Team
from fieldapp.reminders import agenda
from fieldapp.reports import figures
from fieldapp.visits import services as visits
from fieldapp.visits.models import VisitStatus
from tests.factories import days_from_today
from tests.query_counts import queries_for


def contact(counsellor, person, days_ago: int = 1, reached: bool = True) -> None:
    contacts.record(
        counsellor,
        person,
        contacts.parse(
            {
                "uuid": str(uuid.uuid4()),
                "kind": "phone_call",
                "reached": reached,
                "happened_at": (now_utc() - timedelta(days=days_ago)).isoformat(),
            }
        ),
    )


def done_visit(db, counsellor, person, days_ago: int = 1) -> None:
    visit = visits.plan(
        counsellor, person, visits.VisitPlan(days_from_today(-days_ago), time(10), 60, "")
    )
    db.session.flush()
    visits.set_status(counsellor, visit, VisitStatus.DONE)
    db.session.commit()


@pytest.fixture
def team(make, db):
    """A lead, two counsellors of the team and one of another team; phase 1 seen every 14 days."""
    lead = make.user(role=Role.TEAM_LEAD, email="lead@example.org", name="Lea Lead")
    organisation = lead.organisation
    north = Team(organisation_id=organisation.id, name="Noord")
    south = Team(organisation_id=organisation.id, name="Zuid")
    db.session.add_all([north, south])
    db.session.flush()
    an = make.user(organisation, email="an@example.org", name="An")
    bo = make.user(organisation, email="bo@example.org", name="Bo")
    stranger = make.user(organisation, email="zuid@example.org", name="Zed")
    lead.team_id = an.team_id = bo.team_id = north.id
    stranger.team_id = south.id
    admin = make.user(organisation, role=Role.ADMIN, email="admin@example.org")
    organisation_rhythm.save(admin, {1: 14})
    db.session.commit()
    return lead, an, bo, stranger


def test_figures_per_counsellor_and_the_clients_behind_them(client, auth, db, make, team):
    lead, an, _bo, stranger = team
    # An: one client long without contact and with an overdue evaluation (art. 60, 100 days in)
    late = make.client(an, "Lien", "Laat")
    make.trajectory(an, late, started_on=days_from_today(-100))
    # ... one seen this month (a call) and by a visit
    seen = make.client(an, "Sam", "Gezien")
    make.trajectory(an, seen, scheme=Scheme.OTHER, started_on=days_from_today(-100))
    contact(an, seen, days_ago=0)
    contact(an, seen, days_ago=0, reached=False)
    db.session.commit()
    done_visit(db, an, seen, days_ago=0)
    feedback_rounds.start(
        an,
        make.trajectory(
            an,
            make.client(an, "Rui", "Ronde"),
            scheme=Scheme.OTHER,
            started_on=days_from_today(-1),
        ),
        today() + timedelta(days=7),
        [
            feedback_rounds.Rater(RaterGroup.SELF, "Zelf"),
            feedback_rounds.Rater(RaterGroup.SUPERVISOR, "Baas"),
        ],
        today(),
    )
    db.session.commit()
    # Bo: nothing; the stranger of another team is not shown
    make.client(stranger, "Xavier", "Anders")
    agenda.plan_organisation(lead.organisation_id)
    db.session.commit()

    auth.login("lead@example.org")
    assert 'href="/team/figures"' in client.get("/team/").get_data(as_text=True)
    report = figures.team_figures(lead.team_id)
    by_name = {row.counsellor.name: row for row in report.rows}
    assert set(by_name) == {"An", "Bo", "Lea Lead"}
    an_row = by_name["An"]
    assert an_row.overdue_evaluations == 2  # the art. 60 evaluations at one and three months
    assert an_row.past_rhythm == 1  # Lien; Sam was seen, Rui's trajectory just started
    assert an_row.contacts[-1] == 2  # reached or not, both were contacts this month
    assert an_row.visits[-1] == 1
    assert (an_row.invitations, an_row.responses) == (2, 0)
    assert by_name["Bo"].contacts == [0, 0, 0]
    page = client.get("/team/figures").get_data(as_text=True)
    assert "Zed" not in page
    month = today().strftime("%Y-%m")
    lists = {
        "evaluations": ("", ["Lien Laat"]),
        "rhythm": ("", ["Lien Laat"]),
        "contacts": (f"?month={month}", ["Sam Gezien"]),
        "visits": (f"?month={month}", ["Sam Gezien"]),
        "responses": ("", ["Rui Ronde"]),
    }
    for figure, (query, names) in lists.items():
        url = f"/team/figures/{figure}/{an.id}{query}"
        assert f'href="/team/figures/{figure}/{an.id}' in page
        listing = client.get(url).get_data(as_text=True)
        shown = [n for n in ("Lien Laat", "Sam Gezien", "Rui Ronde") if n in listing]
        assert shown == names, figure
    # another team's counsellor, a bad month, an unknown figure
    assert client.get(f"/team/figures/rhythm/{stranger.id}").status_code == 404
    assert client.get(f"/team/figures/contacts/{an.id}?month=2026-13").status_code == 400
    assert client.get(f"/team/figures/contacts/{an.id}?month=x").status_code == 400
    assert client.get(f"/team/figures/nope/{an.id}").status_code == 404
    auth.logout()
    auth.login("an@example.org")
    assert client.get("/team/figures").status_code == 403


def build_team(make, db, lead, counsellors: int, clients_each: int):
    for n in range(counsellors):
        person = make.user(lead.organisation, email=f"c{lead.id}-{n}@example.org")
        person.team_id = lead.team_id
        db.session.commit()
        for m in range(clients_each):
            someone = make.client(person, f"K{person.id}", f"L{m}")
            make.trajectory(person, someone, started_on=days_from_today(-100))
            contact(person, someone, days_ago=m)
            db.session.commit()
            done_visit(db, person, someone, days_ago=m + 1)
    db.session.commit()
    agenda.plan_organisation(lead.organisation_id)
    db.session.commit()
    return person


def test_the_clients_behind_a_figure_are_only_files_the_lead_may_open(client, auth, db, make, team):
    lead, an, _bo, stranger = team
    own = make.client(an, "Olga", "Eigen")
    elsewhere = make.client(stranger, "Walter", "Elders")
    client_services.share(stranger, elsewhere, an, include_sensitive=False)
    db.session.commit()
    contact(an, own, days_ago=0)
    contact(an, elsewhere, days_ago=0)  # An may record it: the file is shared with her
    db.session.commit()
    auth.login(lead.email)

    page = client.get(f"/team/figures/contacts/{an.id}").get_data(as_text=True)

    assert "Eigen" in page
    assert "Elders" not in page
    assert "Walter" not in page


def test_query_counts_do_not_grow_with_the_team(app, client, auth, make, db):
    counts = {}
    for email, size in (("small@example.org", 1), ("large@example.org", 6)):
        lead = make.user(role=Role.TEAM_LEAD, email=email)
        team = Team(organisation_id=lead.organisation_id, name=email)
        db.session.add(team)
        db.session.flush()
        lead.team_id = team.id
        db.session.commit()
        last = build_team(make, db, lead, size, size)
        auth.login(email)
        counts[email] = [
            queries_for(app, client, url)
            for url in (
                "/team/figures",
                *(f"/team/figures/{figure}/{last.id}" for figure in figures.Figure),
                f"/clients/{_a_client_of(db, last)}/contacts",
                f"/clients/{_a_client_of(db, last)}",
            )
        ]
        auth.logout()
    assert counts["small@example.org"] == counts["large@example.org"]


def _a_client_of(db, person) -> int:
    return db.session.scalars(select(Client.id).where(Client.counsellor_id == person.id)).first()
