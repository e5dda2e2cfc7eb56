"""A mail server that fails loses nothing: the row is tried again after 1, 2, 4 … minutes, then
given up; the administrator sees it and can have it sent again, and the round's page says the link
did not go out. Two passes at once never send one row twice; a pass that dies loses nothing."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta

from markupsafe import escape
from sqlalchemy import func, select, update

from fieldapp.audit.models import AuditEvent
from fieldapp.auth.roles import Role
from fieldapp.common.dates import today
from fieldapp.common.time import now_utc
from fieldapp.feedback.models import FeedbackRound
from fieldapp.mail import delivery
from fieldapp.mail.delivery import FAILED_KEPT, LEASE, MAX_ATTEMPTS
from fieldapp.mail.models import OutgoingMail
from fieldapp.mail.services import Message, queue_mail, sent_messages
from tests.feedback.conftest import rater_rows
from tests.mail.conftest import rows

REFUSED = "server refused the connection (421)"


def start_round(client, world, *raters):
    """The counsellor starts a round through the form, as confirmed; returns the round's page."""
    response = client.post(
        f"/trajectories/{world.trajectory.id}/feedback/new",
        data={
            "deadline": (today() + timedelta(days=10)).isoformat(),
            **rater_rows(*raters),
            "step": "start",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_failing_server_loses_nothing_backs_off_gives_up_and_says_so(
    app, client, auth, make, db, smtp
):
    smtp.refuse_connection = True
    world = make.world()
    make.user(world.organisation, role=Role.ADMIN, email="beheer@example.org")
    auth.login(world.counsellor.email)
    page = start_round(client, world, ("supervisor", "Sofie Verbruggen", "sofie@example.org", "nl"))
    assert "Links are being e-mailed to people with an address." in page
    assert 'data-mail="queued"' in page
    assert smtp.connections == 0  # the request only queued it
    feedback_round = db.session.scalars(
        select(FeedbackRound).order_by(FeedbackRound.id.desc())
    ).first()
    (invitation,) = feedback_round.invitations
    round_page = f"/feedback/rounds/{feedback_round.id}"

    moment, waits = now_utc(), []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        report = delivery.send_due(moment)
        (row,) = rows(db, about_kind="invitation", about_id=invitation.id)
        assert (row.attempts, row.last_error) == (attempt, REFUSED)
        if attempt == MAX_ATTEMPTS:
            assert (report.failed, row.status) == (1, "failed")
            break
        assert (report.retried, row.status) == (1, "queued")
        if attempt == 1:
            assert 'data-mail="retrying"' in client.get(round_page).get_data(as_text=True)
        early = delivery.send_due(row.next_attempt_at - timedelta(seconds=1))
        assert (early.retried, smtp.connections) == (0, attempt)  # not tried before its time
        waits.append(row.next_attempt_at - moment)
        moment = row.next_attempt_at
    assert waits == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16, 32, 60)]
    assert smtp.messages == []
    assert "/f/" in row.body  # nothing lost: it can still be sent
    for words in ("stub.example.org", "try later", "sofie", "Sofie"):
        assert words not in row.last_error  # a short reason, not the server's answer or an address

    failed = client.get(round_page).get_data(as_text=True)
    assert 'data-mail="failed"' in failed
    assert "could not be delivered" in failed
    assert client.get("/admin/mail").status_code == 403  # a counsellor sees nobody's mail there

    auth.logout()
    auth.login("beheer@example.org")
    admin_page = client.get("/admin/mail").get_data(as_text=True)
    problems = admin_page.split("data-mail-problems", 1)[1]
    assert "sofie@example.org" in problems
    assert str(escape(row.subject)) in problems
    assert REFUSED in problems
    assert f"{MAX_ATTEMPTS} attempts" in problems

    smtp.refuse_connection = False  # the mail server is back
    again = client.post(f"/admin/mail/{row.id}/send-again")
    assert again.status_code == 302
    (row,) = rows(db, id=row.id)
    assert (row.status, row.attempts) == ("queued", 0)
    assert delivery.send_due().sent == 1
    (message,) = smtp.messages
    assert "To: sofie@example.org" in message
    audited = select(func.count()).where(AuditEvent.action == "mail.sent_again")
    assert db.session.scalar(audited) == 1

    auth.logout()
    auth.login(world.counsellor.email)
    assert 'data-mail="sent"' in client.get(round_page).get_data(as_text=True)


def test_another_organisations_admin_sees_none_of_it(client, auth, make, db):
    world = make.world()  # holds a failed invitation e-mail
    other_admin = make.user(role=Role.ADMIN, email="beheer@elders.example")
    own_admin = make.user(world.organisation, role=Role.ADMIN, email="beheer@hier.example")
    auth.login(other_admin.email)
    page = client.get("/admin/mail").get_data(as_text=True)
    assert world.mail.recipient not in page
    assert "Everything was delivered." in page
    assert client.post(f"/admin/mail/{world.mail.id}/send-again").status_code == 404
    auth.logout()
    auth.login(own_admin.email)
    assert world.mail.recipient in client.get("/admin/mail").get_data(as_text=True)


