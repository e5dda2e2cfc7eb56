from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from fieldapp.auth.roles import Role
from fieldapp.clients import services as client_services
from fieldapp.common.dates import today
from fieldapp.feedback import rounds as feedback_rounds
from fieldapp.feedback.models import RaterGroup
from fieldapp.mentorships import services as mentorships
from fieldapp.method import Scheme
from fieldapp.trajectories import services as trajectories
from fieldapp.trajectories.models import Evaluation, Trajectory
from fieldapp.worksites.models import WorksiteKind
from tests.query_counts import queries_for


@pytest.fixture
def counsellor(make):
    return make.user(email="an@example.org", name="An")


def caseload_names(client, query=""):
    page = client.get(f"/clients/?{query}").get_data(as_text=True)
    chunks = page.split('class="row__main"')[1:]
    return [chunk.split("<strong>")[1].split("</strong>")[0] for chunk in chunks]


def test_search_and_filters(client, auth, make, db, counsellor):
    kitchen = make.worksite(counsellor, "Keuken WZC", WorksiteKind.INTERNAL)
    shop = make.worksite(counsellor, "Kringwinkel", WorksiteKind.SOCIAL_ECONOMY)
    amal = make.client(counsellor, "Amal", "Benali")
    bert = make.client(counsellor, "Bert", "Claes")
    chloé = make.client(counsellor, "Chloé", "Dewitte")
    make.trajectory(counsellor, amal, worksite=kitchen)
    make.trajectory(counsellor, bert, scheme=Scheme.TWE, planned_end_on=None, worksite=shop)
    assert chloé.id
    auth.login("an@example.org")

    assert caseload_names(client) == ["Amal Benali", "Bert Claes", "Chloé Dewitte"]
    assert caseload_names(client, "q=chlo") == ["Chloé Dewitte"]
    assert caseload_names(client, "q=CLAES") == ["Bert Claes"]
    assert caseload_names(client, "q=ben") == ["Amal Benali"]
    assert caseload_names(client, "scheme=twe") == ["Bert Claes"]
    assert caseload_names(client, "phase=1") == ["Amal Benali", "Bert Claes"]
    assert caseload_names(client, f"worksite={kitchen.id}") == ["Amal Benali"]
    assert caseload_names(client, "q=am%25l") == []  # % is no wildcard: "am%l" is not "Amal"


def test_needs_attention_and_the_next_thing_due(client, auth, make, db, counsellor):
    """An evaluation whose day has come, a contract from its first end reminder on (the
    organisation's rule: three months before for art. 60), a late referral follow-up."""
    now = today()
    due_soon = make.client(counsellor, "Dina", "Evaluatie")
    make.trajectory(
        counsellor,
        due_soon,
        started_on=now - timedelta(days=35),
        planned_end_on=now + timedelta(days=300),
    )
    ending = make.client(counsellor, "Emre", "Einde")
    make.trajectory(
        counsellor,
        ending,
        started_on=now - timedelta(days=600),
        planned_end_on=now + timedelta(days=40),
    )
    for evaluation in evaluations_of(db, ending):
        trajectories.hold_evaluation(counsellor, evaluation, now, "")
    late_referral = make.client(counsellor, "Fatma", "Doorverwijzing")
    make.referral(counsellor, late_referral, follow_up_on=now - timedelta(days=3))
    calm = make.client(counsellor, "Gert", "Rustig")
    make.trajectory(
        counsellor,
        calm,
        started_on=now - timedelta(days=100),
        planned_end_on=now + timedelta(days=300),
    )
    for evaluation in evaluations_of(db, calm):
        if evaluation.due_on <= now + timedelta(days=14):  # held on time: nothing late
            trajectories.hold_evaluation(counsellor, evaluation, evaluation.due_on, "")
    db.session.commit()
    auth.login("an@example.org")

    assert caseload_names(client, "attention=y") == [
        "Fatma Doorverwijzing",
        "Emre Einde",
        "Dina Evaluatie",
    ]
    page = client.get("/clients/").get_data(as_text=True)
    assert "Contract ends" in page
    assert "Referral follow-up" in page
    assert "due--late" in page  # the referral follow-up three days ago


