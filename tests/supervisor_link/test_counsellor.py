"""The counsellor's side: making, showing once, e-mailing and stopping the link; the pulses over
time on the placement and the client's file; the timeline; the evidence of the next evaluation;
the monthly e-mail to the supervisor; the subject-access export and anonymisation."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from fieldapp.common.dates import today
from fieldapp.common.secret_links import hash_token
from fieldapp.common.time import now_utc
from fieldapp.evaluations.evidence import gather
from fieldapp.feedback.frameworks import shipped_framework
from fieldapp.mail.models import OutgoingMail
from fieldapp.method import Outcome
from fieldapp.privacy.services import anonymise
from fieldapp.supervisor_link import services
from fieldapp.supervisor_link.models import Pulse, Rating, SupervisorLink, SupervisorReport
from fieldapp.trajectories import services as trajectories

PULSE = {"going": "3", "attendance": "2", "attitude": "1", "line": "Komt soms te laat"}


def test_the_link_is_shown_once_with_its_qr_code_and_only_its_hash_is_kept(client, db, auth, make):
    world = make.world()
    auth.login(world.counsellor.email)
    base = f"/trajectories/{world.trajectory.id}/supervisor-link"
    assert 'data-link-state="none"' in client.get(base).get_data(as_text=True)
    assert 'data-confirm="new"' in client.get(f"{base}/new").get_data(as_text=True)

    page = client.post(f"{base}/new").get_data(as_text=True)
    link = page.split('data-share-link="')[1].split('"')[0]
    token = link.split("/s/")[1].split("?")[0]
    assert "<svg" in page  # the QR code
    stored = db.session.scalars(select(SupervisorLink)).one()
    assert stored.token_hash == hash_token(token)
    assert token not in str(stored.__dict__)
    auth.logout()
    assert client.get(f"/s/{token}").status_code == 200


def test_without_the_supervisors_e_mail_address_the_page_says_how_to_add_it(client, db, auth, make):
    """No promise of an e-mail the counsellor cannot send: the way to the contact instead."""
    world = make.world()
    world.contact.email = ""
    db.session.commit()
    auth.login(world.counsellor.email)
    page = client.get(f"/trajectories/{world.trajectory.id}/supervisor-link/new")
    text = page.get_data(as_text=True)
    assert "or e-mail it" not in text
    assert "supervisor-link/mail" not in text
    assert f'href="/worksites/contacts/{world.contact.id}"' in text
    assert "Add their e-mail address to e-mail it." in text

    world.contact.email = "sofie@werkplek.example"
    db.session.commit()
    text = client.get(f"/trajectories/{world.trajectory.id}/supervisor-link/new").get_data(
        as_text=True
    )
    assert "or e-mail it" in text
    assert "E-mail it to sofie@werkplek.example" in text


def test_a_new_link_stops_the_previous_one_and_stop_stops_it(client, db, auth, placement):
    world = placement.world
    auth.login(world.counsellor.email)
    base = f"/trajectories/{world.trajectory.id}/supervisor-link"
    client.post(f"{base}/new")
    assert client.get(placement.url).status_code == 410
    assert 'data-confirm="stop"' in client.get(f"{base}/stop").get_data(as_text=True)
    assert client.post(f"{base}/stop").status_code == 302
    link = services.link_of(world.trajectory)
    assert link.revoked_at is not None
    assert 'data-link-state="stopped"' in client.get(base).get_data(as_text=True)


def test_the_link_is_e_mailed_to_the_supervisor(client, db, auth, placement, sent_mail):
    world = placement.world
    auth.login(world.counsellor.email)
    response = client.post(f"/trajectories/{world.trajectory.id}/supervisor-link/mail")
    assert response.status_code == 302
    base = f"/trajectories/{world.trajectory.id}/supervisor-link"
    assert 'data-mail="queued"' in client.get(base).get_data(as_text=True)
    (message,) = [m for m in sent_mail() if m.to == "sofie@werkplek.example"]
    assert "Mina" in message.subject
    assert 'data-mail="sent"' in client.get(base).get_data(as_text=True)
    token = message.body.split("/s/")[1].split("?")[0].split()[0]
    auth.logout()
    assert client.get(f"/s/{token}").status_code == 200
    assert client.get(placement.url).status_code == 410  # the e-mailed one replaced it


def test_the_link_is_e_mailed_again_only_after_a_while(client, auth, placement, sent_mail, clock):
    """Each press mailed the supervisor's address (which the counsellor types) at once: a
    mailbox could be flooded from the OCMW's address."""
    world = placement.world
    auth.login(world.counsellor.email)
    base = f"/trajectories/{world.trajectory.id}/supervisor-link"
    for _ in range(4):
        assert client.post(f"{base}/mail").headers["Location"] == base
    page = client.get(base).get_data(as_text=True)
    assert "e-mailed less than a quarter of an hour ago" in page
    (message,) = [m for m in sent_mail() if m.to == "sofie@werkplek.example"]
    token = message.body.split("/s/")[1].split("?")[0].split()[0]
    assert client.get(f"/s/{token}").status_code == 200  # the mailed link still works

    clock.move_to(now_utc() + timedelta(minutes=16))
    client.post(f"{base}/mail")
    assert [m.to for m in sent_mail()].count("sofie@werkplek.example") == 2


