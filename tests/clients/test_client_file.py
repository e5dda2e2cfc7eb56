from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.audit.models import AuditEvent
from fieldapp.auth.roles import Role
from fieldapp.clients.models import Client, Handover, TimelineEvent
from fieldapp.common.time import UTC


def new_client(client, **fields):
    data = {
        "first_name": "Élise",
        "last_name": "Van Damme",
        "birth_date": "1990-04-12",
        "language": "fr",
    }
    data.update(fields)
    return client.post("/clients/new", data=data)


def test_create_a_client_and_start_there(client, auth, make, db):
    make.user(email="an@example.org")
    auth.login("an@example.org")
    response = new_client(client)
    assert response.status_code == 302
    created = db.session.scalars(select(Client)).one()
    assert response.headers["Location"] == f"/clients/{created.id}/trajectories/new"
    assert created.name_key == "elise van damme"
    assert created.counsellor.email == "an@example.org"


def test_a_duplicate_client_is_refused(client, auth, make, db):
    make.user(email="an@example.org")
    auth.login("an@example.org")
    new_client(client)
    response = new_client(client, first_name="elise", last_name="van  damme")
    assert response.status_code == 422
    assert "already has a file" in response.get_data(as_text=True)
    # Same name, another birth date: another person.
    assert new_client(client, birth_date="1991-01-01").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Client)) == 2


def test_bad_client_input(client, auth, make, db):
    make.user(email="an@example.org")
    auth.login("an@example.org")
    for fields, message in [
        ({"first_name": ""}, "This field is required"),
        ({"birth_date": "12-04-1990"}, "Not a valid date"),
        ({"email": "nope"}, "valid e-mail address"),
        ({"language": "xx"}, "Not a valid choice"),
        ({"last_name": "x" * 81}, "at most 80 characters"),
    ]:
        response = new_client(client, **fields)
        assert response.status_code == 422, fields
        assert message in response.get_data(as_text=True), fields
    assert db.session.scalar(select(func.count()).select_from(Client)) == 0


def test_consent_is_recorded(client, auth, make, db):
    counsellor = make.user(email="an@example.org")
    person = make.client(counsellor)
    auth.login("an@example.org")
    assert "Consent not recorded yet" in client.get(f"/clients/{person.id}").get_data(as_text=True)
    client.post(f"/clients/{person.id}/consent", data={"note": "getekend formulier"})
    db.session.refresh(person)
    assert person.consent_at is not None
    assert person.consent_note == "getekend formulier"
    response = client.post(f"/clients/{person.id}/consent", data={"note": ""})
    assert response.status_code == 422
    assert "This field is required" in response.get_data(as_text=True)


def test_warm_hand_over(client, auth, make, db, sent_mail):
    counsellor = make.user(email="an@example.org", name="An")
    colleague = make.user(counsellor.organisation, email="bo@example.org", name="Bo")
    person = make.client(counsellor)
    auth.login("an@example.org")
    url = f"/clients/{person.id}/handover"
    response = client.post(url, data={"to": str(colleague.id), "note": ""})
    assert response.status_code == 422
    assert "This field is required" in response.get_data(as_text=True)
    response = client.post(url, data={"to": str(colleague.id), "note": "Mina werkt graag buiten."})
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.counsellor_id == colleague.id
    handover = db.session.scalars(select(Handover)).one()
    assert (handover.from_user_id, handover.to_user_id) == (counsellor.id, colleague.id)
    (mail,) = sent_mail()
    assert mail.to == "bo@example.org"
    assert f"/clients/{person.id}" in mail.body
    assert "Mina werkt graag" not in mail.body  # the note stays behind the sign-in
    kinds = db.session.scalars(select(TimelineEvent.kind)).all()
    assert "handed_over" in kinds
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "client.handed_over"))
    # The former counsellor no longer sees the file; the new one does.
    assert client.get(f"/clients/{person.id}").status_code == 404
    auth.logout()
    auth.login("bo@example.org")
    assert client.get(f"/clients/{person.id}").status_code == 200


