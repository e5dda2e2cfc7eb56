"""Recording contacts: from the client's file, from the home screen, and synced by UUID."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.auth.roles import Role
from fieldapp.clients.models import TimelineEvent
from fieldapp.common.time import now_utc
from fieldapp.contact_moments import services
from fieldapp.contact_moments.models import ContactMoment
from tests.factories import DEFAULT_PASSWORD, days_from_today


def count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(ContactMoment))


def payload(**fields):
    return {
        "uuid": str(uuid.uuid4()),
        "kind": "phone_call",
        "reached": True,
        "note": "Belde over het uurrooster.",
        "happened_at": (now_utc() - timedelta(minutes=5)).isoformat(),
    } | fields


@pytest.fixture
def world(make):
    return make.world()


@pytest.fixture
def signed_in(auth, world):
    auth.login(world.counsellor.email)
    return world


def test_a_contact_from_the_file_shows_on_the_file_and_its_timeline(client, db, signed_in):
    world = signed_in
    page = client.get(f"/clients/{world.client.id}").get_data(as_text=True)
    assert "data-contact-form" in page
    form = {
        "uuid": str(uuid.uuid4()),
        "kind": "office",
        "reached": "yes",
        "note": "Gesprek over de opleiding.",
        "back": "file",
    }
    response = client.post(f"/clients/{world.client.id}/contacts", data=form)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/clients/{world.client.id}")
    # a double submit (same hidden UUID) stores one contact
    assert client.post(f"/clients/{world.client.id}/contacts", data=form).status_code == 302
    assert count(db) == 1
    contact = db.session.scalars(select(ContactMoment)).one()
    assert (contact.kind, contact.reached, contact.recorded_by_id) == (
        "office",
        True,
        world.counsellor.id,
    )
    assert abs(contact.happened_at - now_utc()) < timedelta(minutes=2)  # default: now
    page = client.get(f"/clients/{world.client.id}").get_data(as_text=True)
    assert "Gesprek over de opleiding." in page
    assert "Office conversation" in page
    kinds = db.session.scalars(
        select(TimelineEvent.kind).where(TimelineEvent.client_id == world.client.id)
    ).all()
    assert "contact_recorded" in kinds
    listing = client.get(f"/clients/{world.client.id}/contacts").get_data(as_text=True)
    assert "Gesprek over de opleiding." in listing


def test_a_contact_from_the_home_screen_for_one_of_ones_clients(client, db, signed_in, make):
    world = signed_in
    home = client.get("/").get_data(as_text=True)
    assert "/contacts/new" in home
    page = client.get("/contacts/new").get_data(as_text=True)
    assert world.client.full_name in page
    form = {
        "client": str(world.client.id),
        "uuid": str(uuid.uuid4()),
        "kind": "message",
        "reached": "no",
    }
    response = client.post("/contacts/new", data=form)
    assert response.status_code == 302
    contact = db.session.scalars(select(ContactMoment)).one()
    assert (contact.client_id, contact.kind, contact.reached) == (world.client.id, "message", False)
    # another counsellor's client is not offered, and a forged choice is refused
    other = make.client(make.user(world.organisation))
    response = client.post(
        "/contacts/new", data={**form, "uuid": str(uuid.uuid4()), "client": str(other.id)}
    )
    assert response.status_code == 422
    assert count(db) == 1


def test_the_sync_is_idempotent(client, db, signed_in):
    url = f"/api/clients/{signed_in.client.id}/contacts"
    body = payload()
    first = client.post(url, json=body)
    assert first.status_code == 201
    for _ in range(3):
        again = client.post(url, json=body)
        assert again.status_code == 200
        assert again.json == first.json
    assert count(db) == 1
    assert first.json["uuid"] == body["uuid"]


def test_two_sends_at_once_store_one_contact(app, db, world):
    devices = [app.test_client() for _ in range(2)]
    for device in devices:
        device.post("/login", data={"email": world.counsellor.email, "password": DEFAULT_PASSWORD})
    url = f"/api/clients/{world.client.id}/contacts"
    for _attempt in range(3):
        body = payload()
        start = threading.Barrier(2)
        statuses: list[int] = []

        def post(device, body=body, start=start, statuses=statuses):
            start.wait()
            statuses.append(device.post(url, json=body).status_code)

        threads = [threading.Thread(target=post, args=(device,)) for device in devices]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(statuses) == [200, 201]
    assert count(db) == 3


def test_signed_out_gets_401_json(client, db, world):
    response = client.post(f"/api/clients/{world.client.id}/contacts", json=payload())
    assert response.status_code == 401
    assert response.json["error"] == 401
    assert count(db) == 0


class DaysFromNow(int):
    """A moment relative to the tests' clock, worked out when the test runs: the parameters are
    made when the tests are collected, before the clock is frozen."""

    def moment(self) -> str:
        return (now_utc() + timedelta(days=self)).isoformat()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "carrier_pigeon"}, "This kind of contact is unknown."),
        ({"kind": None}, "Choose what kind of contact it was."),
        ({"reached": "maybe"}, "Say whether the client was reached."),
        ({"uuid": "not-a-uuid"}, "This contact has no valid identifier."),
        ({"note": "x" * 501}, "At most 500 characters."),
        ({"happened_at": "yesterday"}, "The contact's date could not be read."),
        ({"happened_at": "2020-01-01T10:00:00"}, "The contact's date could not be read."),
        ({"happened_at": DaysFromNow(2)}, "A contact cannot be in the future."),
        (
            {"happened_at": DaysFromNow(-4000)},
            "This date is before the client's file and trajectory began.",
        ),
    ],
)
def test_bad_input_is_refused_with_the_reason(client, db, signed_in, fields, message):
    fields = {
        key: value.moment() if isinstance(value, DaysFromNow) else value
        for key, value in fields.items()
    }
    response = client.post(f"/api/clients/{signed_in.client.id}/contacts", json=payload(**fields))
    assert response.status_code == 422
    assert response.json["message"] == message
    assert count(db) == 0


def test_a_body_that_is_no_object_is_refused(client, db, signed_in):
    response = client.post(f"/api/clients/{signed_in.client.id}/contacts", json=[1, 2])
    assert response.status_code == 422
    assert count(db) == 0


def test_a_bad_date_in_the_plain_form_is_shown_on_the_form(client, db, signed_in):
    tomorrow = (days_from_today(2)).isoformat() + "T10:00"
    response = client.post(
        f"/clients/{signed_in.client.id}/contacts",
        data={
            "uuid": str(uuid.uuid4()),
            "kind": "phone_call",
            "reached": "yes",
            "happened_at": tomorrow,
        },
    )
    assert response.status_code == 422
    assert "A contact cannot be in the future." in response.get_data(as_text=True)
    assert count(db) == 0


def test_a_client_of_a_counsellor_one_may_not_follow_is_404(client, db, make, world, auth):
    from fieldapp.organisation.models import Team

    other_team = Team(organisation_id=world.organisation.id, name="Zuid")
    db.session.add(other_team)
    db.session.commit()
    stranger = make.user(world.organisation, role=Role.COUNSELLOR, email="zuid@example.org")
    stranger.team_id = other_team.id
    db.session.commit()
    auth.login("zuid@example.org")
    response = client.post(f"/api/clients/{world.client.id}/contacts", json=payload())
    assert response.status_code == 404
    assert count(db) == 0


def test_contacts_since_a_day_for_the_evaluation_evidence(db, make, world):
    old = payload(happened_at=(now_utc() - timedelta(days=20)).isoformat())
    new = payload(happened_at=(now_utc() - timedelta(days=2)).isoformat())
    for body in (old, new):
        services.record(world.counsellor, world.client, services.parse(body))
    since = services.contacts_since(world.client, days_from_today(-10))
    assert [c.uuid for c in since] == [new["uuid"]]
    assert len(services.contacts_since(world.client, None)) == 2


def test_the_latest_contacts_come_as_the_pages_list_for_the_phone_to_show(
    client, db, make, signed_in
):
    """What the phone shows once the server has its contact: the list as the page draws it, as
    many as asked (within the page's limits), only of a file the person may open."""
    world = signed_in
    for minutes in (30, 20, 10):
        payload_ = payload(note=f"{minutes} minuten geleden")
        payload_["happened_at"] = (now_utc() - timedelta(minutes=minutes)).isoformat()
        assert (
            client.post(f"/api/clients/{world.client.id}/contacts", json=payload_).status_code
            == 201
        )

    latest = client.get(f"/clients/{world.client.id}/contacts/latest?limit=2")
    assert latest.status_code == 200
    html = latest.get_data(as_text=True)
    assert html.count("data-contact=") == 2
    assert html.index("10 minuten") < html.index("20 minuten")
    assert "30 minuten" not in html
    assert "<html" not in html  # a fragment, not a page
    for limit in ("0", "-5", "abc", "99999"):
        shown = client.get(f"/clients/{world.client.id}/contacts/latest?limit={limit}")
        assert shown.status_code == 200
        assert shown.get_data(as_text=True).count("data-contact=") in (1, 3)

    other = make.world(make.organisation("OCMW Elders", "elders"))
    assert client.get(f"/clients/{other.client.id}/contacts/latest").status_code == 404
