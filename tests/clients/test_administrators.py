"""An administrator manages the organisation but never follows a client, so he never reaches the
sensitive part: not through a share, a hand-over or a file of his own, whatever a form offers."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from fieldapp.auth.roles import Role
from fieldapp.clients import services
from fieldapp.clients.models import Client, ClientShare
from fieldapp.common.rules import RuleBroken


@pytest.fixture
def admin(make, auth):
    world = make.world()
    person = make.user(world.organisation, role=Role.ADMIN, email="beheer@example.org")
    auth.login(person.email)
    return world, person


def test_an_administrator_cannot_share_a_client_with_himself(client, db, admin):
    world, person = admin
    url = f"/clients/{world.client.id}/shares"
    assert f'value="{person.id}"' not in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"user": str(person.id), "include_sensitive": "y"})
    assert response.status_code == 422  # not one of the choices
    with pytest.raises(RuleBroken, match="Een beheerder kan geen cliënt volgen"):
        services.share(person, world.client, person, include_sensitive=True)  # nor in the service
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ClientShare)) == 1  # the world's
    assert client.get(f"/clients/{world.client.id}/export").status_code == 403


def test_an_administrator_cannot_take_a_client_over(client, db, admin):
    world, person = admin
    url = f"/clients/{world.client.id}/handover"
    assert f'value="{person.id}"' not in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"to": str(person.id), "note": "Neem ik zelf."})
    assert response.status_code == 422
    with pytest.raises(RuleBroken, match="Een beheerder kan geen cliënt volgen"):
        services.hand_over(person, world.client, person, "Neem ik zelf.")
    db.session.rollback()
    db.session.refresh(world.client)
    assert world.client.counsellor_id == world.counsellor.id
    assert client.get(f"/clients/{world.client.id}/export").status_code == 403


def test_an_administrator_names_the_counsellor_of_a_new_file(client, db, admin):
    _world, person = admin
    data = {"first_name": "Nieuw", "last_name": "Dossier", "language": "nl"}
    response = client.post("/clients/new", data={**data, "counsellor": str(person.id)})
    assert response.status_code == 422
    response = client.post("/clients/new", data=data)
    assert response.status_code == 422
    assert "Choose the counsellor who follows this client." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).where(Client.counsellor_id == person.id)) == 0


def test_a_share_stored_before_these_rules_gives_no_sensitive_part(client, db, admin):
    world, person = admin
    db.session.add(
        ClientShare(
            organisation_id=world.organisation.id,
            client_id=world.client.id,
            user_id=person.id,
            include_sensitive=True,
            granted_by_id=world.counsellor.id,
        )
    )
    db.session.commit()
    assert client.get(f"/clients/{world.client.id}/export").status_code == 403
    assert "schulden en huisvesting" not in client.get(f"/clients/{world.client.id}").get_data(
        as_text=True
    )


def test_a_file_is_never_opened_for_a_counsellor_of_another_organisation(db, make):
    """The form and the import offer only the organisation's counsellors; the service refuses
    the others too, one file or a batch of them."""
    ours, theirs = make.user(), make.user()
    details = services.ClientDetails("Mina", "Peeters", None, "", "", "nl", "Gent")
    with pytest.raises(RuleBroken):
        services.create_client(ours, details, theirs)
    db.session.rollback()
    with pytest.raises(RuleBroken):
        services.create_clients(
            ours, [(details, ours), (replace(details, first_name="Tom"), theirs)]
        )
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Client)) == 0