def test_only_the_counsellor_lead_or_admin_hands_over(client, auth, make, db):
    world = make.world()
    auth.login(world.share.user.email)  # shared with, but not the counsellor
    response = client.get(f"/clients/{world.client.id}/handover")
    assert response.status_code == 403


def test_sharing_and_unsharing(client, auth, make, db):
    counsellor = make.user(email="an@example.org")
    colleague = make.user(counsellor.organisation, email="bo@example.org")
    person = make.client(counsellor)
    auth.login("an@example.org")
    response = client.post(
        f"/clients/{person.id}/shares", data={"user": str(colleague.id), "include_sensitive": "y"}
    )
    assert response.status_code == 302
    page = client.get(f"/clients/{person.id}/shares").get_data(as_text=True)
    assert "with the sensitive part" in page
    from fieldapp.clients.models import ClientShare

    grant = db.session.scalars(select(ClientShare)).one()
    assert grant.include_sensitive
    client.post(f"/clients/{person.id}/shares/{grant.id}/delete")
    assert db.session.scalar(select(func.count()).select_from(ClientShare)) == 0


def test_the_timeline_is_newest_first_and_paged(client, auth, make, db):
    counsellor = make.user(email="an@example.org")
    person = make.client(counsellor)
    start = datetime(2026, 1, 1, 9, tzinfo=UTC)
    db.session.add_all(
        TimelineEvent(
            organisation_id=person.organisation_id,
            client_id=person.id,
            kind="phase_changed",
            at=start + timedelta(days=i),
            data={"from": 1, "to": (i % 5) + 1},
        )
        for i in range(45)
    )
    db.session.commit()
    auth.login("an@example.org")
    file = client.get(f"/clients/{person.id}").get_data(as_text=True)
    # The latest five, newest first: the file opened today, then the phase changes of February.
    assert file.count("Phase changed") == 4
    assert file.index("File opened") < file.index("14 Feb 2026") < file.index("11 Feb 2026")
    assert "10 Feb 2026" not in file
    assert f'href="/clients/{person.id}/timeline">The whole timeline</a>' in file

    first = client.get(f"/clients/{person.id}/timeline").get_data(as_text=True)
    assert first.index("14 Feb 2026") < first.index("13 Feb 2026")
    assert f"/clients/{person.id}/timeline?page=2" in first
    third = client.get(f"/clients/{person.id}/timeline?page=3").get_data(as_text=True)
    assert "page=4" not in third
    assert third.count("Phase changed") == 6  # 45 + "File opened" = 46 events: 20 + 20 + 6
    assert "1 Jan 2026" in third
    viewed = db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_id == person.id))
    assert list(viewed).count("client.viewed") == 3  # the file and two pages of its timeline


def test_a_short_timeline_is_all_on_the_file(client, auth, make):
    counsellor = make.user(email="an@example.org")
    person = make.client(counsellor)
    auth.login("an@example.org")
    file = client.get(f"/clients/{person.id}").get_data(as_text=True)
    assert "File opened" in file
    assert "The whole timeline" not in file