def test_a_supervisor_is_written_to_in_a_language_their_page_speaks(db, placement):
    """The page speaks nl, fr and en; a supervisor noted as speaking Arabic gets the
    organisation's language rather than an e-mail whose link opens in another one."""
    contact = placement.world.contact
    contact.language = "fr"
    assert services.language_of(placement.world.trajectory) == "fr"
    contact.language = "ar"
    assert services.language_of(placement.world.trajectory) == "nl"


def test_no_link_without_a_supervisor_or_after_the_placement(client, db, auth, make):
    world = make.world()
    auth.login(world.counsellor.email)
    world.trajectory.supervisor_id = None
    db.session.commit()
    base = f"/trajectories/{world.trajectory.id}/supervisor-link"
    assert client.post(f"{base}/new").status_code == 409
    assert client.post(f"{base}/mail").status_code == 302  # the rule's message, flashed
    assert db.session.scalars(select(SupervisorLink)).all() == []


def test_pulses_over_time_on_the_placement_and_the_file_and_the_timeline(
    client, db, auth, placement, clock
):
    world = placement.world
    client.post(f"{placement.url}/pulse", data=PULSE)
    clock.shift(timedelta(days=35))
    client.post(f"{placement.url}/pulse", data={**PULSE, "attitude": "3", "line": ""})
    client.post(
        f"{placement.url}/report", data={"kind": "incident", "text": "Ruzie met een collega"}
    )
    assert len(db.session.scalars(select(Pulse)).all()) == 2

    auth.login(world.counsellor.email)
    placement_page = client.get(f"/trajectories/{world.trajectory.id}/supervisor-link").get_data(
        as_text=True
    )
    table = placement_page.split("data-pulses")[1].split("</table>")[0]
    assert table.count("<tr>") == 4  # the header, two months and one line
    assert 'data-rating="1"' in table
    assert 'data-rating="3"' in table
    assert "Komt soms te laat" in table
    assert "Ruzie met een collega" in placement_page

    file_page = client.get(f"/clients/{world.client.id}").get_data(as_text=True)
    assert "data-pulses" in file_page
    assert "Pulse from the floor supervisor" in file_page
    pulse = file_page.split("Pulse from the floor supervisor", 1)[1].split("</li>")[0]
    assert "How is it going?" in pulse  # each answer with its question
    assert "Attendance:" in pulse
    assert "Message from the floor supervisor" in file_page
    assert "Ruzie" not in file_page  # what was written is behind the placement's page


def test_the_evidence_of_the_next_evaluation_holds_the_pulses_and_reports(db, placement):
    world = placement.world
    link = services.link_of(world.trajectory)
    services.give_pulse(link, services.PulseAnswers(Rating.GOOD, Rating.MIXED, Rating.GOOD))
    services.report(
        link,
        services.ReportDraft(services.ReportKind.ABSENCE, on_day=today()),
    )
    db.session.commit()
    evaluation = next(e for e in world.trajectory.evaluations if e.done_on is None)
    evidence = gather(
        world.client, world.trajectory, evaluation, shipped_framework("nl"), None, "nl"
    )
    assert [p.going for p in evidence.supervisor.pulses] == [3]
    assert [r.kind for r in evidence.supervisor.reports] == ["absence"]

    trajectories.hold_evaluation(world.counsellor, evaluation, today(), "")
    db.session.commit()
    later = next(e for e in world.trajectory.evaluations if e.done_on is None)
    assert (
        gather(
            world.client, world.trajectory, later, shipped_framework("nl"), today(), "nl"
        ).supervisor.empty
        is False
    )  # the same day still counts for the one held that day


def test_the_monthly_reminder_goes_once_to_supervisors_without_a_pulse(
    app, db, make, placement, sent_mail, clock
):
    world = placement.world
    other = make.world(world.organisation)  # a link to a supervisor without an address
    with app.test_request_context():
        services.renew(other.counsellor, other.trajectory)
    db.session.commit()
    day = today()
    twentieth = day.replace(day=20) if day.day < 20 else day
    clock.move_to(now_utc() + timedelta(days=(twentieth - day).days))
    with app.test_request_context():
        assert services.remind_pulses() == 1
        db.session.commit()
        assert services.remind_pulses() == 0
    (message,) = [m for m in sent_mail() if m.to == "sofie@werkplek.example"]
    assert "Mina" in message.subject
    assert "/s/" not in message.body  # only the hash is kept: the reminder cannot carry it