def evaluations_of(db, person):
    return db.session.scalars(
        select(Evaluation).join(Trajectory).where(Trajectory.client_id == person.id)
    ).all()


def test_bad_filters_get_a_400(client, auth, make, counsellor):
    auth.login("an@example.org")
    for query in ("phase=9", "scheme=nope", "worksite=abc", "page=0", "q=" + "x" * 81):
        assert client.get(f"/clients/?{query}").status_code == 400, query


def test_the_caseload_pages(client, auth, make, db, counsellor):
    for i in range(30):
        make.client(counsellor, f"Naam{i:02d}", f"Achternaam{i:02d}")
    auth.login("an@example.org")
    assert len(caseload_names(client)) == 25
    assert len(caseload_names(client, "page=2")) == 5


def build_caseload(make, db, counsellor, clients: int):
    """``clients`` clients with a trajectory, referral, and for half a mentor and a share, and
    360° rounds on the last one (one for every ten clients, at least one: a file without a round
    reads no answers); returns the last client and trajectory."""
    kitchen = make.worksite(counsellor)
    contact = make.contact(counsellor, kitchen)
    colleague = make.user(counsellor.organisation)
    for i in range(clients):
        person = make.client(counsellor, f"Naam{i}", f"Achter{counsellor.id}-{i}")
        trajectory = make.trajectory(
            counsellor, person, worksite=kitchen, started_on=today() - timedelta(days=20 + i)
        )
        make.referral(counsellor, person, follow_up_on=today() + timedelta(days=i % 9))
        if i % 2:
            mentorships.pair(
                counsellor, starts_on=today(), mentor_contact=contact, mentee_client=person
            )
            client_services.share(counsellor, person, colleague, include_sensitive=False)
        last = (person, trajectory)
    for _ in range(max(1, clients // 10)):  # 360° rounds on the last file: one for a small one
        feedback_rounds.start(
            counsellor,
            last[1],
            today() + timedelta(days=7),
            [feedback_rounds.Rater(RaterGroup.SELF, "Zelf")],
            today(),
        )
    db.session.commit()
    return last


@pytest.mark.parametrize("role", [Role.COUNSELLOR, Role.TEAM_LEAD])
def test_query_counts_do_not_grow_with_the_data(app, client, auth, make, db, role):
    """The caseload, a client's page, the home screen and the yearly report: the same number
    of SQL statements for 2 clients as for 40."""
    small = make.user(role=role, email="small@example.org")
    small_target = build_caseload(make, db, small, 2)
    large = make.user(role=role, email="large@example.org")
    large_target = build_caseload(make, db, large, 40)

    counts = {}
    for email, (person, _trajectory) in (
        ("small@example.org", small_target),
        ("large@example.org", large_target),
    ):
        auth.login(email)
        counts[email] = [
            queries_for(app, client, url)
            for url in (
                "/clients/",
                "/clients/?attention=y",
                f"/clients/{person.id}",
                "/",
                *(["/reports/yearly", "/team/"] if role is Role.TEAM_LEAD else []),
            )
        ]
        auth.logout()
    assert counts["small@example.org"] == counts["large@example.org"]


def test_the_counsellor_filter_lists_only_whose_clients_one_sees(client, auth, make, db):
    from fieldapp.organisation.models import Team

    lead = make.user(role=Role.TEAM_LEAD, email="lead@example.org")
    team = Team(organisation_id=lead.organisation_id, name="Noord")
    db.session.add(team)
    db.session.flush()
    member = make.user(lead.organisation, name="Teamlid")
    outsider = make.user(lead.organisation, name="Buitenstaander")
    lead.team_id = member.team_id = team.id
    db.session.commit()
    auth.login("lead@example.org")
    page = client.get("/clients/").get_data(as_text=True)
    assert "Teamlid" in page
    assert "Buitenstaander" not in page
    assert client.get(f"/clients/?counsellor={outsider.id}").status_code == 400
    auth.logout()
    auth.login(member.email)
    assert 'name="counsellor"' not in client.get("/clients/").get_data(as_text=True)
