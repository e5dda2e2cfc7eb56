"""Notes sent by devices: stored once by their UUID, append-only, crossed versions kept."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.common.time import now_utc
from fieldapp.visits.models import FollowUp, NoteRevision
from fieldapp.visits.notes import MAX_BODY
from tests.factories import DEFAULT_PASSWORD


def new_ids():
    return str(uuid.uuid4()), str(uuid.uuid4())


def send(client, visit_id, **fields):
    note_uuid, revision_uuid = new_ids()
    payload = {
        "note_uuid": note_uuid,
        "revision_uuid": revision_uuid,
        "body": "Amina werkt zelfstandig aan de afwas.",
        "observations": {"punctuality": 4},
        "written_at": (now_utc() - timedelta(minutes=20)).isoformat(),
    }
    payload.update(fields)
    return client.post(f"/api/visits/{visit_id}/notes", json=payload), payload


def at_once(devices, url: str, payload) -> list[int]:
    """Post ``payload`` from every device at the same instant; the statuses, sorted."""
    start = threading.Barrier(len(devices))
    statuses: list[int] = []

    def post(device):
        start.wait()
        statuses.append(device.post(url, json=payload).status_code)

    threads = [threading.Thread(target=post, args=(device,)) for device in devices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(statuses)


def count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(NoteRevision))


@pytest.fixture
def world(make):
    return make.world()


@pytest.fixture
def signed_in(auth, world):
    auth.login(world.counsellor.email)
    return world


def test_a_repeated_send_stores_one_row_and_gives_the_same_answer(client, db, signed_in):
    first, payload = send(client, signed_in.visit.id)
    assert first.status_code == 201
    again = client.post(f"/api/visits/{signed_in.visit.id}/notes", json=payload)
    assert again.status_code == 200
    assert again.json == first.json
    assert count(db) == 1


def test_corrections_are_new_revisions_and_keep_the_old_one(client, db, signed_in):
    _, payload = send(client, signed_in.visit.id)
    _, correction = new_ids()
    response, _ = send(
        client,
        signed_in.visit.id,
        note_uuid=payload["note_uuid"],
        revision_uuid=correction,
        parent_uuid=payload["revision_uuid"],
        body="Amina werkt zelfstandig aan de afwas en vraagt hulp als het druk wordt.",
    )
    assert response.status_code == 201
    assert count(db) == 2
    page = client.get(f"/visits/{signed_in.visit.id}").get_data(as_text=True)
    assert "vraagt hulp" in page
    assert "2 versions" in page
    assert "crossed" not in page


def test_crossed_versions_are_both_shown_until_one_is_kept(client, db, signed_in):
    _, payload = send(client, signed_in.visit.id)
    versions = []
    for text in ("Versie van de telefoon.", "Versie van de laptop."):
        _, revision_uuid = new_ids()
        send(
            client,
            signed_in.visit.id,
            note_uuid=payload["note_uuid"],
            revision_uuid=revision_uuid,
            parent_uuid=payload["revision_uuid"],
            body=text,
        )
        versions.append(revision_uuid)
    page = client.get(f"/visits/{signed_in.visit.id}").get_data(as_text=True)
    assert "Two versions of this note crossed" in page
    assert "Versie van de telefoon." in page
    assert "Versie van de laptop." in page

    _, keep = new_ids()
    response = client.post(
        f"/visits/{signed_in.visit.id}/notes",
        data={
            "note_uuid": payload["note_uuid"],
            "revision_uuid": keep,
            "parent_uuid": versions[1],
            "replaces": versions[0],
            "body": "Versie van de laptop.",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/visits/{signed_in.visit.id}").get_data(as_text=True)
    assert "crossed" not in page
    assert "Versie van de telefoon." not in page
    assert count(db) == 4  # nothing is ever overwritten


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"body": "   "}, "The note is empty."),
        ({"body": "x" * (MAX_BODY + 1)}, "longer than"),
        ({"revision_uuid": "not-a-uuid"}, "no valid identifier"),
        ({"written_at": "gisteren"}, "date could not be read"),
        ({"written_at": "2026-11-23T09:41:00"}, "date could not be read"),
        ({"observations": {"punctuality": 7}}, "from 1 to 5"),
        ({"observations": {"charm": 3}}, "from 1 to 5"),
        ({"parent_uuid": str(uuid.uuid4())}, "corrects is unknown"),
    ],
)
def test_bad_notes_get_a_reason_and_a_422(client, db, signed_in, fields, message):
    response, _ = send(client, signed_in.visit.id, **fields)
    assert response.status_code == 422
    assert message in response.json["message"]
    assert count(db) == 0


def test_a_note_that_is_not_json_is_refused(client, db, signed_in):
    response = client.post(
        f"/api/visits/{signed_in.visit.id}/notes", data="body=x", content_type="text/plain"
    )
    assert response.status_code == 422


def test_unknown_or_foreign_visits_are_404(client, make, db, signed_in):
    other = make.world()
    assert send(client, other.visit.id)[0].status_code == 404
    assert send(client, 99999)[0].status_code == 404


def test_a_revision_id_cannot_be_reused_for_another_note(client, db, signed_in):
    _, payload = send(client, signed_in.visit.id)
    response, _ = send(client, signed_in.visit.id, revision_uuid=payload["revision_uuid"])
    assert response.status_code == 422
    assert count(db) == 1


def test_an_expired_session_gets_401_and_the_device_keeps_the_note(client, db, world):
    response, _ = send(client, world.visit.id)
    assert response.status_code == 401
    assert response.json["error"] == 401


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_the_sync_needs_a_fresh_csrf_token(client, db, make, auth):
    world = make.world()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    auth.login(world.counsellor.email, csrf_token=token)
    assert send(client, world.visit.id)[0].status_code == 400
    fresh = client.get("/api/csrf").json["csrf_token"]
    note_uuid, revision_uuid = new_ids()
    response = client.post(
        f"/api/visits/{world.visit.id}/notes",
        json={"note_uuid": note_uuid, "revision_uuid": revision_uuid, "body": "Goed bezig."},
        headers={"X-CSRFToken": fresh},
    )
    assert response.status_code == 201


def test_the_plain_form_works_without_javascript(client, db, signed_in):
    note_uuid, revision_uuid = new_ids()
    data = {
        "note_uuid": note_uuid,
        "revision_uuid": revision_uuid,
        "body": "Zonder JS.",
        "attitude": "5",
    }
    assert client.post(f"/visits/{signed_in.visit.id}/notes", data=data).status_code == 302
    assert client.post(f"/visits/{signed_in.visit.id}/notes", data=data).status_code == 302
    assert count(db) == 1  # a double submit stores one note
    response = client.post(f"/visits/{signed_in.visit.id}/notes", data={**data, "body": ""})
    assert response.status_code == 422
    assert "The note is empty." in response.get_data(as_text=True)


def test_the_same_note_sent_twice_at_once_is_stored_once(app, db, world):
    """Two sends of one revision racing each other (a retry while the first is still on its way)."""
    clients = [app.test_client() for _ in range(2)]
    for device in clients:
        device.post("/login", data={"email": world.counsellor.email, "password": DEFAULT_PASSWORD})
    note_uuid, revision_uuid = new_ids()
    payload = {"note_uuid": note_uuid, "revision_uuid": revision_uuid, "body": "Tegelijk."}
    url = f"/api/visits/{world.visit.id}/notes"  # read here: the threads have no app context
    assert at_once(clients, url, payload) == [200, 201]
    assert count(db) == 1


def test_a_revision_sent_again_with_other_content_is_refused_and_the_first_kept(
    client, db, signed_in
):
    response, payload = send(client, signed_in.visit.id)
    assert response.status_code == 201
    again = client.post(
        f"/api/visits/{signed_in.visit.id}/notes", json={**payload, "body": "Iets anders."}
    )
    assert again.status_code == 409
    assert "Both are kept" in again.get_json()["message"]
    rescored = {**payload, "observations": {"punctuality": 2}}
    assert client.post(f"/api/visits/{signed_in.visit.id}/notes", json=rescored).status_code == 409
    assert db.session.scalars(select(NoteRevision.body)).all() == [payload["body"]]
    same = client.post(f"/api/visits/{signed_in.visit.id}/notes", json=payload)
    assert same.status_code == 200


def test_one_note_with_actions_sent_twice_at_once_is_stored_once(app, db, world):
    """Two tabs send the same note with a follow-up at the same moment: one row each, no error."""
    clients = [app.test_client() for _ in range(2)]
    for device in clients:
        device.post("/login", data={"email": world.counsellor.email, "password": DEFAULT_PASSWORD})
    note_uuid, revision_uuid = new_ids()
    due = (now_utc() + timedelta(days=3)).date().isoformat()
    payload = {
        "note_uuid": note_uuid,
        "revision_uuid": revision_uuid,
        "body": "Tegelijk, met een afspraak.",
        "actions": [{"uuid": str(uuid.uuid4()), "text": "Werkschoenen kopen", "due": due}],
    }
    url = f"/api/visits/{world.visit.id}/notes"
    for _attempt in range(5):  # a race: try it a few times, each with fresh identifiers
        assert at_once(clients, url, payload) == [200, 201]
        payload = {
            **payload,
            "note_uuid": str(uuid.uuid4()),
            "revision_uuid": str(uuid.uuid4()),
            "actions": [{**payload["actions"][0], "uuid": str(uuid.uuid4())}],
        }
    assert count(db) == 5
    follow_ups = db.session.scalar(
        select(func.count()).select_from(FollowUp).where(FollowUp.client_id == world.client.id)
    )
    assert follow_ups == 1 + 5  # the world's own and one per note


def test_the_note_form_comes_before_the_earlier_notes(client, db, signed_in):
    """On site, writing is what the page is for: the form is not below a growing list."""
    visit_id = signed_in.visit.id
    send(client, visit_id, body="Eerste notitie.")
    send(client, visit_id, body="Tweede notitie.")

    page = client.get(f"/visits/{visit_id}").get_data(as_text=True)

    form = page.index("data-note-form")
    assert form < page.index("Eerste notitie.")
    assert form < page.index("Tweede notitie.")
    assert page.index('id="notes-heading"') < form
    assert form < page.index("Earlier notes") < page.index("Eerste notitie.")


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"body": 42}, "body", "The note is empty."),
        ({"observations": {"punctuality": "4"}}, "observations", "from 1 to 5"),
        ({"observations": [4]}, "observations", "observations could not be read"),
        ({"replaces": ["not-a-uuid"]}, "replaces", "no valid identifier"),
        (
            {"actions": [{"uuid": str(uuid.uuid4()), "text": " ", "due": "2026-12-09"}]},
            "actions",
            "needs a description",
        ),
        (
            {"actions": [{"uuid": str(uuid.uuid4()), "text": "Bellen", "due": "volgende week"}]},
            "actions",
            "needs a due date",
        ),
        ({"actions": ["Bellen"]}, "actions", "actions could not be read"),
    ],
)
def test_a_bad_field_is_named_in_the_refusal_and_nothing_is_saved(
    client, db, signed_in, fields, field, message
):
    follow_ups = select(func.count()).select_from(FollowUp)
    before = db.session.scalar(follow_ups)
    response, _ = send(client, signed_in.visit.id, **fields)
    assert response.status_code == 422
    assert response.json["field"] == field
    assert message in response.json["message"]
    assert count(db) == 0
    assert db.session.scalar(follow_ups) == before