def test_no_reminder_before_the_twentieth_or_after_a_pulse(app, db, placement, clock):
    link = services.link_of(placement.world.trajectory)
    day = today()
    if day.day >= 20:
        first = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
        clock.move_to(now_utc() + timedelta(days=(first - day).days))
    with app.test_request_context():
        assert services.remind_pulses() == 0
    services.give_pulse(link, services.PulseAnswers(Rating.GOOD, Rating.GOOD, Rating.GOOD))
    db.session.commit()
    clock.move_to(now_utc() + timedelta(days=20 - today().day))
    with app.test_request_context():
        assert services.remind_pulses() == 0


def test_anonymising_erases_what_the_supervisor_wrote(db, placement):
    world = placement.world
    link = services.link_of(world.trajectory)
    services.give_pulse(
        link, services.PulseAnswers(Rating.GOOD, Rating.GOOD, Rating.GOOD, "Qzwyx zegt")
    )
    services.report(link, services.ReportDraft(services.ReportKind.QUESTION, text="Qzwyx vraagt"))
    db.session.commit()
    trajectories.end(world.counsellor, world.trajectory, today(), Outcome.REGULAR_JOB)
    anonymise(world.counsellor, world.client)
    db.session.commit()
    assert db.session.scalars(select(Pulse.line)).all() == [""]
    assert db.session.scalars(select(SupervisorReport.text)).all() == [""]
    assert db.session.scalars(select(SupervisorLink)).all() == []
    assert not [m for m in db.session.scalars(select(OutgoingMail)) if "Qzwyx" in (m.body or "")]


def test_the_evaluation_page_shows_what_the_supervisor_said(client, db, auth, placement):
    world = placement.world
    client.post(f"{placement.url}/pulse", data=PULSE)
    client.post(f"{placement.url}/report", data={"kind": "question", "text": "Vrijdag vrij?"})
    evaluation = next(e for e in world.trajectory.evaluations if e.done_on is None)
    auth.login(world.counsellor.email)
    page = client.get(f"/evaluations/{evaluation.id}/record").get_data(as_text=True)
    section = page.split("data-supervisor-evidence")[1].split("</section>")[0]
    assert "Komt soms te laat" in section
    assert "Vrijdag vrij?" in section


def test_another_supervisor_on_the_placement_does_not_inherit_the_link(
    client, db, auth, make, placement
):
    world = placement.world
    successor = make.contact(world.counsellor, world.worksite, name="Karim Chef")
    world.trajectory.supervisor_id = successor.id
    db.session.commit()
    refused = client.get(f"{placement.url}?lang=en")
    assert refused.status_code == 410
    auth.login(world.counsellor.email)
    page = client.get(f"/trajectories/{world.trajectory.id}/supervisor-link")
    assert 'data-link-state="other-supervisor"' in page.get_data(as_text=True)


def test_opening_the_placement_reads_its_notices(client, db, auth, placement):
    from fieldapp.reminders.models import Reminder

    world = placement.world
    client.post(f"{placement.url}/report", data={"kind": "question", "text": "Vrijdag vrij?"})
    auth.login(world.counsellor.email)
    client.get(f"/trajectories/{world.trajectory.id}/supervisor-link")
    notice = db.session.scalars(select(Reminder).where(Reminder.kind == "supervisor")).one()
    assert notice.done_at is not None


def test_the_subject_access_export_holds_what_the_supervisor_said(client, db, auth, placement):
    import io
    import json
    import zipfile

    world = placement.world
    client.post(f"{placement.url}/pulse", data=PULSE)
    client.post(f"{placement.url}/report", data={"kind": "question", "text": "Vrijdag vrij?"})
    auth.login(world.counsellor.email)
    response = client.get(f"/clients/{world.client.id}/export")
    data = json.loads(zipfile.ZipFile(io.BytesIO(response.data)).read("client.json"))
    assert [p["line"] for p in data["supervisor_pulses"]] == ["Komt soms te laat"]
    assert [r["text"] for r in data["supervisor_reports"]] == ["Vrijdag vrij?"]
    assert {r["kind"] for r in data["reminders"]} >= {"supervisor"}


def test_the_clients_file_says_whether_the_supervisor_has_a_link(client, db, auth, make):
    world = make.world()
    auth.login(world.counsellor.email)
    base = f"/trajectories/{world.trajectory.id}/supervisor-link"

    def file_link() -> str:
        page = client.get(f"/clients/{world.client.id}").get_data(as_text=True)
        return page.split("data-supervisor-link-page>", 1)[1].split("</a>", 1)[0]

    assert file_link() == "Give the floor supervisor a link"
    client.post(f"{base}/new")
    assert file_link() == "The link, the pulses and what the supervisor reported"
    client.post(f"{base}/stop")
    assert file_link() == "Give the floor supervisor a link"