def test_team_lead_creates_a_file_for_a_counsellor(client, auth, make, db):
    lead = make.user(role=Role.TEAM_LEAD, email="lead@example.org")
    counsellor = make.user(lead.organisation, email="an@example.org")
    auth.login("lead@example.org")
    new_client(client, counsellor=str(counsellor.id))
    assert db.session.scalars(select(Client)).one().counsellor_id == counsellor.id


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_every_form_of_the_file_carries_a_csrf_token_that_works(client, auth, make, db):
    """The file's forms write their hidden inputs with the hidden_tag filter: each post form holds
    one CSRF token, the session's, which its endpoint accepts; a forged one is refused."""
    world = make.world()
    login = client.get("/login").get_data(as_text=True)
    auth.login(world.counsellor.email, csrf_token=_token_in(login))
    page = client.get(f"/clients/{world.client.id}").get_data(as_text=True)
    forms = re.findall(r'<form[^>]*method="post"[^>]*>.*?</form>', page, re.DOTALL)
    actions = {re.search(r'action="([^"]*)"', form)[1] for form in forms}
    # The consent, phase, contact, goal and goal status forms (and the top bar's).
    assert {
        f"/clients/{world.client.id}/consent",
        f"/trajectories/{world.trajectory.id}/phase",
        f"/goals/{world.goal.id}/status",
    } <= actions, actions
    tokens = [_tokens_in(form) for form in forms]
    missing = [
        re.search(r"<form[^>]*>", f)[0] for f, t in zip(forms, tokens, strict=True) if len(t) != 1
    ]
    assert not missing, missing
    assert len({found[0] for found in tokens}) == 1
    token = tokens[0][0]
    forged = client.post(
        f"/goals/{world.goal.id}/status", data={"status": "achieved", "csrf_token": "x"}
    )
    assert forged.status_code == 400
    bad = client.post(f"/goals/{world.goal.id}/status", data={"status": "no", "csrf_token": token})
    assert bad.status_code == 422
    done = client.post(
        f"/goals/{world.goal.id}/status", data={"status": "achieved", "csrf_token": token}
    )
    assert done.status_code in (302, 303)
    consent = client.post(
        f"/clients/{world.client.id}/consent", data={"note": "signed", "csrf_token": token}
    )
    assert consent.status_code == 302
    page = client.get(f"/clients/{world.client.id}").get_data(as_text=True)
    assert f"/clients/{world.client.id}/consent" not in page  # recorded: no form any more


def _token_in(page: str) -> str:
    return _tokens_in(page)[0]


def _tokens_in(html: str) -> list[str]:
    inputs = re.findall(r'<input[^>]*name="csrf_token"[^>]*>', html)
    return [re.search(r'value="([^"]+)"', found)[1] for found in inputs]


@pytest.mark.parametrize(
    ("status", "follow_up_shown"),
    [("sent", True), ("in_progress", True), ("closed", False), ("declined", False)],
)
def test_a_referral_shows_its_follow_up_while_it_is_open(
    client, auth, make, db, status, follow_up_shown
):
    counsellor = make.user()
    patient = make.client(counsellor=counsellor)
    referral = make.referral(counsellor, patient)
    referral.status = status
    db.session.commit()
    auth.login(counsellor.email)
    section = client.get(f"/clients/{patient.id}").get_data(as_text=True)
    section = section.split('id="referrals-heading"', 1)[1].split("</section>", 1)[0]
    assert "CAW" in section
    assert ("follow up" in section) is follow_up_shown


def test_evaluations_are_counted_in_months_as_the_language_says_it(client, auth, make, db):
    """One month, three months: in the list of evaluations and in the timeline, in Dutch too."""
    world = make.world()
    db.session.add(
        TimelineEvent(
            organisation_id=world.organisation.id,
            client_id=world.client.id,
            kind="evaluation_done",
            data={"months": 1},
        )
    )
    db.session.commit()
    auth.login(world.counsellor.email)
    english = client.get(f"/clients/{world.client.id}").get_data(as_text=True)
    assert re.findall(r"After \d+ months?", english) == [
        "After 1 month",
        "After 3 months",
        "After 6 months",
    ]
    assert ": after 1 month" in english
    client.post("/language", data={"language": "nl", "next": "/"})
    dutch = client.get(f"/clients/{world.client.id}").get_data(as_text=True)
    assert re.findall(r"Na \d+ maand\w*", dutch) == ["Na 1 maand", "Na 3 maanden", "Na 6 maanden"]
    assert ": na 1 maand" in dutch
    assert "maand(en)" not in dutch


def test_the_timeline_page_leads_to_a_supervisors_message_on_the_open_placement(
    client, auth, make, db
):
    world = make.world()
    db.session.add(
        TimelineEvent(
            organisation_id=world.organisation.id,
            client_id=world.client.id,
            kind="supervisor_report",
            data={"report": "incident", "urgent": True, "supervisor": "Sofie"},
        )
    )
    db.session.commit()
    auth.login(world.counsellor.email)
    page = client.get(f"/clients/{world.client.id}/timeline").get_data(as_text=True)
    assert "Message from the floor supervisor" in page
    assert f'href="/trajectories/{world.trajectory.id}/supervisor-link">read</a>' in page
