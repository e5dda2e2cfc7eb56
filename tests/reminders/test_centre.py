"""The notification centre, one's notification settings and the administrator's rules page."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from fieldapp.auth.roles import Role
from fieldapp.common.dates import today
from fieldapp.common.time import now_utc
from fieldapp.method import rules
from fieldapp.method.models import ReminderRule
from fieldapp.method.rules import RuleKind
from fieldapp.reminders import agenda, preferences
from fieldapp.reminders.models import Reminder
from tests.query_counts import queries_for


def test_due_reminders_show_with_their_client_and_a_count_in_the_top_bar(client, auth, make, db):
    world = make.world()
    # The world's file was entered after some of its moments: they are due, late, in the app.
    late = db.session.scalar(
        select(func.count()).where(
            Reminder.user_id == world.counsellor.id, Reminder.channel == agenda.LATE
        )
    )
    assert late > 0
    upcoming = make.reminder(world.counsellor, world.client, today() + timedelta(days=5))
    overdue = make.reminder(world.counsellor, world.client, today() - timedelta(days=2))
    auth.login(world.counsellor.email)
    page = client.get("/notifications").get_data(as_text=True)
    due_part, later_part = page.split("data-upcoming", 1)
    assert world.client.full_name in due_part
    assert f"/notifications/{overdue.id}/done" in due_part
    assert f"/notifications/{upcoming.id}/done" in later_part
    assert "overdue" in due_part
    home = client.get("/").get_data(as_text=True)
    # World's own reminder, its late moments and the overdue one; not the upcoming one.
    assert f'class="badge" aria-hidden="true">{late + 2}<' in home


def test_done_and_snooze(client, auth, make, db):
    world = make.world()
    reminder = world.reminder
    reminder.event_on = today() + timedelta(days=3)  # so that tomorrow is not past its moment
    db.session.commit()
    auth.login(world.counsellor.email)
    response = client.post(f"/notifications/{reminder.id}/snooze", data={"until": "next year"})
    assert response.status_code == 400
    response = client.post(f"/notifications/{reminder.id}/snooze", data={"until": "tomorrow"})
    assert response.status_code == 302
    db.session.expire_all()
    snoozed = db.session.get(Reminder, reminder.id)
    assert snoozed.status == "pending"
    assert snoozed.next_attempt_at == snoozed.snoozed_until
    assert snoozed.snoozed_until.astimezone().date() >= today()
    due, coming = client.get("/notifications").get_data(as_text=True).split("data-upcoming", 1)
    assert f"/notifications/{reminder.id}/done" not in due  # not due until then,
    assert f"/notifications/{reminder.id}/done" in coming  # but still in sight

    response = client.post(f"/notifications/{reminder.id}/done", data={})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Reminder, reminder.id).done_at is not None
    assert "data-done" in client.get("/notifications").get_data(as_text=True)


def test_what_is_due_comes_a_page_at_a_time_oldest_first(client, auth, make, db):
    user = make.user()
    patient = make.client(counsellor=user)
    due = [
        make.reminder(user, patient, today() - timedelta(days=40 - n)) for n in range(30)
    ]  # oldest first
    upcoming = make.reminder(user, patient, today() + timedelta(days=3))
    auth.login(user.email)

    first = client.get("/notifications").get_data(as_text=True)
    shown, coming = first.split("data-upcoming", 1)
    assert [r.id for r in due if f"/notifications/{r.id}/done" in shown] == [r.id for r in due[:25]]
    assert f"/notifications/{upcoming.id}/done" in coming  # what comes is on every page
    assert 'href="/notifications?page=2"' in shown
    assert 'class="badge" aria-hidden="true">30<' in first  # the bell counts them all

    second = client.get("/notifications?page=2").get_data(as_text=True).split("data-upcoming")[0]
    assert [r.id for r in due if f"/notifications/{r.id}/done" in second] == [
        r.id for r in due[25:]
    ]
    assert 'href="/notifications?page=1"' in second
    assert 'href="/notifications?page=3"' not in second

    beyond = client.get("/notifications?page=9")
    assert beyond.status_code == 200
    assert "Nothing more on this page." in beyond.get_data(as_text=True)
    assert client.get("/notifications?page=-3").status_code == 200


def test_the_page_costs_the_same_queries_however_many_reminders(app, client, auth, make, db):
    """A few reminders, or pages of them of every kind (due, coming, snoozed, done, about
    visits, other clients' files): as many SQL statements."""
    world = make.world()
    visit_reminder = make.reminder(world.counsellor, world.client, today() + timedelta(days=1))
    visit_reminder.kind, visit_reminder.subject_id = RuleKind.VISIT.value, world.visit.id
    db.session.commit()
    auth.login(world.counsellor.email)
    few = [queries_for(app, client, url) for url in ("/notifications", "/notifications?page=2")]
    kinds = [RuleKind.VISIT, RuleKind.REFERRAL, RuleKind.EVALUATION, RuleKind.AFTERCARE]
    for number in range(60):
        other = make.client(world.counsellor) if number % 10 == 0 else world.client
        day = today() + timedelta(days=number % 30 - 15)
        reminder = make.reminder(world.counsellor, other, day)
        reminder.kind = kinds[number % 4].value
        if reminder.kind == RuleKind.VISIT:
            reminder.subject_id = world.visit.id
        if number % 7 == 0:
            reminder.snoozed_until = now_utc() + timedelta(hours=number)
        if number % 9 == 0:
            reminder.done_at = now_utc() - timedelta(days=1)
    db.session.commit()
    many = [queries_for(app, client, url) for url in ("/notifications", "/notifications?page=2")]
    assert "data-done" in client.get("/notifications").get_data(as_text=True)
    assert many == few


def test_someone_elses_reminder_is_not_found(client, auth, make):
    world = make.world()
    colleague = make.user(world.organisation)
    auth.login(colleague.email)
    response = client.post(f"/notifications/{world.reminder.id}/done", data={})
    assert response.status_code == 404


def test_quiet_hours_digest_and_email_are_saved(client, auth, make, db):
    user = make.user()
    auth.login(user.email)
    page = client.get("/settings/notifications").get_data(as_text=True)
    assert 'value="20:00"' in page
    assert page.split("<title>")[1].split("</title>")[0].strip().startswith("Notifications")
    assert "<" not in page.split("<title>")[1].split("</title>")[0]
    response = client.post(
        "/settings/notifications",
        data={
            "quiet_from": "22:00",
            "quiet_until": "06:30",
            "digest": "y",
            "email_fallback": "y",
        },
    )
    assert response.status_code == 302
    saved = preferences.of_user(user)
    assert (saved.quiet_from.hour, saved.quiet_until.minute) == (22, 30)
    assert saved.digest
    assert saved.email_fallback
    assert not saved.quiet_weekends

    response = client.post("/settings/notifications", data={"quiet_from": "25:99"})
    assert response.status_code == 422
    assert preferences.of_user(user).quiet_from.hour == 22  # nothing saved is lost


def test_admins_set_the_rules_and_see_what_failed(client, auth, make, db):
    admin = make.user(role=Role.ADMIN)
    auth.login(admin.email)
    page = client.get("/admin/reminders").get_data(as_text=True)
    assert 'value="1, 3, 6, 12, 18"' in page
    form = {}
    for kind, scheme in rules.slots():
        name = f"{kind.value}__{scheme.value}" if scheme else kind.value
        form[name] = ", ".join(map(str, rules.default(kind, scheme)))
    form["visit"] = "2, 1"
    form["contract_end__art60"] = "4; 2"

    response = client.post("/admin/reminders", data={**form, "aftercare__twe": "3, x"})
    assert response.status_code == 422
    assert "Use whole numbers from 0 to 36" in response.get_data(as_text=True)
    assert db.session.scalars(select(ReminderRule)).all() == []

    assert client.post("/admin/reminders", data=form).status_code == 302
    saved = rules.of_organisation(admin.organisation_id)
    assert saved.of(RuleKind.VISIT) == (1, 2)
    assert saved.of(RuleKind.CONTRACT_END, "art60") == (2, 4)
    stored = {(r.kind, r.scheme): r.offsets for r in db.session.scalars(select(ReminderRule))}
    assert stored == {("visit", ""): [1, 2], ("contract_end", "art60"): [2, 4]}  # not defaults


def test_counsellors_cannot_change_rules(client, auth, make):
    user = make.user()
    auth.login(user.email)
    assert client.get("/admin/reminders").status_code == 403
