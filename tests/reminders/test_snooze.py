"""Snoozing in the notification centre: never past the moment a reminder is about, and a snoozed
reminder stays in sight under what is coming, with when it comes back."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import select

from fieldapp.auth.models import User
from fieldapp.common.dates import today
from fieldapp.common.time import now_utc
from fieldapp.reminders.agenda import due_at
from fieldapp.reminders.models import Reminder
from fieldapp.visits import services as visit_services
from fieldapp.visits.models import Visit
from tests.reminders.conftest import refreshed


def visit_tomorrow(make: Any, db: Any, at: time = time(10)) -> tuple[User, Visit, Reminder]:
    """A visit tomorrow, planned as in the app: its reminder (a day ahead) is due today."""
    counsellor = make.user()
    person = make.client(counsellor)
    visit = visit_services.plan(
        counsellor,
        person,
        visit_services.VisitPlan(today() + timedelta(days=1), at, 60, ""),
    )
    db.session.commit()
    reminder = db.session.scalars(
        select(Reminder).where(Reminder.kind == "visit", Reminder.subject_id == visit.id)
    ).one()
    assert reminder.moment == today()
    return counsellor, visit, reminder


def reminder_about(db: Any, user: User, moment_in: int, event_in: int) -> Reminder:
    """A feedback-deadline reminder due in ``moment_in`` days about a day ``event_in`` days away."""
    moment = today() + timedelta(days=moment_in)
    reminder = Reminder(
        organisation_id=user.organisation_id,
        key=f"feedback:{user.id}{moment_in}{event_in}:{moment:%Y%m%d}",
        kind="feedback",
        scope="",
        subject_id=user.id,
        user_id=user.id,
        moment=moment,
        event_on=today() + timedelta(days=event_in),
        next_attempt_at=due_at(moment),
    )
    db.session.add(reminder)
    db.session.commit()
    return reminder


def snooze_form(page: str, reminder: Reminder) -> str:
    """The snooze form of one reminder on the centre page ('' when it has none)."""
    action = f'action="/notifications/{reminder.id}/snooze"'
    return page.split(action, 1)[1].split("</form>", 1)[0] if action in page else ""


def parts(client: Any) -> tuple[str, str]:
    """The centre page cut in two: what is due now, and what is coming."""
    page = client.get("/notifications").get_data(as_text=True)
    due, _, coming = page.partition('id="upcoming-heading"')
    return due, coming


def test_a_weeks_snooze_of_a_visit_reminder_comes_back_before_the_visit(
    client, auth, make, db, clock
):
    counsellor, visit, reminder = visit_tomorrow(make, db)
    auth.login(counsellor.email)

    response = client.post(f"/notifications/{reminder.id}/snooze", data={"until": "week"})

    assert response.status_code == 302
    snoozed = refreshed(db, reminder)
    assert now_utc() < snoozed.snoozed_until < visit.starts_at
    assert snoozed.next_attempt_at == snoozed.snoozed_until
    page = client.get("/notifications").get_data(as_text=True)
    assert "later would be after the moment it is about" in page  # it says so

    clock.move_to(snoozed.snoozed_until + timedelta(minutes=1))
    auth.login(counsellor.email)  # the session of the day before has run out
    due, _ = parts(client)
    assert f"/notifications/{reminder.id}/done" in due  # back before the visit


def test_only_choices_before_the_visit_are_offered(client, auth, make, db):
    counsellor, _, reminder = visit_tomorrow(make, db)
    auth.login(counsellor.email)

    form = snooze_form(client.get("/notifications").get_data(as_text=True), reminder)

    assert 'value="tomorrow"' in form  # the visit's morning, before it starts
    assert 'value="hour"' in form
    assert 'value="week"' not in form


def test_an_early_visit_is_not_snoozed_to_the_morning_after_it_started(client, auth, make, db):
    counsellor, visit, reminder = visit_tomorrow(make, db, at=time(7, 30))
    auth.login(counsellor.email)

    form = snooze_form(client.get("/notifications").get_data(as_text=True), reminder)
    assert 'value="tomorrow"' not in form  # 08:00 is after a 07:30 visit
    assert 'value="week"' not in form

    client.post(f"/notifications/{reminder.id}/snooze", data={"until": "tomorrow"})
    assert refreshed(db, reminder).snoozed_until < visit.starts_at


def test_no_snooze_when_the_visit_is_about_to_start(client, auth, make, db, clock):
    counsellor, visit, reminder = visit_tomorrow(make, db)
    clock.move_to(visit.starts_at - timedelta(minutes=30))
    auth.login(counsellor.email)

    due, _ = parts(client)
    assert f"/notifications/{reminder.id}/done" in due
    assert snooze_form(due, reminder) == ""
    assert "can no longer be snoozed" in due

    response = client.post(f"/notifications/{reminder.id}/snooze", data={"until": "hour"})
    assert response.status_code == 409
    assert "can no longer be snoozed" in response.get_data(as_text=True)
    assert refreshed(db, reminder).snoozed_until is None  # nothing changed


def test_a_week_is_cut_to_the_morning_of_the_day_a_reminder_is_about(client, auth, make, db):
    user = make.user()
    reminder = reminder_about(db, user, moment_in=0, event_in=3)
    auth.login(user.email)

    form = snooze_form(client.get("/notifications").get_data(as_text=True), reminder)
    assert 'value="day"' in form
    assert 'value="week"' not in form

    client.post(f"/notifications/{reminder.id}/snooze", data={"until": "week"})  # an old page
    assert refreshed(db, reminder).snoozed_until == due_at(today() + timedelta(days=3))


def test_an_overdue_reminder_is_not_snoozed_further(client, auth, make, db):
    user = make.user()
    reminder = reminder_about(db, user, moment_in=-3, event_in=-1)
    auth.login(user.email)

    due, _ = parts(client)
    assert f"/notifications/{reminder.id}/done" in due
    assert snooze_form(due, reminder) == ""
    response = client.post(f"/notifications/{reminder.id}/snooze", data={"until": "tomorrow"})
    assert response.status_code == 409


def test_a_snooze_never_brings_a_reminder_earlier_than_it_was_due(client, auth, make, db):
    user = make.user()
    reminder = reminder_about(db, user, moment_in=3, event_in=10)
    auth.login(user.email)

    form = snooze_form(client.get("/notifications").get_data(as_text=True), reminder)

    assert 'value="hour"' not in form
    assert 'value="tomorrow"' not in form
    assert 'value="week"' in form


def test_a_snoozed_reminder_waits_under_coming_up_with_when_it_comes_back(
    client, auth, make, db, clock
):
    user = make.user()
    reminder = reminder_about(db, user, moment_in=0, event_in=5)
    auth.login(user.email)
    assert 'class="badge" aria-hidden="true">1<' in client.get("/").get_data(as_text=True)

    client.post(f"/notifications/{reminder.id}/snooze", data={"until": "tomorrow"})

    until = refreshed(db, reminder).snoozed_until
    assert until == due_at(today() + timedelta(days=1))
    due, coming = parts(client)
    assert f"/notifications/{reminder.id}/done" not in due
    assert f"/notifications/{reminder.id}/done" in coming
    assert "Snoozed until" in coming
    assert 'class="badge"' not in client.get("/").get_data(as_text=True)  # nothing due now

    clock.move_to(until)
    auth.login(user.email)
    due, coming = parts(client)
    assert f"/notifications/{reminder.id}/done" in due
    assert "Snoozed until" not in coming


def test_a_reminder_about_the_last_day_of_the_calendar_still_shows_and_snoozes(
    client, auth, make, db
):
    """Old or imported data can hold 9999-12-31; the centre must not fail on it."""
    user = make.user()
    reminder = reminder_about(db, user, moment_in=0, event_in=0)
    reminder.event_on = date.max
    db.session.commit()
    auth.login(user.email)

    assert client.get("/notifications").status_code == 200
    response = client.post(f"/notifications/{reminder.id}/snooze", data={"until": "week"})
    assert response.status_code == 302
    assert refreshed(db, reminder).snoozed_until == due_at(today() + timedelta(days=7))


def test_a_reminder_told_on_its_own_day_is_not_called_too_late_two_weeks_ahead(
    client, auth, make, db
):
    """A goal due in ten days, told on that day: no snooze fits before it, because it is not
    needed yet. The page says when it comes, not that its moment is "near or past"."""
    user = make.user()
    reminder = reminder_about(db, user, moment_in=10, event_in=10)
    auth.login(user.email)

    due, coming = parts(client)
    item = coming.split(f'action="/notifications/{reminder.id}/done"', 1)[1].split("</li>", 1)[0]
    assert snooze_form(coming, reminder) == ""
    assert "can no longer be snoozed" not in item
    day = today() + timedelta(days=10)
    assert f"You will be reminded on {day:%A} {day.day} {day:%B}." in item

    # Its day come, a reminder has the choices of any due one: one about a day still three days
    # away can wait until tomorrow, whatever the hour.
    other = reminder_about(db, user, moment_in=0, event_in=3)
    due, _ = parts(client)
    assert 'value="tomorrow"' in snooze_form(due, other)
    assert "You will be reminded on" not in due
