"""Actions agreed during a visit become follow-ups on the counsellor's home screen."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.common.dates import today
from fieldapp.visits.models import FollowUp, NoteRevision


def note_with(*actions, **fields):
    return {
        "note_uuid": str(uuid.uuid4()),
        "revision_uuid": str(uuid.uuid4()),
        "body": "Afspraken gemaakt met de verantwoordelijke.",
        "actions": list(actions),
        **fields,
    }


def action(text="Werkschoenen kopen", due="2026-12-01"):
    return {"uuid": str(uuid.uuid4()), "text": text, "due": str(due)}


def follow_ups(db) -> list[str]:
    return db.session.scalars(select(FollowUp.text).order_by(FollowUp.text)).all()


@pytest.fixture
def signed_in(auth, make, db):
    world = make.world()
    db.session.delete(world.follow_up)  # start without one
    db.session.commit()
    auth.login(world.counsellor.email)
    return world


def test_actions_become_follow_ups_once(client, db, signed_in):
    payload = note_with(action("Werkschoenen kopen"), action("Bellen met de sociale dienst"))
    url = f"/api/visits/{signed_in.visit.id}/notes"
    assert client.post(url, json=payload).status_code == 201
    assert client.post(url, json=payload).status_code == 200  # sent again: nothing doubled
    assert follow_ups(db) == ["Bellen met de sociale dienst", "Werkschoenen kopen"]

    # A correction that repeats an action (same UUID) does not add it again.
    correction = note_with(
        payload["actions"][0],
        action("Uurrooster afdrukken"),
        note_uuid=payload["note_uuid"],
        parent_uuid=payload["revision_uuid"],
    )
    assert client.post(url, json=correction).status_code == 201
    assert len(follow_ups(db)) == 3


def test_the_home_screen_lists_follow_ups_due_this_week_until_done(client, db, signed_in):
    url = f"/api/visits/{signed_in.visit.id}/notes"
    soon = action("Werkschoenen kopen", today())
    later = action("CV nalezen", today() + timedelta(days=30))
    client.post(url, json=note_with(soon, later))
    home = client.get("/").get_data(as_text=True)
    assert "Werkschoenen kopen" in home
    assert "CV nalezen" not in home  # not due this week

    follow_up = db.session.scalars(select(FollowUp).where(FollowUp.text == soon["text"])).one()
    response = client.post(f"/follow-ups/{follow_up.id}/done", data={"next": "/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Werkschoenen kopen" not in client.get("/").get_data(as_text=True)
    assert client.post(f"/follow-ups/{follow_up.id}/done").status_code == 409
    visit_page = client.get(f"/visits/{signed_in.visit.id}").get_data(as_text=True)
    assert "Werkschoenen kopen" in visit_page
    assert "CV nalezen" in visit_page


def test_the_plain_form_takes_one_action(client, db, signed_in):
    data = {
        "note_uuid": str(uuid.uuid4()),
        "revision_uuid": str(uuid.uuid4()),
        "body": "Zonder JavaScript.",
        "action_uuid": str(uuid.uuid4()),
        "action_text": "Attest binnenbrengen",
        "action_due": today().isoformat(),
    }
    assert client.post(f"/visits/{signed_in.visit.id}/notes", data=data).status_code == 302
    assert follow_ups(db) == ["Attest binnenbrengen"]
    data["revision_uuid"], data["action_due"] = str(uuid.uuid4()), ""
    response = client.post(f"/visits/{signed_in.visit.id}/notes", data=data)
    assert response.status_code == 422
    assert "An action needs a due date." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        ([{"uuid": str(uuid.uuid4()), "text": "", "due": "2026-12-01"}], "needs a description"),
        ([{"uuid": str(uuid.uuid4()), "text": "Bellen", "due": "morgen"}], "needs a due date"),
        ([{"uuid": "nope", "text": "Bellen", "due": "2026-12-01"}], "no valid identifier"),
        ([{"uuid": str(uuid.uuid4()), "text": "x" * 301, "due": "2026-12-01"}], "at most 300"),
        ([action() for _ in range(11)], "at most 10 actions"),
        (["Bellen"], "could not be read"),
        ("Bellen", "at most 10 actions"),
    ],
)
def test_bad_actions_get_a_reason_and_nothing_is_stored(client, db, signed_in, actions, message):
    payload = note_with(actions=actions)
    response = client.post(f"/api/visits/{signed_in.visit.id}/notes", json=payload)
    assert response.status_code == 422
    assert message in response.json["message"]
    assert db.session.scalar(select(func.count()).select_from(NoteRevision)) == 0
    assert follow_ups(db) == []


def test_someone_who_cannot_open_the_file_cannot_close_its_follow_ups(client, auth, make, db):
    world = make.world()
    outsider = make.user(world.organisation, email="outsider@example.org")
    auth.login(outsider.email)
    assert client.post(f"/follow-ups/{world.follow_up.id}/done").status_code == 404
    db.session.expire_all()
    assert db.session.get(FollowUp, world.follow_up.id).done_at is None


def test_the_home_screen_lists_every_follow_up_the_reminders_page_does_not(client, auth, make, db):
    """Follow-ups are on no other list of the counsellor's: twelve late ones are all on the home
    screen, and none of them alone makes it say that more is due elsewhere."""
    world = make.world()
    texts = [f"Opvolgtaak{n:02d}" for n in range(12)]
    for n, text in enumerate(texts):
        make.follow_up(world.counsellor, world.visit, text, today() - timedelta(days=20 - n))
    auth.login(world.counsellor.email)
    home = client.get("/").get_data(as_text=True)
    assert [text for text in texts if text in home] == texts
    assert "data-more-due" not in home
