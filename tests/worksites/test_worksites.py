from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from fieldapp.common.dates import today
from fieldapp.mentorships.models import CheckIn
from fieldapp.referrals.models import Referral
from fieldapp.worksites.models import Contact, Worksite


def test_worksites_and_contacts(client, auth, make, db):
    make.user(email="an@example.org")
    auth.login("an@example.org")
    response = client.post(
        "/worksites/new", data={"name": "Kringwinkel Oost", "kind": "social_economy", "active": "y"}
    )
    assert response.status_code == 302
    worksite = db.session.scalars(select(Worksite)).one()
    duplicate = client.post("/worksites/new", data={"name": "kringwinkel oost", "kind": "private"})
    assert duplicate.status_code == 422
    assert "already a worksite" in duplicate.get_data(as_text=True)
    bad = client.post("/worksites/new", data={"name": "X", "kind": "castle"})
    assert bad.status_code == 422
    response = client.post(
        f"/worksites/{worksite.id}/contacts/new",
        data={
            "name": "Sofie",
            "role": "supervisor",
            "email": "sofie@kringwinkel.example",
            "language": "",
        },
    )
    assert response.status_code == 302
    contact = db.session.scalars(select(Contact)).one()
    assert contact.worksite_id == worksite.id
    page = client.get(f"/worksites/{worksite.id}").get_data(as_text=True)
    assert "Sofie" in page
    assert "Floor supervisor" in page


def test_a_worksite_shows_only_the_clients_one_may_see(client, auth, make, db):
    world = make.world()
    make.user(world.organisation, email="bo@example.org")
    auth.login("bo@example.org")
    page = client.get(f"/worksites/{world.worksite.id}").get_data(as_text=True)
    assert world.worksite.name in page
    assert world.client.full_name not in page


def test_a_referral_needs_a_follow_up_date_while_open(client, auth, make, db):
    counsellor = make.user(email="an@example.org")
    person = make.client(counsellor)
    auth.login("an@example.org")
    url = f"/clients/{person.id}/referrals/new"
    response = client.post(url, data={"partner": "VDAB", "status": "sent", "follow_up_on": ""})
    assert response.status_code == 422
    assert "follow this referral up" in response.get_data(as_text=True)
    follow_up = (today() + timedelta(days=3)).isoformat()
    data = {"partner": "VDAB", "reason": "oriëntatie", "status": "sent", "follow_up_on": follow_up}
    assert client.post(url, data=data).status_code == 302
    referral = db.session.scalars(select(Referral)).one()
    home = client.get("/").get_data(as_text=True)
    assert "Follow up the referral to VDAB" in home
    response = client.post(f"/referrals/{referral.id}", data={**data, "status": "closed"})
    assert response.status_code == 302
    db.session.refresh(referral)
    assert referral.closed_on == today()
    assert "Follow up the referral to VDAB" not in client.get("/").get_data(as_text=True)


def test_mentor_for_a_client_plans_check_ins(client, auth, make, db):
    world = make.world()
    auth.login(world.counsellor.email)
    start = today().isoformat()
    response = client.post(
        f"/clients/{world.client.id}/mentor",
        data={"mentor": f"u{world.share.user_id}", "starts_on": start},
    )
    assert response.status_code == 302
    due = sorted(
        c.due_on for c in db.session.scalars(select(CheckIn).where(CheckIn.due_on >= today()))
    )
    assert due[:3] == [today() + timedelta(days=d) for d in (7, 30, 90)]
    assert (
        client.post(
            f"/clients/{world.client.id}/mentor", data={"mentor": "x1", "starts_on": start}
        ).status_code
        == 422
    )
    check_in = db.session.scalars(select(CheckIn).order_by(CheckIn.due_on)).first()
    assert client.post(f"/check-ins/{check_in.id}/done").status_code == 302
    db.session.refresh(check_in)
    assert check_in.done_on == today()


def test_mentors_for_new_counsellors(client, auth, make, db):
    from fieldapp.auth.roles import Role

    lead = make.user(role=Role.TEAM_LEAD, email="lead@example.org")
    senior = make.user(lead.organisation, name="Senior")
    junior = make.user(lead.organisation, name="Junior")
    auth.login("lead@example.org")
    start = date(2026, 11, 2).isoformat()
    response = client.post(
        "/mentorships/",
        data={"mentor": str(junior.id), "mentee": str(junior.id), "starts_on": start},
    )
    assert response.status_code == 422
    assert "own mentor" in response.get_data(as_text=True)
    response = client.post(
        "/mentorships/",
        data={"mentor": str(senior.id), "mentee": str(junior.id), "starts_on": start},
    )
    assert response.status_code == 302
    assert "Junior" in client.get("/mentorships/").get_data(as_text=True)


def test_home_screen_lists_what_is_due(client, auth, make, db):
    counsellor = make.user(email="an@example.org")
    person = make.client(counsellor, "Hanne", "Thuis")
    make.trajectory(
        counsellor,
        person,
        started_on=today() - timedelta(days=28),
        planned_end_on=today() + timedelta(days=60),
    )
    auth.login("an@example.org")
    page = client.get("/").get_data(as_text=True)
    assert "Evaluation after 1 month" in page
    assert "month(s)" not in page
    assert "Contracts ending soon" in page
    assert "Hanne Thuis" in page


def test_home_screen_shows_the_ten_most_late_of_a_kind_and_leads_to_the_rest(
    client, auth, make, db
):
    """Back from leave with eleven referral follow-ups late: the home screen lists the ten that
    are latest first, and leads to the reminders page, which lists all eleven."""
    counsellor = make.user(email="an@example.org")
    for n in range(11):
        person = make.client(counsellor, f"Cliënt{n:02d}", "Laat")
        make.referral(counsellor, person, follow_up_on=today() - timedelta(days=30 - n))
    auth.login("an@example.org")
    page = client.get("/").get_data(as_text=True)
    assert [f"Cliënt{n:02d} Laat" in page for n in range(11)] == [True] * 10 + [False]
    assert "More is due: see all reminders" in page
    everything = client.get("/notifications").get_data(as_text=True)
    assert "Cliënt10 Laat" in everything

    with_ten = make.user(email="ten@example.org")
    for n in range(10):
        make.referral(with_ten, make.client(with_ten, f"Ander{n}", "Laat"), follow_up_on=today())
    auth.logout()
    auth.login("ten@example.org")
    assert "More is due" not in client.get("/").get_data(as_text=True)
