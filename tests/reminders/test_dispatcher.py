"""The dispatcher against a local push service: each push once, what every answer of the push
service does, crashes, quiet hours, the digest, and the e-mail fallback."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.mail.models import OutgoingMail
from fieldapp.reminders import preferences, push
from fieldapp.reminders.agenda import DIGEST
from fieldapp.reminders.dispatcher import LEASE, MAX_ATTEMPTS, Dispatcher
from fieldapp.reminders.models import PushSubscription, Reminder, ReminderStatus
from tests.reminders.conftest import TUESDAY_9, due_reminder, refreshed


@pytest.fixture
def counsellor(make, client, service):
    return make.user(email="an@example.org", name="An Peeters")


def allow(db, user, service) -> PushSubscription:
    from fieldapp.auth import sessions
    from fieldapp.reminders import devices

    if user.session_record is None:  # signed in on the phone, kept (the clock moves on by days)
        sessions.open_session(user, remember=True)
    device = devices.subscribe(user, service.subscription(), "phone")
    db.session.commit()
    return device


def test_a_due_reminder_is_pushed_once_with_its_key_as_topic_and_tag(
    db, counsellor, service, dispatcher
):
    allow(db, counsellor, service)
    reminder = due_reminder(db, counsellor, scope="client:7")
    later = due_reminder(db, counsellor, at=TUESDAY_9 + timedelta(hours=2))

    report = dispatcher()
    assert (report.claimed, report.sent) == (1, 1)
    assert dispatcher().claimed == 0  # sent is sent

    (delivery,) = service.received()
    assert service.problems == []
    assert delivery.payload == {
        "title": "Evaluatiemoment",  # in the counsellor's language: the organisation's Dutch
        "body": "Een evaluatiemoment staat gepland.",
        "url": f"/evaluations/{reminder.subject_id}",
        "tag": reminder.key,
    }
    assert delivery.headers["topic"] == push.topic_of(reminder.key)
    fresh = refreshed(db, reminder)
    assert (fresh.status, fresh.channel, fresh.attempts) == ("sent", "push", 1)
    assert fresh.sent_at == TUESDAY_9
    assert fresh.lease_until is None
    assert refreshed(db, later).status == "pending"


def test_the_payload_names_nobody(db, make, service, dispatcher):
    world = make.world()
    db.session.delete(world.device)  # made up keys: it cannot be encrypted for
    allow(db, world.counsellor, service)
    for reminder in db.session.scalars(select(Reminder)):
        reminder.next_attempt_at = TUESDAY_9
    db.session.commit()
    dispatcher()
    deliveries = service.received()
    assert deliveries
    for delivery in deliveries:
        text = str(delivery.payload)
        assert world.client.first_name not in text
        assert world.client.last_name not in text
        assert world.worksite.name not in text
        assert "CAW" not in text
        assert len(delivery.payload["body"]) < 80


@pytest.mark.parametrize("status", [404, 410])
def test_a_forgotten_device_is_removed_and_the_reminder_stays_in_the_app(
    db, counsellor, service, dispatcher, status
):
    allow(db, counsellor, service)
    reminder = due_reminder(db, counsellor)
    service.answer_next(status)
    dispatcher()
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0
    fresh = refreshed(db, reminder)
    assert (fresh.status, fresh.channel) == ("sent", "app")  # tried again without the device


def test_a_forgotten_device_falls_back_to_email_when_chosen(
    db, counsellor, service, dispatcher, sent_mail
):
    preferences.save(counsellor, preferences.Preferences(email_fallback=True))
    db.session.commit()
    reminder = due_reminder(db, counsellor, scope="client:7")
    dispatcher()
    fresh = refreshed(db, reminder)
    assert (fresh.status, fresh.channel) == ("sent", "mail_queue")  # handed over, not delivered
    (queued,) = db.session.scalars(
        select(OutgoingMail).where(OutgoingMail.about_kind == "reminder")
    ).all()
    assert (queued.status, queued.about_kind, queued.about_id) == (
        "queued",
        "reminder",
        reminder.id,
    )
    (mail,) = sent_mail()
    assert mail.to == "an@example.org"
    assert "Een evaluatiemoment staat gepland." in mail.body
    assert f"http://localhost/evaluations/{reminder.subject_id}" in mail.body


def test_refused_payload_fails_with_the_reason_for_the_admin(db, counsellor, service, dispatcher):
    device = allow(db, counsellor, service)
    reminder = due_reminder(db, counsellor)
    service.answer_next(413)
    report = dispatcher()
    assert report.failed == 1
    fresh = refreshed(db, reminder)
    assert fresh.status == "failed"
    assert fresh.last_error == "HTTP 413"  # the status only, never what the service answered
    assert db.session.get(PushSubscription, device.id).last_error == "HTTP 413"
    assert dispatcher().claimed == 0  # not retried


def test_busy_push_service_is_retried_after_what_it_asked(db, counsellor, service, dispatcher):
    allow(db, counsellor, service)
    reminder = due_reminder(db, counsellor)
    service.answer_next(429, Retry_After="600")
    report = dispatcher()
    assert report.retried == 1
    fresh = refreshed(db, reminder)
    assert fresh.status == "pending"
    assert fresh.next_attempt_at == TUESDAY_9 + timedelta(seconds=600)
    assert dispatcher(TUESDAY_9 + timedelta(seconds=599)).claimed == 0
    assert dispatcher(TUESDAY_9 + timedelta(seconds=600)).sent == 1
    assert [d.status for d in service.deliveries] == [429, 201]
    assert len({d.headers["topic"] for d in service.deliveries}) == 1


def test_server_errors_back_off_and_give_up(db, counsellor, service, dispatcher):
    allow(db, counsellor, service)
    reminder = due_reminder(db, counsellor)
    now, waits = TUESDAY_9, []
    for _ in range(MAX_ATTEMPTS):
        service.answer_next(500)
        dispatcher(now)
        fresh = refreshed(db, reminder)
        if fresh.status != "pending":
            break
        waits.append(fresh.next_attempt_at - now)
        now = fresh.next_attempt_at
    assert waits == [timedelta(minutes=2**n) for n in range(MAX_ATTEMPTS - 1)]
    assert fresh.status == "failed"
    assert fresh.last_error.startswith(f"gave up after {MAX_ATTEMPTS} attempts")


def test_a_crash_after_sending_resends_with_the_same_topic_when_the_lease_ends(
    app, db, counsellor, service
):
    from fieldapp.reminders import vapid

    vapid.create(app)
    allow(db, counsellor, service)
    reminder = due_reminder(db, counsellor)
    crashed = Dispatcher(app, workers=1)
    with app.test_request_context():
        found, jobs = crashed.claim(TUESDAY_9, "crashed", report := crashed_report())
        for job in jobs:
            crashed.send(job)  # ... and the process dies before marking
        assert (found, report.claimed) == (1, 1)
        second = Dispatcher(app, workers=1)
        assert second.run_once(TUESDAY_9 + LEASE - timedelta(seconds=1)).claimed == 0
        assert second.run_once(TUESDAY_9 + LEASE).sent == 1
    crashed.close()
    second.close()
    first, again = service.received()
    assert first.headers["topic"] == again.headers["topic"] == push.topic_of(reminder.key)
    assert first.payload["tag"] == again.payload["tag"] == reminder.key
    assert refreshed(db, reminder).attempts == 2


def crashed_report():
    from fieldapp.reminders.dispatcher import PassReport

    return PassReport()


def test_quiet_hours_and_weekends_hold_pushes_back(db, counsellor, service, dispatcher):
    allow(db, counsellor, service)
    preferences.save(
        counsellor, preferences.Preferences(quiet_from=time(21), quiet_until=time(7, 30))
    )
    db.session.commit()
    late = datetime(2026, 11, 24, 21, 15, tzinfo=UTC)  # 22:15 in Brussels
    evening = due_reminder(db, counsellor, at=late)
    assert dispatcher(late).postponed == 1
    assert refreshed(db, evening).next_attempt_at == datetime(2026, 11, 25, 6, 30, tzinfo=UTC)

    saturday = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    weekend = due_reminder(db, counsellor, at=saturday)
    dispatcher(saturday)
    assert refreshed(db, weekend).next_attempt_at == datetime(2026, 11, 30, 6, 30, tzinfo=UTC)
    assert service.received() == []

    dispatcher(datetime(2026, 11, 30, 6, 30, tzinfo=UTC))
    assert len(service.received()) == 2


def test_weekends_can_be_chosen(db, counsellor, service, dispatcher):
    allow(db, counsellor, service)
    preferences.save(counsellor, preferences.Preferences(quiet_weekends=False))
    db.session.commit()
    saturday = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    due_reminder(db, counsellor, at=saturday)
    assert dispatcher(saturday).sent == 1


def test_the_digest_makes_twenty_reminders_one_notification(db, counsellor, service, dispatcher):
    allow(db, counsellor, service)
    preferences.save(counsellor, preferences.Preferences(digest=True))
    db.session.commit()
    due = [due_reminder(db, counsellor) for _ in range(20)]
    report = dispatcher()
    assert report.digests == 1
    (delivery,) = service.received()
    assert delivery.payload["url"] == "/notifications"
    assert delivery.payload["tag"] == f"{DIGEST}:{counsellor.id}:20261124"
    assert {refreshed(db, r).channel for r in due} == {"digest"}

    afternoon = TUESDAY_9 + timedelta(hours=5)
    late = due_reminder(db, counsellor, at=afternoon)
    dispatcher(afternoon)
    assert len(service.received()) == 1  # one digest a day
    assert refreshed(db, late).next_attempt_at == datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
    dispatcher(datetime(2026, 11, 25, 7, 0, tzinfo=UTC))
    assert len(service.received()) == 2


def test_without_devices_nor_email_the_reminder_is_in_the_app_only(
    db, counsellor, dispatcher, sent_mail
):
    reminder = due_reminder(db, counsellor)
    dispatcher()
    assert (refreshed(db, reminder).status, refreshed(db, reminder).channel) == ("sent", "app")
    assert sent_mail() == []


def test_raters_who_have_not_answered_get_an_email(db, make, dispatcher, sent_mail):
    world = make.world()
    invitation = world.invitation
    invitation.email = "sofie@example.org"
    db.session.commit()
    raters = due_reminder(
        db, None, kind="raters", organisation_id=world.organisation.id, at=TUESDAY_9
    )
    raters.subject_id = world.feedback_round.id
    db.session.commit()
    dispatcher()
    assert [mail.to for mail in sent_mail()] == ["sofie@example.org"]
    assert (refreshed(db, raters).status, refreshed(db, raters).channel) == ("sent", "mail_queue")


def test_done_reminders_are_not_sent(db, counsellor, service, dispatcher):
    allow(db, counsellor, service)
    reminder = due_reminder(db, counsellor)
    reminder.done_at = TUESDAY_9
    db.session.commit()
    assert dispatcher().claimed == 0
    assert refreshed(db, reminder).status == ReminderStatus.PENDING


def test_an_unexpected_error_fails_one_reminder_not_the_pass(
    db, counsellor, service, dispatcher, monkeypatch
):
    allow(db, counsellor, service)
    first, second = due_reminder(db, counsellor), due_reminder(db, counsellor)
    real_send, bad_key = push.send, first.key

    def send(sender, target, message, **options):
        if message.key == bad_key:
            raise RuntimeError("a bug")
        return real_send(sender, target, message, **options)

    monkeypatch.setattr(push, "send", send)
    report = dispatcher()
    assert (report.sent, report.failed) == (1, 1)
    assert refreshed(db, first).last_error == "unexpected RuntimeError"
    assert refreshed(db, second).status == "sent"


@pytest.mark.parametrize(
    "change", [{"active": False}, {"role": "auditor"}], ids=["deactivated", "unknown role"]
)
def test_a_person_who_may_not_sign_in_gets_no_push(db, counsellor, service, dispatcher, change):
    """A deactivated person, or one of a role this release does not know (refused at sign-in,
    see tests/test_stored_codes.py), gets nothing on their devices: the reminder stays in the
    app. Before, a role this release did not know still got pushes."""
    allow(db, counsellor, service)
    reminder = due_reminder(db, counsellor)
    for name, value in change.items():
        setattr(counsellor, name, value)
    db.session.commit()

    dispatcher()
    assert service.received() == []
    assert refreshed(db, reminder).channel == "app"
