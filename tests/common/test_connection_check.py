"""A pooled connection that the database server has closed is replaced before a request uses it
(common/connection_check.py), without a round trip to the server on every page."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import create_engine, event, text

from fieldapp.common import connection_check
from fieldapp.extensions import db as _db
from fieldapp.instance import normalise_database_url
from tests.conftest import POSTGRES_URL

on_postgresql = pytest.mark.skipif(
    not POSTGRES_URL, reason="a PostgreSQL server closes connections; SQLite's are files"
)


def pooled_backend(app: Flask) -> int:
    """The server process of the one connection in the app's pool."""
    with app.app_context():
        assert _db.engine.pool.checkedin() == 1
        with _db.engine.connect() as connection:
            return connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()


def terminate(pid: int) -> None:
    """Ends that server process, as a restart or an administrator would, and waits until it is
    gone (``pg_terminate_backend`` with a timeout waits for it)."""
    engine = create_engine(normalise_database_url(POSTGRES_URL or ""))
    try:
        with engine.begin() as connection:
            ended = connection.execute(
                text("SELECT pg_terminate_backend(:pid, 10000)"), {"pid": pid}
            ).scalar_one()
        assert ended
    finally:
        engine.dispose()


@on_postgresql
@pytest.mark.own_app  # a pool of its own, with one connection in it
def test_a_page_opens_after_the_server_closed_the_pooled_connection(app, client, make, db, auth):
    person = make.user()
    db.session.commit()
    email = person.email
    db.session.remove()
    auth.login(email)
    assert client.get("/").status_code == 200
    closed = pooled_backend(app)

    terminate(closed)

    page = client.get("/settings")
    assert page.status_code == 200  # signed in: the session was read on the fresh connection
    assert email in page.get_data(as_text=True)
    assert pooled_backend(app) != closed


@on_postgresql
def test_a_connection_the_server_still_holds_is_kept(app):
    """Not replaced: the same server process serves the next request."""
    with app.app_context():
        _db.engine.dispose()
        with _db.engine.connect() as connection:
            first = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        with _db.engine.connect() as connection:
            again = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
    assert again == first


def test_sqlite_connections_are_not_checked(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'check.sqlite3'}")
    connection_check.install(engine)
    assert not event.contains(engine, "checkout", connection_check._refuse_if_closed)
    engine.dispose()
