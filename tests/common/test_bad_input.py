"""Input that once answered 500: each gets a 4xx with a message, and nothing is saved."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.auth.roles import Role
from fieldapp.clients.models import Client
from fieldapp.common.dates import today
from fieldapp.common.time import now_utc
from fieldapp.mail.services import as_email
from fieldapp.method.models import ReminderRule
from fieldapp.trajectories.models import Trajectory
from fieldapp.visits.models import FollowUp, NoteRevision, Visit
from tests.feedback.test_rounds import rater_rows


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def world(make):
    return make.world()


@pytest.fixture
def admin(make, world, auth):
    person = make.user(world.organisation, role=Role.ADMIN)
    auth.login(person.email)
    return person


@pytest.mark.parametrize(
    "url",
    [
        "/clients/?counsellor=%20",
        "/clients/?phase=%20",
        "/clients/?phase=two",
        "/clients/?worksite=%20",
        "/clients/?scheme=%20",
        "/admin/audit/?actor=%20",
        "/admin/audit/?action=%20",
        "/admin/audit/?since=0001-01-01",
        "/admin/audit/?until=9999-12-31",
        "/reports/yearly?counsellor=%20",
        "/reports/yearly?year=%C2%B2",
        "/reports/yearly.csv?counsellor=x",
    ],
)
def test_a_filter_that_is_not_one_of_the_choices_is_refused(client, admin, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "Not a valid" in response.get_data(as_text=True) or "between" in response.get_data(
        as_text=True
    )


def test_a_timeline_page_number_past_any_sense_shows_a_page(client, auth, world):
    auth.login(world.counsellor.email)
    for page in ("99999999999999999999", "-3", "0"):
        response = client.get(f"/clients/{world.client.id}/timeline?page={page}")
        assert response.status_code == 200, page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"day": "9999-12-31", "at": "23:30", "minutes": "480"}, "Choose a date between"),
        ({"day": "0001-01-01"}, "Choose a date between"),
        ({"minutes": "²"}, "Not a valid integer"),
    ],
)
def test_a_visit_far_outside_the_calendar_is_refused(client, auth, db, world, fields, message):
    auth.login(world.counsellor.email)
    before = count(db, Visit)
    data = {"day": today().isoformat(), "at": "10:00", "minutes": "60", "purpose": "", **fields}
    response = client.post(f"/clients/{world.client.id}/visits/new", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(db, Visit) == before


@pytest.mark.parametrize(
    "fields",
    [
        {"started_on": "9999-01-01", "planned_end_on": ""},
        {"started_on": "0001-01-01", "planned_end_on": ""},
        {"worksite_id": " "},
        {"supervisor_id": "x"},
    ],
)
def test_a_trajectory_with_junk_is_refused(client, auth, db, make, fields):
    counsellor = make.user()
    person = make.client(counsellor)
    auth.login(counsellor.email)
    data = {"scheme": "art60", "started_on": today().isoformat(), **fields}
    response = client.post(f"/clients/{person.id}/trajectories/new", data=data)
    assert response.status_code == 422
    assert count(db, Trajectory) == 0


def test_a_birth_date_in_year_one_or_tomorrow_is_refused(client, auth, db, world):
    auth.login(world.counsellor.email)
    for day in ("0001-01-01", (today() + timedelta(days=1)).isoformat()):
        data = {"first_name": "Mina", "last_name": "Nieuw", "language": "nl", "birth_date": day}
        response = client.post("/clients/new", data=data)
        assert response.status_code == 422
        assert "Choose a date between" in response.get_data(as_text=True)
    assert count(db, Client) == 1


def test_a_team_that_is_not_a_choice_is_refused(client, db, make, world, admin):
    response = client.post(
        f"/admin/users/{world.counsellor.id}", data={"role": "counsellor", "team": " "}
    )
    assert response.status_code == 422
    db.session.refresh(world.counsellor)
    assert world.counsellor.team_id is None


def test_digits_that_are_not_ascii_are_refused_as_a_reminder_offset(client, db, admin):
    response = client.post("/admin/reminders", data={"visit": "²"})
    assert response.status_code == 422
    assert "Use whole numbers" in response.get_data(as_text=True)
    assert count(db, ReminderRule) == 0


def test_digits_that_are_not_ascii_are_refused_as_a_note_score(client, auth, db, world):
    auth.login(world.counsellor.email)
    data = {
        "note_uuid": str(uuid.uuid4()),
        "revision_uuid": str(uuid.uuid4()),
        "body": "Goed bezig.",
        "punctuality": "²",
    }
    response = client.post(f"/visits/{world.visit.id}/notes", data=data)
    assert response.status_code == 422
    assert "scored from 1 to 5" in response.get_data(as_text=True)
    assert count(db, NoteRevision) == 0


def note(**fields):
    return {
        "note_uuid": str(uuid.uuid4()),
        "revision_uuid": str(uuid.uuid4()),
        "body": "Goed bezig.",
        "written_at": now_utc().isoformat(),
        **fields,
    }


@pytest.mark.parametrize(
    "fields",
    [
        {"body": "Goed\x00 bezig."},
        {"body": "Goed \ud800 bezig."},
        {"actions": [{"uuid": str(uuid.uuid4()), "text": "Bel\x00len", "due": ""}]},
        {"actions": [{"uuid": str(uuid.uuid4()), "text": "Bellen \udfff", "due": ""}]},
        {"written_at": "0001-01-01T00:00:00+14:00"},
        {"written_at": "9999-12-31T23:59:59-14:00"},
        {"written_at": "1999-12-31T23:59:59+00:00"},
    ],
)
def test_a_note_with_text_no_one_can_type_or_a_date_off_the_calendar_is_refused(
    client, auth, db, world, fields
):
    auth.login(world.counsellor.email)
    response = client.post(f"/api/visits/{world.visit.id}/notes", json=note(**fields))
    assert response.status_code in (400, 422)
    assert response.get_json()["message"]
    assert count(db, NoteRevision) == 0
    assert count(db, FollowUp) == 1  # the world's own


def test_a_nul_in_a_form_or_a_query_is_refused(client, auth, db, world):
    """(A form or a query cannot carry a lone surrogate: undecodable bytes become U+FFFD.)"""
    auth.login(world.counsellor.email)
    url = f"/clients/{world.client.id}/edit"
    response = client.post(url, data={"first_name": "Mi\x00na", "last_name": "X", "language": "nl"})
    assert response.status_code == 400
    assert "cannot be saved" in response.get_data(as_text=True)
    assert client.get("/clients/", query_string={"q": "\x00"}).status_code == 400
    db.session.refresh(world.client)
    assert world.client.first_name == "Mina"


@pytest.mark.parametrize("breaker", ["\r\nBcc: everyone@example.org", "\n", "\u2028", "\r"])
def test_a_line_break_in_a_name_never_reaches_an_e_mail_header(
    client, auth, db, world, sent_mail, breaker
):
    world.client.first_name = f"Mina{breaker}Janssens"
    db.session.commit()
    auth.login(world.counsellor.email)
    response = client.post(
        f"/trajectories/{world.trajectory.id}/feedback/new",
        data={
            "deadline": (today() + timedelta(days=10)).isoformat(),
            **rater_rows(("supervisor", "Sofie", "sofie@example.org", "nl")),
            "step": "start",
        },
    )
    assert response.status_code == 302
    (mail,) = sent_mail()
    assert mail.subject.startswith("Jouw kijk op hoe het met Mina ")  # the rater's language
    assert mail.subject.endswith("Janssens gaat op het werk")
    assert not any(character in mail.subject for character in "\r\n\u2028")
    headers = as_email(mail, "fieldapp@example.org")
    assert headers["Subject"] == mail.subject
    assert headers["Bcc"] is None


NESTED_TOO_DEEPLY = b"[" * 5_000 + b"]" * 5_000  # 10 kB that Python's JSON decoder cannot read


@pytest.mark.parametrize("url", ["/login", "/f/no-such-link", "/s/no-such-link/pulse", "/nothing"])
def test_json_nested_too_deeply_is_refused_anywhere_even_without_an_account(client, url):
    response = client.post(url, data=NESTED_TOO_DEEPLY, content_type="application/json")
    assert 400 <= response.status_code < 500


def test_a_note_nested_too_deeply_is_refused_with_a_message(client, auth, db, world):
    auth.login(world.counsellor.email)
    response = client.post(
        f"/api/visits/{world.visit.id}/notes",
        data=NESTED_TOO_DEEPLY,
        content_type="application/json",
    )
    assert response.status_code in (400, 422)
    assert response.get_json()["message"] == "The note could not be read."
    assert count(db, NoteRevision) == 0
