"""The contact rhythm: "no contact for N days" as a moment of the one agenda."""

from __future__ import annotations

import uuid
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from fieldapp.auth.roles import Role
from fieldapp.common.dates import today
from fieldapp.common.time import now_utc
from fieldapp.contact_moments import rhythm, services
from fieldapp.method import Scheme
from fieldapp.method import rhythm as organisation_rhythm
from fieldapp.reminders import agenda
from fieldapp.reminders.models import Reminder, ReminderStatus
from fieldapp.trajectories import services as trajectories
from fieldapp.visits import services as visits
from fieldapp.visits.models import VisitStatus
from tests.factories import days_from_today


@pytest.fixture
def counsellor(make):
    return make.user(email="an@example.org", name="An")


@pytest.fixture
def admin(make, counsellor):
    return make.user(counsellor.organisation, role=Role.ADMIN, email="admin@example.org")


def set_rhythm(db, admin, **per_phase):
    """The organisation's rhythm, e.g. ``phase_1=14``; the agenda follows as on the admin page."""
    organisation_rhythm.save(admin, {int(k.split("_")[1]): v for k, v in per_phase.items()})
    agenda.plan_organisation(admin.organisation_id)
    db.session.commit()


def contact_rows(db, person):
    return db.session.scalars(
        select(Reminder)
        .where(Reminder.client_id == person.id, Reminder.kind == agenda.CONTACT)
        .order_by(Reminder.id)
    ).all()


def open_moments(db, person) -> list:
    return [
        row.moment
        for row in contact_rows(db, person)
        if row.status != ReminderStatus.CANCELLED.value and row.done_at is None
    ]


def contact(db, counsellor, person, days_ago: int, reached: bool = True):
    services.record(
        counsellor,
        person,
        services.parse(
            {
                "uuid": str(uuid.uuid4()),
                "kind": "phone_call",
                "reached": reached,
                "happened_at": (now_utc() - timedelta(days=days_ago)).isoformat(),
            }
        ),
    )
    db.session.commit()


def started(make, counsellor, days_ago: int, name: str = "Nora"):
    person = make.client(counsellor, name, "Rhythm")
    # a scheme without evaluation moments or contract reminders: only the rhythm is due
    trajectory = make.trajectory(
        counsellor, person, scheme=Scheme.OTHER, started_on=days_from_today(-days_ago)
    )
    return person, trajectory


def test_no_rhythm_is_shipped(db, make, counsellor):
    person, _ = started(make, counsellor, 100)
    assert contact_rows(db, person) == []


def test_the_organisations_rhythm_per_phase_and_a_new_contact_moves_the_moment(
    db, make, counsellor, admin
):
    person, trajectory = started(make, counsellor, 100)
    set_rhythm(db, admin, phase_1=14, phase_3=7)
    # no contact yet: the rhythm runs from the trajectory's start; already late, kept in the app
    (row,) = contact_rows(db, person)
    assert row.moment == trajectory.started_on + timedelta(days=15)
    assert row.channel == agenda.LATE
    assert row.user_id == counsellor.id
    contact(db, counsellor, person, days_ago=3)
    assert open_moments(db, person) == [days_from_today(-3 + 15)]
    # a call that did not reach the client is recorded but does not reset the rhythm
    contact(db, counsellor, person, days_ago=1, reached=False)
    assert open_moments(db, person) == [days_from_today(-3 + 15)]
    # the rhythm follows the phase
    trajectories.change_phase(counsellor, trajectory, 3)
    db.session.commit()
    assert open_moments(db, person) == [days_from_today(-3 + 8)]
    trajectories.change_phase(counsellor, trajectory, 2)
    db.session.commit()
    assert open_moments(db, person) == []


def test_a_client_of_their_own_rhythm(db, make, counsellor, admin):
    person, _ = started(make, counsellor, 100)
    set_rhythm(db, admin, phase_1=14)
    contact(db, counsellor, person, days_ago=2)
    rhythm.set_rhythm(counsellor, person, 30)
    db.session.commit()
    assert open_moments(db, person) == [days_from_today(-2 + 31)]
    assert rhythm.rhythm_of(person) == (30, 30)
    rhythm.set_rhythm(counsellor, person, None)
    db.session.commit()
    assert open_moments(db, person) == [days_from_today(-2 + 15)]
    # a rhythm of one's own also applies where the phase has none
    set_rhythm(db, admin, phase_1=None)
    assert open_moments(db, person) == []
    rhythm.set_rhythm(counsellor, person, 10)
    db.session.commit()
    assert open_moments(db, person) == [days_from_today(-2 + 11)]


