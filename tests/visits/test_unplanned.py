"""Unplanned visits recorded on a phone: the visit made once and its note stored once, however
often the phone sends; bad input refused with a reason; only for a file one may change."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.clients.models import TimelineEvent
from fieldapp.common.time import now_utc
from fieldapp.visits.models import NoteRevision, Visit, VisitStatus
from tests.factories import DEFAULT_PASSWORD
from tests.visits.test_notes import at_once

BODY = "Langs geweest in de keuken: Amina snijdt de groenten zelfstandig."


def payload(**fields):
    data = {
        "visit_uuid": str(uuid.uuid4()),
        "note_uuid": str(uuid.uuid4()),
        "revision_uuid": str(uuid.uuid4()),
        "body": BODY,
        "observations": {"attitude": 4},
        "written_at": (now_utc() - timedelta(minutes=30)).isoformat(),
    }
    data.update(fields)
    return data


def url(client_id: int) -> str:
    return f"/api/clients/{client_id}/unplanned-visits"


def unplanned_visits(db) -> list[Visit]:
    return list(db.session.scalars(select(Visit).where(Visit.visit_uuid.is_not(None))))


def note_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(NoteRevision))


@pytest.fixture
def world(make):
    return make.world()


@pytest.fixture
def signed_in(auth, world):
    auth.login(world.counsellor.email)
    return world


def test_the_first_send_makes_a_done_visit_with_its_note_and_a_repeat_changes_nothing(
    client, db, signed_in
):
    sent = payload()
    first = client.post(url(signed_in.client.id), json=sent)
    assert first.status_code == 201
    again = client.post(url(signed_in.client.id), json=sent)
    assert again.status_code == 200
    assert again.json == first.json
    (visit,) = unplanned_visits(db)
    assert first.json["visit_id"] == visit.id
    assert (visit.client_id, visit.counsellor_id) == (signed_in.client.id, signed_in.counsellor.id)
    assert visit.status == VisitStatus.DONE.value
    assert visit.worksite_id == signed_in.worksite.id  # the client's current worksite
    notes = list(db.session.scalars(select(NoteRevision).where(NoteRevision.visit_id == visit.id)))
    assert [(note.body, note.observations) for note in notes] == [(BODY, {"attitude": 4})]
    assert visit.starts_at == notes[0].written_at  # the visit took place when the note was written
    done = db.session.scalars(
        select(TimelineEvent).where(
            TimelineEvent.client_id == signed_in.client.id, TimelineEvent.kind == "visit_done"
        )
    ).all()
    assert len(done) == 1


def test_a_retry_after_the_visit_was_made_stores_the_note_once(client, db, signed_in):
    """A crash between the visit and the note cannot happen (one transaction), but a second note
    on the same unplanned visit is its own note, on the same visit."""
    first = payload()
    assert client.post(url(signed_in.client.id), json=first).status_code == 201
    second = payload(visit_uuid=first["visit_uuid"], body="Tweede notitie bij hetzelfde bezoek.")
    assert client.post(url(signed_in.client.id), json=second).status_code == 201
    assert client.post(url(signed_in.client.id), json=second).status_code == 200
    assert len(unplanned_visits(db)) == 1
    assert note_count(db) == 2


def test_the_same_visit_identifier_for_another_client_is_refused(client, db, make, signed_in):
    other = make.client(signed_in.counsellor, "Bram", "Claes")
    db.session.commit()
    sent = payload()
    assert client.post(url(signed_in.client.id), json=sent).status_code == 201
    response = client.post(url(other.id), json=payload(visit_uuid=sent["visit_uuid"]))
    assert response.status_code == 422
    assert "already used" in response.json["message"]
    assert len(unplanned_visits(db)) == 1


def test_other_content_under_the_same_note_identifiers_is_a_conflict(client, db, signed_in):
    sent = payload()
    client.post(url(signed_in.client.id), json=sent)
    response = client.post(url(signed_in.client.id), json=sent | {"body": "Iets anders."})
    assert response.status_code == 409
    assert note_count(db) == 1


@pytest.mark.parametrize("raw", [None, [], "tekst", {}, 12])
def test_a_body_that_is_no_note_is_refused(client, db, signed_in, raw):
    response = client.post(url(signed_in.client.id), json=raw)
    assert response.status_code == 422
    assert response.json["message"]
    assert unplanned_visits(db) == []


@pytest.mark.parametrize(
    "fields",
    [
        {"visit_uuid": "geen-uuid"},
        {"visit_uuid": None},
        {"body": ""},
        {"body": "x" * 10_001},
        {"observations": {"attitude": 9}},
        {"observations": {"unknown": 3}},
        {"observations": [3]},
        {"observations": {"attitude": True}},  # JSON's true is no score (Python's bool is an int)
        {"written_at": "gisteren"},
        {"written_at": "1999-01-01T10:00:00+01:00"},
        {"note_uuid": 12},
        {"actions": [{"text": "x"}]},
    ],
)
def test_bad_input_is_refused_with_a_reason_and_makes_nothing(client, db, signed_in, fields):
    response = client.post(url(signed_in.client.id), json=payload(**fields))
    assert response.status_code == 422
    assert response.json["message"]
    assert unplanned_visits(db) == []
    assert note_count(db) == 0


def test_a_body_that_is_no_json_is_refused(client, db, signed_in):
    response = client.post(
        url(signed_in.client.id), data="{niet", headers={"Content-Type": "application/json"}
    )
    assert response.status_code in (400, 422)
    assert unplanned_visits(db) == []


def test_another_counsellors_client_and_another_organisation_are_refused(
    client, db, make, auth, world
):
    colleague = make.user(world.organisation)
    db.session.commit()
    auth.login(colleague.email)
    assert client.post(url(world.client.id), json=payload()).status_code == 404
    stranger = make.world()  # another organisation
    auth.logout()
    auth.login(stranger.counsellor.email)
    assert client.post(url(world.client.id), json=payload()).status_code == 404
    assert client.post(url(stranger.client.id), json=payload()).status_code == 201
    assert [visit.client_id for visit in unplanned_visits(db)] == [stranger.client.id]


def test_an_identifier_taken_in_another_organisation_reveals_nothing(client, db, make, auth):
    here, there = make.world(), make.world()
    auth.login(there.counsellor.email)
    sent = payload()
    assert client.post(url(there.client.id), json=sent).status_code == 201
    auth.logout()
    auth.login(here.counsellor.email)
    response = client.post(url(here.client.id), json=sent)
    assert response.status_code == 422, response.get_data(as_text=True)
    db.session.expire_all()
    assert len(unplanned_visits(db)) == 1


def test_an_anonymised_file_gets_no_visit(client, db, signed_in):
    signed_in.client.anonymised_at = now_utc()
    db.session.commit()
    assert client.post(url(signed_in.client.id), json=payload()).status_code == 410
    assert unplanned_visits(db) == []


def test_the_page_lists_own_clients_with_worksite_open_goals_and_actions_never_the_sensitive_part(
    client, db, make, signed_in
):
    other = make.world(signed_in.organisation)  # a colleague's client, also in the organisation
    page = client.get("/visits/unplanned", headers={"X-Fieldapp-Copy": "offline"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert signed_in.client.full_name in text
    assert signed_in.worksite.name in text
    assert signed_in.goal.text in text
    assert signed_in.follow_up.text in text
    assert other.client.full_name not in text
    assert signed_in.referral.reason not in text  # referral reasons are sensitive
    assert 'name="csrf_token"' not in text


def test_without_javascript_the_form_makes_the_visit_and_its_note(client, db, signed_in):
    page = client.get("/visits/unplanned")
    assert page.status_code == 200
    response = client.post(
        "/visits/unplanned",
        data={
            "client": str(signed_in.client.id),
            "body": BODY,
            "attitude": "3",
            "visit_uuid": str(uuid.uuid4()),
            "note_uuid": str(uuid.uuid4()),
            "revision_uuid": str(uuid.uuid4()),
        },
    )
    (visit,) = unplanned_visits(db)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/visits/{visit.id}")
    assert note_count(db) == 1


def test_without_javascript_an_empty_note_is_shown_again_with_the_reason(client, db, signed_in):
    response = client.post(
        "/visits/unplanned",
        data={
            "client": str(signed_in.client.id),
            "body": "",
            "visit_uuid": str(uuid.uuid4()),
            "note_uuid": str(uuid.uuid4()),
            "revision_uuid": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 422
    assert "The note is empty." in response.get_data(as_text=True)
    assert unplanned_visits(db) == []


def test_the_same_unplanned_visit_sent_twice_at_once_is_made_once(app, db, world):
    """Two sends racing each other (a retry while the first is still on its way, two tabs)."""
    devices = [app.test_client() for _ in range(2)]
    for device in devices:
        device.post("/login", data={"email": world.counsellor.email, "password": DEFAULT_PASSWORD})
    address = url(world.client.id)  # read here: the threads have no app context
    for attempt in range(5):  # a race: tried a few times, each with fresh identifiers
        assert at_once(devices, address, payload()) == [200, 201]
        db.session.expire_all()
        assert len(unplanned_visits(db)) == attempt + 1
        assert note_count(db) == attempt + 1
