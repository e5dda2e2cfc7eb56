"""The bell's number is counted in the query that loads the signed-in person (no query of its
own on every page), and counted again when the request has written before the page is drawn."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask, render_template_string
from sqlalchemy import text, update

from bench.measure import counting_queries
from fieldapp.auth import sessions
from fieldapp.auth.models import User
from fieldapp.common.dates import today
from fieldapp.common.tenancy import activate_tenant
from fieldapp.common.time import now_utc
from fieldapp.extensions import db as _db
from fieldapp.reminders import centre
from fieldapp.reminders.agenda import DIGEST
from fieldapp.reminders.models import Reminder, ReminderStatus

BADGE = 'class="badge" aria-hidden="true">{}<'
COUNT_OF_REMINDERS = re.compile(r"SELECT count\(\*\).*\sFROM reminder\b", re.S)


def reminders_of_every_kind(make: Any, db: Any, user: User) -> Reminder:
    """Two that ring the bell (the first is returned); and one coming, one done, one cancelled,
    one snoozed until later, a digest and one of a colleague, which do not."""
    patient = make.client(counsellor=user)
    due = make.reminder(user, patient, today() - timedelta(days=3))
    make.reminder(user, patient).snoozed_until = now_utc() - timedelta(minutes=5)  # back now
    make.reminder(user, patient, today() + timedelta(days=2))
    make.reminder(user, patient).done_at = now_utc()
    make.reminder(user, patient).status = ReminderStatus.CANCELLED.value
    make.reminder(user, patient).snoozed_until = now_utc() + timedelta(hours=1)
    make.reminder(user, patient).kind = DIGEST
    make.reminder(make.user(user.organisation), patient)
    db.session.commit()
    return due


def signed_in(app: Flask, user: User) -> str:
    """A sign-in of ``user``: the raw key that its cookies carry."""
    with app.test_request_context():
        key = sessions.open_session(user)
        _db.session.commit()
    return key


@contextmanager
def request_of(app: Flask, key: str) -> Iterator[User]:
    """A request of its own (its own app context and database session, as the app serves each)
    signed in with ``key``: the person, as the user loader loaded them."""
    with app.app_context(), app.test_request_context():
        user = sessions.load_session_user(key)
        activate_tenant(user.organisation_id)
        yield user


def test_the_bell_is_counted_with_the_signed_in_person_in_one_query(app, client, auth, make, db):
    user = make.user()
    reminders_of_every_kind(make, db, user)
    auth.login(user.email)
    with app.app_context():
        engine = _db.engine
    with counting_queries(engine) as statements:
        page = client.get("/").get_data(as_text=True)
    assert BADGE.format(2) in page
    counts_apart = [s for s in statements if COUNT_OF_REMINDERS.match(s)]
    assert counts_apart == []
    loading = next(s for s in statements if "FROM user_session" in s)
    assert re.search(r"FROM reminder\b", loading)  # counted in the query that loads the person


@pytest.mark.parametrize("page", ["home", "client's file", "caseload", "notifications"])
def test_pages_that_write_nothing_ask_no_count_of_their_own(app, client, auth, make, db, page):
    """What a page runs that is not a SELECT (the file's audit of its opening, ...) does not count
    as a write: the bell keeps the number loaded with the person."""
    user = make.user()
    reminders_of_every_kind(make, db, user)
    patient = make.client(counsellor=user)
    url = {
        "home": "/",
        "client's file": f"/clients/{patient.id}",
        "caseload": "/clients/",
        "notifications": "/notifications",
    }[page]
    auth.login(user.email)
    client.get(url)
    with app.app_context():
        engine = _db.engine
    with counting_queries(engine) as statements:
        shown = client.get(url).get_data(as_text=True)
    assert BADGE.format(2) in shown
    assert [s for s in statements if COUNT_OF_REMINDERS.match(s)] == []


def test_the_count_loaded_with_the_person_is_the_count_asked_apart(app, make, db):
    user = make.user()
    reminders_of_every_kind(make, db, user)
    elsewhere = make.user(make.organisation())
    make.reminder(elsewhere, make.client(counsellor=elsewhere))
    for person, due in ((user, 2), (elsewhere, 1)):
        with request_of(app, signed_in(app, person)) as loaded:
            assert sessions.figure_of(loaded, centre.BELL) == due
            assert centre.due_count(loaded, today(), now_utc()) == due


def done_and_flushed(reminder: Reminder) -> None:
    centre.mark_done(reminder, now_utc())


def done_and_committed(reminder: Reminder) -> None:
    centre.mark_done(reminder, now_utc())
    _db.session.commit()


def done_not_flushed_yet(reminder: Reminder) -> None:
    reminder.done_at = now_utc()


def done_by_a_statement(reminder: Reminder) -> None:
    _db.session.execute(
        update(Reminder).where(Reminder.id == reminder.id).values(done_at=now_utc())
    )


def done_by_a_text(reminder: Reminder) -> None:
    """A statement written out: no INSERT, UPDATE or DELETE to SQLAlchemy (``is_update`` is
    False), but a write all the same."""
    _db.session.execute(
        text("UPDATE reminder SET done_at = created_at WHERE id = :id"), {"id": reminder.id}
    )


def bell_after(app: Flask, make: Any, db: Any, write: Callable[[Reminder], None]) -> int:
    """The bell's number in a request that first does ``write`` to one of two due reminders."""
    user = make.user()
    due_id = reminders_of_every_kind(make, db, user).id
    with request_of(app, signed_in(app, user)) as loaded:
        write(_db.session.get(Reminder, due_id))
        return centre.bell_count(loaded, today(), now_utc())


@pytest.mark.parametrize(
    "write",
    [
        done_and_flushed,
        done_and_committed,
        done_not_flushed_yet,
        done_by_a_statement,
        done_by_a_text,
    ],
)
def test_a_request_that_wrote_first_counts_again(app, make, db, write: Callable[[Reminder], None]):
    assert bell_after(app, make, db, write) == 1


def test_a_request_that_wrote_nothing_asks_no_count(app, make, db):
    user = make.user()
    reminders_of_every_kind(make, db, user)
    with request_of(app, signed_in(app, user)) as loaded:
        with counting_queries(_db.engine) as statements:
            assert centre.bell_count(loaded, today(), now_utc()) == 2
        assert statements == []


@pytest.mark.own_app
def test_a_page_drawn_after_a_write_shows_the_bell_after_it(app, client, auth, make, db):
    """The top bar's ``reminders_due()`` of a request that marks a reminder done and then draws
    a page (not a redirect): the number without it."""
    user = make.user()
    due_id = reminders_of_every_kind(make, db, user).id

    @app.get("/test/done-then-draw/<int:reminder_id>")
    def done_then_draw(reminder_id: int) -> str:
        if reminder_id:
            centre.mark_done(_db.session.get(Reminder, reminder_id), now_utc())
        return render_template_string("{{ reminders_due() }}")

    auth.login(user.email)
    assert client.get("/test/done-then-draw/0").get_data(as_text=True) == "2"
    assert client.get(f"/test/done-then-draw/{due_id}").get_data(as_text=True) == "1"


def done_on_the_connection(reminder: Reminder) -> None:
    _db.session.connection().execute(
        update(Reminder).where(Reminder.id == reminder.id).values(done_at=now_utc())
    )


def done_in_bulk(reminder: Reminder) -> None:
    _db.session.bulk_update_mappings(Reminder, [{"id": reminder.id, "done_at": now_utc()}])


@pytest.mark.xfail(
    strict=True,
    reason="known limit (sessions.figure_of): a write that passes the session by is not seen; "
    "no code writes reminders that way",
)
@pytest.mark.parametrize("write", [done_on_the_connection, done_in_bulk])
def test_a_write_past_the_session_counts_again(app, make, db, write: Callable[[Reminder], None]):
    assert bell_after(app, make, db, write) == 1
