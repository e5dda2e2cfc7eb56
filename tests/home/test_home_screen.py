"""The home screen's lists: today's visits, what is due this week (check-ins, follow-ups, goals)
and the contracts ending soon, each with the names it shows, read as columns."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from markupsafe import escape

from fieldapp.auth.roles import Role
from fieldapp.common.dates import add_months, today
from fieldapp.common.tenancy import activate_tenant
from fieldapp.development_plan.models import GoalActor
from fieldapp.mentorships import services as mentorships
from fieldapp.method import Scheme
from fieldapp.visits import services as visits
from tests.query_counts import queries_for


def fill(app, make, db, counsellor, number: int = 0):
    """Something of every list for ``counsellor``: two visits today (one at a worksite), one
    tomorrow, follow-ups (one late, one not this week), goals of every actor, check-ins of a
    mentored client and of a mentored colleague, two contracts ending soon."""
    site = make.worksite(counsellor, f"Atelier <Noord> & Co {number}")
    people = [
        make.client(counsellor, first_name=f"Ané{n}", last_name=f"O'Brien<{number}.{n}>")
        for n in range(3)
    ]
    soon = make.trajectory(
        counsellor,
        people[0],
        scheme=Scheme.TWE,
        started_on=today() - timedelta(days=10),
        planned_end_on=today() + timedelta(days=50),
        worksite=site,
    )
    make.trajectory(counsellor, people[1], planned_end_on=today() + timedelta(days=20))
    for n, who in enumerate(GoalActor):
        make.goal(counsellor, soon, f"Doel <{n}> & co", who, today() + timedelta(days=n - 1))
    colleague = make.user(counsellor.organisation)
    with app.test_request_context():
        activate_tenant(counsellor.organisation_id)
        starts_on = today() - timedelta(days=2)
        mentorships.pair(
            counsellor, starts_on=starts_on, mentor_user=counsellor, mentee_user=colleague
        )
        mentorships.pair(
            counsellor, starts_on=starts_on, mentor_user=counsellor, mentee_client=people[2]
        )
        at_site = visits.plan(counsellor, people[0], visits.VisitPlan(today(), time(14), 60, "x"))
        away = visits.plan(counsellor, people[1], visits.VisitPlan(today(), time(16, 30), 30, ""))
        tomorrow = today() + timedelta(days=1)
        later = visits.plan(counsellor, people[2], visits.VisitPlan(tomorrow, time(9), 30, ""))
        away.worksite_id = None
        db.session.commit()
    make.follow_up(counsellor, at_site, "Schoenen <kopen>", today() - timedelta(days=1))
    make.follow_up(counsellor, away, "Attest afgeven", today() + timedelta(days=3))
    make.follow_up(counsellor, later, "Volgende maand", today() + timedelta(days=12))
    return people, colleague, (at_site, away, later)


@pytest.fixture
def counsellor(make):
    return make.user()


def test_each_list_shows_its_names(app, client, auth, make, db, counsellor):
    people, colleague, (at_site, away, later) = fill(app, make, db, counsellor)
    auth.login(counsellor.email)
    page = client.get("/").get_data(as_text=True)
    visits_part, due_part = page.split('id="visits-heading"')[1].split('id="week-heading"')
    due_part, ending_part = due_part.split('id="ending-heading"')

    assert f'href="/visits/{at_site.id}"><strong>14:00 · {escape(people[0].full_name)}<' in (
        visits_part
    )
    assert "<span>Atelier &lt;Noord&gt; &amp; Co 0</span>" in visits_part
    assert f'href="/visits/{away.id}"><strong>16:30 · {escape(people[1].full_name)}<' in (
        visits_part
    )
    assert "<span>—</span>" in visits_part
    assert f"/visits/{later.id}" not in visits_part

    # A mentored client links to the file; a mentored colleague is a name.
    assert f'<a href="/clients/{people[2].id}"><strong>{escape(people[2].full_name)}<' in due_part
    assert f"<strong>{escape(colleague.name)}</strong>" in due_part
    assert due_part.count("Mentor check-in") == 2
    assert "Schoenen &lt;kopen&gt;" in due_part
    assert "Attest afgeven" in due_part
    assert "Volgende maand" not in due_part
    assert due_part.count("data-follow-up") == 2
    for label in ("Client", "Floor supervisor", "Counsellor", "Mentor"):
        assert f" · {label} · " in due_part
    assert "Goal: Doel &lt;0&gt; &amp; co" in due_part

    assert f"<strong>{escape(people[0].full_name)}</strong>" in ending_part
    assert "Temporary work experience (TWE) · ends" in ending_part
    assert f"<strong>{escape(people[1].full_name)}</strong>" in ending_part


def test_the_page_costs_the_same_queries_however_much_is_due(app, client, auth, make, db):
    counsellor = make.user()
    auth.login(counsellor.email)
    empty = queries_for(app, client, "/")
    fill(app, make, db, counsellor)
    one = queries_for(app, client, "/")
    for number in range(1, 4):
        fill(app, make, db, counsellor, number)
    many = queries_for(app, client, "/")
    assert client.get("/").get_data(as_text=True).count("data-goal=") == 10
    assert empty == one == many


@pytest.mark.parametrize(
    ("language", "one", "six"),
    [
        ("en", "Evaluation after 1 month ", "Evaluation after 6 months"),
        ("nl", "Evaluatie na 1 maand ", "Evaluatie na 6 maanden"),
        ("fr", "Évaluation après 1 mois", "Évaluation après 6 mois"),
    ],
)
def test_evaluations_due_are_counted_in_months_as_the_language_says_it(
    client, auth, make, db, language, one, six
):
    """'after 1 month', 'after 6 months': not 'month(s)' on the home screen."""
    counsellor = make.user(email="an@example.org")
    for first, started in (("Bart", today() - timedelta(days=28)), ("Hamza", None)):
        person = make.client(counsellor, first, "Claes")
        started = started or add_months(today(), -6) + timedelta(days=2)
        make.trajectory(counsellor, person, started_on=started)
    auth.login("an@example.org")
    client.post("/language", data={"language": language, "next": "/"})

    page = client.get("/").get_data(as_text=True)
    assert one in page
    assert six in page
    assert "month(s)" not in page
    assert "maand(en)" not in page


def test_an_administrators_home_offers_no_counsellors_tools_that_lead_nowhere(
    client, auth, make, db
):
    """An administrator follows no clients: planning a visit, recording a contact or an
    unplanned visit would each end on "you have no clients of your own"."""
    counsellor = make.user(email="an@example.org")
    admin = make.user(counsellor.organisation, role=Role.ADMIN, email="beheer@example.org")
    tools = ('href="/visits/new"', 'href="/contacts/new"', 'href="/visits/unplanned"')

    auth.login(admin.email)
    page = client.get("/").get_data(as_text=True)
    assert "Today's visits" in page
    assert [tool for tool in tools if tool in page] == []

    auth.logout()
    auth.login(counsellor.email)
    page = client.get("/").get_data(as_text=True)
    assert [tool for tool in tools if tool in page] == list(tools)
