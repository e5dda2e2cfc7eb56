"""Nobody learns which addresses have an account, and nobody locks a person out at will.

Sign-in, being held back and "forgot password" answer the same way, with the same work, for an
address with an account and one without; failures are held back per e-mail *and* network address,
so typing wrong passwords from elsewhere cannot keep the owner out, and a reset link lets her in.
(How long each answer takes is measured in ``make bench``.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise

from sqlalchemy import event

from tests.factories import DEFAULT_PASSWORD

ATTACKER = {"REMOTE_ADDR": "203.0.113.9"}
OWNER = {"REMOTE_ADDR": "198.51.100.7"}
NEW_PASSWORD = "een nieuwe zin om te onthouden"


@contextmanager
def statements(db) -> Iterator[list[str]]:
    """The kinds of SQL statement run meanwhile (verb and table), in order."""
    seen: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany) -> None:
        words = re.findall(r"[A-Za-z_]+", statement)
        verb = words[0].upper()
        table = next((w for before, w in pairwise(words) if before.upper() in ("FROM", "INTO")), "")
        if verb not in ("SAVEPOINT", "RELEASE", "ROLLBACK"):
            seen.append(f"{verb} {table}")

    engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def page_of(response, email: str) -> str:
    """The page as anyone would compare it: the address typed and the form's CSRF token (new for
    every visitor) left out."""
    page = response.get_data(as_text=True).replace(email, "ADDRESS")
    return re.sub(r'name="csrf_token" value="[^"]*"', "CSRF", page)


def sign_in(client, email: str, password: str, environ: dict[str, str] | None = None):
    return client.post(
        "/login", data={"email": email, "password": password}, environ_base=environ or {}
    )


def test_a_reset_request_does_the_same_work_for_any_address(client, make, db, sent_mail):
    make.user(email="an@example.org")
    pages = {}
    work = {}
    for email in ("an@example.org", "nobody@example.org"):
        with statements(db) as seen:
            response = client.post("/password/forgot", data={"email": email})
        assert response.status_code == 200
        pages[email] = page_of(response, email)
        work[email] = seen
    assert sent_mail() == []  # nothing is even queued while the person waits
    assert work["an@example.org"] == work["nobody@example.org"]
    assert pages["an@example.org"] == pages["nobody@example.org"]


def test_sign_in_answers_the_same_for_an_address_with_and_without_an_account(app, make):
    make.user(email="an@example.org")
    answers = {}
    for email, address in (("an@example.org", OWNER), ("nobody@example.org", ATTACKER)):
        client = app.test_client()
        responses = [
            sign_in(client, email, f"wrong guess {i}", address)
            for i in range(app.config["FIELDAPP_LOCKOUT_THRESHOLD"] + 1)
        ]
        answers[email] = [(r.status_code, page_of(r, email)) for r in responses]
    statuses = [status for status, _ in answers["an@example.org"]]
    assert statuses[-2:] == [429, 429]
    assert answers["an@example.org"] == answers["nobody@example.org"]


def test_wrong_passwords_from_elsewhere_do_not_keep_the_owner_out(app, make):
    make.user(email="an@example.org")
    attacker, owner = app.test_client(), app.test_client()
    for i in range(app.config["FIELDAPP_LOCKOUT_THRESHOLD"] * 3):
        sign_in(attacker, "an@example.org", f"guess {i}", ATTACKER)
    assert sign_in(attacker, "an@example.org", DEFAULT_PASSWORD, ATTACKER).status_code == 429
    response = sign_in(owner, "an@example.org", DEFAULT_PASSWORD, OWNER)
    assert response.status_code == 302
    assert owner.get("/").status_code == 200


def test_a_reset_link_lets_the_owner_in_from_an_address_held_back(
    app, client, make, sent_mail, send_resets
):
    make.user(email="an@example.org")
    for i in range(app.config["FIELDAPP_LOCKOUT_THRESHOLD"]):
        sign_in(client, "an@example.org", f"guess {i}")
    assert sign_in(client, "an@example.org", DEFAULT_PASSWORD).status_code == 429

    client.post("/password/forgot", data={"email": "an@example.org"})
    assert send_resets() == 1
    link = re.search(r"http://localhost(/\S+)", sent_mail()[-1].body).group(1)
    client.get(link)
    response = client.post(
        "/password/reset", data={"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD}
    )
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200  # signed in by the link
    client.post("/logout")
    assert sign_in(client, "an@example.org", NEW_PASSWORD).status_code == 302
