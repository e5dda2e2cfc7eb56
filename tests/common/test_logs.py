"""No secret and no personal data in the logs: tokens of secret links are replaced in access logs,
and a mail that cannot be delivered is logged without its address or subject."""

from __future__ import annotations

import logging

import pytest
import requests
from werkzeug.serving import make_server

from fieldapp.auth.models import User
from fieldapp.common.access import public
from fieldapp.extensions import db
from fieldapp.feedback import rounds
from fieldapp.feedback.models import RaterGroup
from fieldapp.mail import delivery
from fieldapp.supervisor_link import services as supervisor_link
from fieldapp.visits import calendar
from tests.background_server import serve_in_background

TOKEN = "Zx9SECRETtokenVALUE_abc-123"


def test_the_development_server_logs_no_token(app, db, make, caplog):
    world = make.world()
    _round, links = make.feedback_round(world, rounds.Rater(RaterGroup.SUPERVISOR, "Sofie"))
    feed = calendar.issue(world.counsellor)
    supervisor = supervisor_link.renew(world.counsellor, world.trajectory)
    db.session.commit()
    (link,) = links.values()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = serve_in_background(server)
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            for path in (
                f"/f/{link}",
                f"/s/{supervisor}",
                f"/calendar/{feed}.ics",
                f"/password/reset/{TOKEN}",
            ):
                requests.get(base + path, headers={"Referer": base + path}, timeout=10).close()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    logged = caplog.text
    assert "/f/[secret]" in logged
    assert "/s/[secret]" in logged
    assert "/calendar/[secret]" in logged
    for secret in (link, supervisor, feed, TOKEN):
        assert secret not in logged


def test_gunicorn_access_lines_lose_their_tokens(app, caplog):
    access = logging.getLogger("gunicorn.access")
    atoms = {
        "r": f"GET /invitation/{TOKEN} HTTP/1.1",
        "U": f"/invitation/{TOKEN}",
        "f": f"https://fieldapp.example/f/{TOKEN}",
        "s": "302",
    }
    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        access.info('"%(r)s" %(s)s "%(f)s"', atoms)
    assert TOKEN not in caplog.text
    assert "/invitation/[secret]" in caplog.text


@pytest.mark.parametrize(
    "app_config",
    [
        {
            "FIELDAPP_MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": 9,
            "MAIL_TIMEOUT": 2,
        }
    ],
)
def test_a_mail_that_fails_is_logged_without_whom_or_what(app, client, make, caplog, send_resets):
    person = make.user(email="marie.peeters@example.org", name="Marie Peeters")
    with caplog.at_level(logging.INFO):
        response = client.post("/password/forgot", data={"email": person.email})
        send_resets()
        with app.app_context():
            delivery.send_due()  # the scheduler's mail pass: requests never talk to SMTP
    assert response.status_code in (200, 302)
    assert "could not deliver mail" in caplog.text
    for personal in ("marie.peeters", "Marie", "Peeters", "wachtwoord", "password"):
        assert personal not in caplog.text


@pytest.mark.own_app
def test_a_database_error_is_logged_without_the_values_it_was_about(app, client, make, caplog):
    """A write the database refuses (here a second account with a taken address) is logged with
    its route and the database's reason, but not the values written: SQLAlchemy put them all in
    its message, and PostgreSQL adds the key or the whole row that failed."""
    person = make.user(email="marie.peeters@example.org", name="Marie Peeters")

    def second_account() -> str:
        twin = User(
            organisation_id=person.organisation_id,
            email="marie.peeters@example.org",
            name="Verslaving en schulden",  # what a free-text column of a client file may hold
            password_hash="x",
        )
        db.session.add(twin)
        db.session.flush()
        return "saved"

    app.add_url_rule("/test/second-account", "second_account", public(second_account))
    with caplog.at_level(logging.INFO):
        response = client.get("/test/second-account")
    assert response.status_code == 500
    assert "unhandled error on GET /test/second-account" in caplog.text
    assert "IntegrityError" in caplog.text
    for personal in ("marie.peeters", "Verslaving", "schulden"):
        assert personal not in caplog.text
