"""Every role against every page of a client's file: who may open it, who sees the sensitive
part. Another organisation's files are covered by tests/test_tenancy.py."""

from __future__ import annotations

import pytest

from fieldapp.auth.roles import Role
from fieldapp.organisation.models import Team
from tests.audit_views import USER_AGENT, a_view_by_the_counsellor, views_of

SENSITIVE_ANSWER = "schulden bij drie schuldeisers"


def file_pages(world):
    """GET pages of one client's file, with whether they belong to the sensitive part."""
    t, c = world.trajectory, world.client
    return [
        (f"/clients/{c.id}", False),
        (f"/clients/{c.id}/edit", False),
        (f"/trajectories/{t.id}/edit", False),
        (f"/trajectories/{t.id}/checklist/2", False),
        (f"/trajectories/{t.id}/regime", False),
        (f"/trajectories/{t.id}/end", False),
        (f"/evaluations/{world.evaluation.id}/record", False),
        (f"/clients/{c.id}/mentor", False),
        (f"/clients/{c.id}/trajectories/new", False),
        (f"/clients/{c.id}/visits/new", False),
        (f"/visits/{world.visit.id}", False),
        (f"/visits/{world.visit.id}/edit", False),
        (f"/clients/{c.id}/referrals/new", True),
        (f"/referrals/{world.referral.id}", True),
        (f"/clients/{c.id}/export", True),
    ]


@pytest.fixture
def world(make, db):
    team = Team(organisation_id=make.organisation().id, name="Team Noord")
    db.session.add(team)
    db.session.commit()
    world = make.world(
        team.organisation_id and db.session.get(type(make.organisation()), team.organisation_id)
    )
    world.counsellor.team_id = team.id
    db.session.commit()
    return world


def person(make, db, world, role, team=True, email="viewer@example.org"):
    user = make.user(world.organisation, role=role, email=email)
    if team:
        user.team_id = world.counsellor.team_id
        db.session.commit()
    return user


def test_the_counsellor_opens_everything(client, auth, make, db, world):
    auth.login(world.counsellor.email)
    for url, _sensitive in file_pages(world):
        with client.get(url) as response:
            assert response.status_code == 200, url
            if response.mimetype == "text/html":
                title = response.get_data(as_text=True).split("<title>")[1].split("</title>")[0]
                assert "<" not in title, url  # a title is plain text, not a misplaced block
                assert len(title) < 120, url


@pytest.mark.parametrize(
    ("role", "in_team", "opens", "sensitive"),
    [
        (Role.COUNSELLOR, True, False, False),  # a colleague in the same team
        (Role.TEAM_LEAD, True, True, True),  # the team lead
        (Role.TEAM_LEAD, False, False, False),  # another team's lead
        (Role.ADMIN, False, True, False),  # an administrator: the file, not its sensitive part
    ],
)
def test_who_opens_what(client, auth, make, db, world, role, in_team, opens, sensitive):
    person(make, db, world, role, team=in_team)
    auth.login("viewer@example.org")
    for url, is_sensitive in file_pages(world):
        allowed = opens and (sensitive or not is_sensitive)
        with client.get(url) as response:
            if allowed:
                assert response.status_code == 200, url
            elif not opens:
                assert response.status_code == 404, url  # as if it did not exist
            else:
                assert response.status_code == 403, url


def test_sensitive_answers_are_hidden_from_who_may_not_see_them(client, auth, make, db, world):
    auth.login(world.counsellor.email)
    client.post(
        f"/trajectories/{world.trajectory.id}/checklist/1",
        data={"debts": SENSITIVE_ANSWER, "housing": "huurt een studio"},
    )
    auth.logout()
    person(make, db, world, Role.ADMIN, team=False)
    auth.login("viewer@example.org")
    page = client.get(f"/clients/{world.client.id}?phase=1").get_data(as_text=True)
    assert "huurt een studio" in page
    assert SENSITIVE_ANSWER not in page
    assert "schulden en huisvesting" not in page  # the referral's reason
    # Nor can the sensitive items be written by someone who may not see them.
    client.post(f"/trajectories/{world.trajectory.id}/checklist/1", data={"debts": "overwritten"})
    db.session.expire_all()
    from fieldapp.trajectories.services import answers_of

    assert answers_of(world.trajectory)["debts"].answer == SENSITIVE_ANSWER


def test_an_explicit_share_opens_the_file(client, auth, make, db, world):
    # make.world shares the file with a colleague, without the sensitive part.
    colleague = world.share.user
    auth.login(colleague.email)
    assert client.get(f"/clients/{world.client.id}").status_code == 200
    assert client.get(f"/referrals/{world.referral.id}").status_code == 403


def test_the_caseload_lists_only_what_one_may_open(client, auth, make, db, world):
    own = make.client(make.user(world.organisation, email="other@example.org"), "Zoë", "Zichtbaar")
    auth.login("other@example.org")
    page = client.get("/clients/").get_data(as_text=True)
    assert "Zoë Zichtbaar" in page
    assert world.client.full_name not in page
    assert own.id


def test_every_opening_of_a_file_is_audited(client, auth, make, db, world):
    auth.login(world.counsellor.email)
    for _ in range(2):
        client.get(f"/clients/{world.client.id}", headers={"User-Agent": USER_AGENT})
    # Written at once, past the unit of work: every column as any other event has it.
    assert views_of(db, world.client.id) == 2 * [a_view_by_the_counsellor(world)]
