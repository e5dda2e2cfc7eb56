"""Mail is a row written in the transaction that caused it; the mail pass sends it later, outside
any request, and blanks what it held. SMTP goes to a local stub (``tests/smtp_stub.py``)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fieldapp.mail import delivery
from fieldapp.mail.models import OutgoingMail
from fieldapp.mail.services import Message, queue_mail, read_outbox
from tests.mail.conftest import rows


def test_a_message_is_a_row_of_the_same_transaction(app, db, make, sent_mail):
    organisation = make.organisation()
    queue_mail(db.session(), Message("a@example.org", "s", "b"), organisation_id=organisation.id)
    db.session.rollback()
    assert rows(db) == []
    assert sent_mail() == []

    queue_mail(db.session(), Message("a@example.org", "s", "b"), organisation_id=organisation.id)
    db.session.commit()
    (row,) = rows(db)
    assert (row.status, row.attempts, row.organisation_id) == ("queued", 0, organisation.id)
    assert [m.to for m in sent_mail()] == ["a@example.org"]


@pytest.mark.own_app
def test_a_request_that_fails_leaves_no_mail_behind(app, client, db, make, sent_mail):
    """The mail and the change it describes are one transaction: a request that ends in an error
    after queueing mail rolls both back."""
    organisation = make.organisation()

    def queue_then_break() -> str:
        queue_mail(
            db.session(), Message("a@example.org", "s", "b"), organisation_id=organisation.id
        )
        db.session.flush()  # the row is written in the request's transaction...
        raise RuntimeError("something after it went wrong")  # ...which never commits

    app.add_url_rule("/test/queue-then-break", view_func=queue_then_break)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert client.get("/test/queue-then-break").status_code == 500
    assert rows(db) == []
    assert sent_mail() == []


def test_the_request_never_talks_to_the_mail_server(client, db, make, smtp, send_resets):
    make.user(email="an@example.org")
    response = client.post("/password/forgot", data={"email": "an@example.org"})
    assert response.status_code == 200
    send_resets()  # the scheduler's job that turns the request into a link, and queues its mail
    assert smtp.connections == 0
    (row,) = rows(db)
    assert row.status == "queued"
    assert "/password/reset/" in row.body

    report = delivery.send_due()
    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    (message,) = smtp.messages
    assert "To: an@example.org" in message
    assert "/password/reset/" in message
    (row,) = rows(db)
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")
    assert row.sent_at is not None


def test_a_sent_link_is_nowhere_in_the_database(client, db, make, sent_mail, send_resets):
    """A reset link is a secret kept only as a hash; its mail's body goes once the row is sent."""
    make.user(email="an@example.org")
    client.post("/password/forgot", data={"email": "an@example.org"})
    send_resets()
    (mail,) = sent_mail()
    token = mail.body.split("/password/reset/", 1)[1].split()[0]
    (row,) = rows(db)
    assert (row.status, row.body) == ("sent", "")
    assert (row.recipient, row.subject) == ("an@example.org", mail.subject)  # the record stays
    for table in db.metadata.sorted_tables:
        for stored in db.session.execute(select(table)).all():
            assert token not in repr(stored), table.name


def test_the_development_outbox_shows_what_the_pass_sent(app, client, db, make):
    app.config["FIELDAPP_MAIL_BACKEND"] = "outbox"
    organisation = make.organisation()
    queue_mail(
        db.session(),
        Message("an@example.org", "Hallo", "https://x/y\n"),
        organisation_id=organisation.id,
    )
    db.session.commit()
    assert read_outbox(app) == []  # queued, not sent yet
    delivery.send_due()
    assert read_outbox(app)[0]["subject"] == "Hallo"
    page = client.get("/dev/outbox").get_data(as_text=True)
    assert "Hallo" in page


def test_outbox_page_does_not_exist_in_production(app, client):
    app.config.update(FIELDAPP_MAIL_BACKEND=None, FIELDAPP_ENV="production", MAIL_SERVER=None)
    assert client.get("/dev/outbox").status_code == 404


def test_the_command_sends_what_is_queued(app, db, make, runner, sent_mail):
    organisation = make.organisation()
    for address in ("a@example.org", "b@example.org"):
        queue_mail(db.session(), Message(address, "s", "b"), organisation_id=organisation.id)
    db.session.commit()
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0, result.output
    assert "2 sent, 0 to retry, 0 failed" in result.output
    assert db.session.scalar(select(func.count()).where(OutgoingMail.status == "sent")) == 2
    assert sorted(m.to for m in sent_mail()) == ["a@example.org", "b@example.org"]  # not twice