def test_a_visit_marked_done_counts_as_a_contact(db, make, counsellor, admin):
    person, _ = started(make, counsellor, 100)
    set_rhythm(db, admin, phase_1=14)
    visit = visits.plan(counsellor, person, visits.VisitPlan(days_from_today(-1), time(10), 60, ""))
    db.session.commit()
    assert open_moments(db, person) == [days_from_today(-100 + 15)]  # planned is not done
    visits.set_status(counsellor, visit, VisitStatus.DONE)
    db.session.commit()
    assert open_moments(db, person) == [days_from_today(-1 + 15)]


def test_due_contacts_show_in_needs_attention_on_home_and_as_reminders(
    client, auth, db, make, counsellor, admin
):
    started(make, counsellor, 100, "Laat")
    soon, _ = started(make, counsellor, 100, "Binnenkort")
    calm, _ = started(make, counsellor, 100, "Rustig")
    set_rhythm(db, admin, phase_1=14)
    contact(db, counsellor, soon, days_ago=10)  # due in five days: this week, not yet late
    contact(db, counsellor, calm, days_ago=1)  # due in two weeks
    auth.login("an@example.org")
    attention = client.get("/clients/?attention=y").get_data(as_text=True)
    assert "Laat Rhythm" in attention
    assert "Binnenkort Rhythm" not in attention
    assert "Rustig Rhythm" not in attention
    home = client.get("/").get_data(as_text=True)
    assert home.count("data-no-contact") == 2
    assert "Laat Rhythm" in home
    assert "Binnenkort Rhythm" in home
    assert "Rustig Rhythm" not in home
    # the coming one is a reminder that will be pushed on its day, to the counsellor
    row = contact_rows(db, soon)[-1]  # the late one before the contact is cancelled
    assert contact_rows(db, soon)[0].status == ReminderStatus.CANCELLED.value
    assert (row.status, row.channel, row.user_id) == ("pending", "", counsellor.id)
    assert row.moment == today() + timedelta(days=5)
    centre = client.get("/notifications").get_data(as_text=True)
    assert "No recent contact" in centre


def test_the_admin_sets_the_rhythm_per_phase(client, auth, db, make, counsellor, admin):
    person, _ = started(make, counsellor, 100)
    auth.login("admin@example.org")
    page = client.get("/admin/reminders").get_data(as_text=True)
    assert "rhythm__3" in page
    form = {f"rhythm__{phase}": "" for phase in range(1, 6)}
    response = client.post("/admin/reminders/contact-rhythm", data={**form, "rhythm__1": "abc"})
    assert response.status_code == 422
    assert "Use a whole number of days" in response.get_data(as_text=True)
    response = client.post("/admin/reminders/contact-rhythm", data={**form, "rhythm__1": "999"})
    assert response.status_code == 422
    assert organisation_rhythm.of_organisation(admin.organisation_id)[1] is None
    response = client.post("/admin/reminders/contact-rhythm", data={**form, "rhythm__1": "14"})
    assert response.status_code == 302
    assert organisation_rhythm.of_organisation(admin.organisation_id)[1] == 14
    assert open_moments(db, person) == [days_from_today(-100 + 15)]
    auth.logout()
    auth.login("an@example.org")
    assert client.post("/admin/reminders/contact-rhythm", data=form).status_code == 403


def test_the_counsellor_sets_a_rhythm_on_the_file(client, auth, db, make, counsellor):
    person, _ = started(make, counsellor, 100)
    auth.login("an@example.org")
    url = f"/clients/{person.id}/contacts/rhythm"
    assert client.post(url, data={"days": "0"}).status_code == 422
    assert client.post(url, data={"days": "twee"}).status_code == 422
    assert rhythm.rhythm_of(person) == (None, None)
    assert client.post(url, data={"days": "21"}).status_code == 302
    assert rhythm.rhythm_of(person) == (21, 21)
    page = client.get(f"/clients/{person.id}/contacts").get_data(as_text=True)
    assert "Seen at least every 21 days." in page
    assert open_moments(db, person) == [days_from_today(-100 + 22)]