def test_an_address_refused_for_good_fails_at_once(db, make, smtp):
    smtp.refuse_recipient = True
    organisation = make.organisation()
    queue_mail(
        db.session(), Message("nobody@example.org", "s", "b"), organisation_id=organisation.id
    )
    db.session.commit()
    report = delivery.send_due()
    assert (report.failed, report.retried) == (1, 0)
    (row,) = rows(db)
    assert (row.status, row.attempts, row.last_error) == ("failed", 1, "recipient refused (550)")


def test_a_failed_body_is_kept_a_week_for_a_retry_then_blanked(client, auth, make, db):
    world = make.world()
    admin = make.user(world.organisation, role=Role.ADMIN)
    delivery.send_due(now_utc() + FAILED_KEPT - timedelta(minutes=1))
    assert rows(db, id=world.mail.id)[0].body != ""
    assert delivery.send_due(now_utc() + FAILED_KEPT).forgotten == 1
    (row,) = rows(db, id=world.mail.id)
    assert (row.status, row.body) == ("failed", "")
    auth.login(admin.email)
    assert "No longer kept" in client.get("/admin/mail").get_data(as_text=True)
    assert client.post(f"/admin/mail/{row.id}/send-again").status_code == 409


def test_an_unexpected_error_fails_one_row_not_the_pass(app, db, make, monkeypatch, sent_mail):
    organisation = make.organisation()
    for address in ("a@example.org", "broken@example.org", "c@example.org"):
        queue_mail(db.session(), Message(address, "s", "b"), organisation_id=organisation.id)
    db.session.commit()
    deliver = delivery.deliver

    def flaky(message: Message) -> None:
        if message.to.startswith("broken"):
            raise ValueError(f"cannot encode {message.to}")
        deliver(message)

    monkeypatch.setattr(delivery, "deliver", flaky)
    report = delivery.send_due()
    assert (report.sent, report.retried) == (2, 1)
    assert [m.to for m in sent_messages(app)] == ["a@example.org", "c@example.org"]
    (broken,) = rows(db, status="queued")
    assert broken.last_error == "unexpected ValueError"


def test_two_passes_at_once_send_every_row_once(app, db, make, smtp):
    organisation = make.organisation()
    count = 100
    for n in range(count):
        queue_mail(
            db.session(),
            Message(f"p{n}@example.org", f"bericht {n}", "b"),
            organisation_id=organisation.id,
        )
    db.session.commit()

    start = threading.Barrier(2)
    reports: list[delivery.PassReport] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context():
                start.wait()
                reports.append(delivery.send_due(batch=5))
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    subjects = Counter(
        line.removeprefix("Subject: ")
        for message in smtp.messages
        for line in message.splitlines()
        if line.startswith("Subject: ")
    )
    assert len(subjects) == count
    assert set(subjects.values()) == {1}
    assert sum(report.sent for report in reports) == count
    assert {row.status for row in rows(db)} == {"sent"}


def test_a_pass_that_died_leaves_its_rows_to_the_next_when_the_lease_ends(db, make, sent_mail):
    organisation = make.organisation()
    queue_mail(db.session(), Message("a@example.org", "s", "b"), organisation_id=organisation.id)
    db.session.commit()
    now = now_utc()
    db.session.execute(  # as a pass leaves it that claimed the row and died before marking it
        update(OutgoingMail).values(lease_until=now + LEASE, claimed_by="dead", attempts=1)
    )
    db.session.commit()
    assert delivery.send_due(now + LEASE - timedelta(seconds=1)).sent == 0
    assert delivery.send_due(now + LEASE).sent == 1
    (row,) = rows(db)
    assert (row.status, row.attempts) == ("sent", 2)
    assert [m.to for m in sent_mail()] == ["a@example.org"]


def test_a_slow_server_makes_the_pass_hand_back_what_it_cannot_send_in_its_lease(
    app, db, make, monkeypatch
):
    organisation = make.organisation()
    for n in range(5):
        queue_mail(
            db.session(), Message(f"p{n}@example.org", "s", "b"), organisation_id=organisation.id
        )
    db.session.commit()
    deliver = delivery.deliver

    def slow(message: Message) -> None:
        time.sleep(0.3)
        deliver(message)

    monkeypatch.setattr(delivery, "deliver", slow)
    report = delivery.send_due(lease=timedelta(seconds=0.4))  # half of it is spent after one
    assert (report.sent, report.handed_back) == (1, 4)
    waiting = rows(db, status="queued")
    assert len(waiting) == 4
    assert {(row.attempts, row.claimed_by, row.lease_until) for row in waiting} == {(0, "", None)}


def test_the_scheduler_runs_the_mail_pass_every_minute(app, db, make, sent_mail):
    from fieldapp import jobs
    from fieldapp.reminders.dispatcher import Dispatcher

    dispatcher = Dispatcher(app, workers=1)
    job = jobs.build(app, dispatcher).get_job("mail")
    dispatcher.close()
    assert job.trigger.interval == timedelta(minutes=1)
    assert job.max_instances == 1
    organisation = make.organisation()
    queue_mail(db.session(), Message("a@example.org", "s", "b"), organisation_id=organisation.id)
    db.session.commit()
    job.func()  # what the scheduler calls: the pass, in an app and request context of its own
    assert [m.to for m in sent_messages(app)] == ["a@example.org"]
    assert sent_mail() == sent_messages(app)  # nothing left for a second pass
