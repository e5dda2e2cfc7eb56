"""What a phone keeps for working without a network: which pages, and what is (not) in them."""

from __future__ import annotations

import uuid
from datetime import time, timedelta

import pytest

from fieldapp.common.dates import today
from fieldapp.visits import services as visit_services
from fieldapp.visits.models import VisitStatus

COPY = {"X-Fieldapp-Copy": "offline"}


@pytest.fixture
def signed_in(auth, make):
    world = make.world()
    auth.login(world.counsellor.email)
    return world


def plan(world, days_ahead: int):
    return visit_services.plan(
        world.counsellor,
        world.client,
        visit_services.VisitPlan(today() + timedelta(days=days_ahead), time(9), 60, ""),
    )


def test_the_pages_to_keep_are_the_agenda_the_outbox_the_own_clients_and_the_weeks_visits(
    client, db, make, signed_in
):
    soon, later, cancelled = plan(signed_in, 0), plan(signed_in, 8), plan(signed_in, 2)
    cancelled.status = VisitStatus.CANCELLED.value
    colleague = make.world(signed_in.organisation)
    plan(colleague, 1)
    db.session.commit()
    pages = client.get("/api/offline-pages").json["pages"]
    assert pages == [
        "/visits/",
        "/visits/outbox",
        "/visits/unplanned",
        "/contacts/new",
        f"/visits/{soon.id}",
    ]
    assert f"/visits/{later.id}" not in pages


def test_the_kept_copy_of_a_visit_has_the_note_form_but_no_notes(client, db, signed_in):
    note = {"note_uuid": str(uuid.uuid4()), "revision_uuid": str(uuid.uuid4()), "body": "Geheim"}
    client.post(f"/api/visits/{signed_in.visit.id}/notes", json=note)
    live = client.get(f"/visits/{signed_in.visit.id}")
    assert "Geheim" in live.get_data(as_text=True)
    assert "X-Fieldapp-Copy" in live.headers["Vary"]

    copy = client.get(f"/visits/{signed_in.visit.id}", headers=COPY).get_data(as_text=True)
    assert "Geheim" not in copy
    assert signed_in.follow_up.text not in copy
    assert "data-note-form" in copy
    assert 'name="csrf_token"' not in copy  # the device fetches a fresh one when it sends
    assert "This copy of the visit is kept on this phone" in copy


def test_a_kept_copy_does_not_take_the_flash_messages_of_the_live_page(client, db, signed_in):
    client.post(f"/visits/{signed_in.visit.id}/done")
    copy = client.get(f"/visits/{signed_in.visit.id}", headers=COPY).get_data(as_text=True)
    assert "Visit done." not in copy
    assert "Visit done." in client.get(f"/visits/{signed_in.visit.id}").get_data(as_text=True)


def test_the_page_scripts_learn_who_is_signed_in_and_where_to_ask(client, db, signed_in):
    assert client.get("/api/csrf").json["user_id"] == signed_in.counsellor.id
    page = client.get("/").get_data(as_text=True)
    assert f'"user_id": {signed_in.counsellor.id}' in page
    assert '"csrf": "/api/csrf"' in page


def test_signed_out_devices_get_401_json(client, db):
    for url in ("/api/offline-pages", "/api/csrf"):
        response = client.get(url)
        assert response.status_code == 401
        assert response.json["error"] == 401


def test_a_correction_starts_from_the_version_it_corrects(client, db, signed_in):
    note = {
        "note_uuid": str(uuid.uuid4()),
        "revision_uuid": str(uuid.uuid4()),
        "body": "Eerste versie.",
        "observations": {"attitude": 4},
    }
    client.post(f"/api/visits/{signed_in.visit.id}/notes", json=note)
    url = f"/visits/{signed_in.visit.id}?correct={note['revision_uuid']}"
    page = client.get(url).get_data(as_text=True)
    assert f'name="parent_uuid" value="{note["revision_uuid"]}"' in page
    assert f'name="note_uuid" value="{note["note_uuid"]}"' in page
    assert ">Eerste versie.</textarea>" in page
    assert '<option value="4" selected>' in page
    unknown = client.get(f"/visits/{signed_in.visit.id}?correct=nope").get_data(as_text=True)
    assert 'name="parent_uuid"' not in unknown
