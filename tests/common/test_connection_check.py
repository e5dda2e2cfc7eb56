"""A pooled connection that the database server has closed is replaced before a request uses it
(common/connection_check.py), without a round trip to the server on every page."""

from __future__ import annotations

import contextlib
import socket
import struct
import threading

import pytest
from flask import Flask
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

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


class SilentNetwork:
    """A loopback relay to the database server that can lose its connections without a word, as a
    NAT, a firewall or a load balancer does when it forgets an idle connection: nothing reaches the
    client then, and the next packet it sends is answered by a reset."""

    def __init__(self, host: str, port: int) -> None:
        self._upstream = (host, port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._pairs: list[tuple[socket.socket, socket.socket, threading.Event]] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self._upstream)
            forgotten = threading.Event()
            self._pairs.append((client, server, forgotten))
            threading.Thread(
                target=self._to_server, args=(client, server, forgotten), daemon=True
            ).start()
            threading.Thread(
                target=self._to_client, args=(server, client, forgotten), daemon=True
            ).start()

    def _to_server(self, client: socket.socket, server: socket.socket, forgotten: threading.Event):
        while data := _received(client):
            if forgotten.is_set():
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                break
            server.sendall(data)
        client.close()
        server.close()

    def _to_client(self, server: socket.socket, client: socket.socket, forgotten: threading.Event):
        while (data := _received(server)) and not forgotten.is_set():
            client.sendall(data)

    def forget_connections(self) -> None:
        for _client, _server, forgotten in self._pairs:
            forgotten.set()

    def close(self) -> None:
        self._listener.close()
        for client, server, forgotten in self._pairs:
            forgotten.set()
            for end in (client, server):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)


def _received(end: socket.socket) -> bytes:
    try:
        return end.recv(65536)
    except OSError:
        return b""


@on_postgresql
def test_a_connection_a_middlebox_forgot_is_replaced_as_pre_ping_did(monkeypatch):
    """The server still holds the connection, but the network between forgot it: the socket has
    nothing to read, and the first statement is answered by a reset. ``pool_pre_ping`` found that
    out with its ``SELECT 1`` and opened a new connection before the page used it."""
    url = make_url(normalise_database_url(POSTGRES_URL or ""))
    network = SilentNetwork(url.host or "127.0.0.1", url.port or 5432)
    engine = create_engine(url.set(host="127.0.0.1", port=network.port), pool_size=1)
    connection_check.install(engine)
    monkeypatch.setattr(connection_check, "PING_AFTER_IDLE_SECONDS", 0.0)  # idle long enough
    try:
        with engine.connect() as connection:
            first = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        network.forget_connections()
        with engine.connect() as connection:
            again = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        assert again != first
    finally:
        engine.dispose()
        network.close()


@on_postgresql
def test_a_connection_back_from_a_recent_page_is_not_asked_select_1(app, monkeypatch):
    """Only a connection that sat in the pool for a while costs a round trip."""
    asked: list[str] = []
    with app.app_context():
        _db.engine.dispose()
        with _db.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        raw = _db.engine.raw_connection()
        connection_class = type(raw.driver_connection)
        execute = connection_class.execute

        def noted(connection, query, *args, **kwargs):
            asked.append(query)
            return execute(connection, query, *args, **kwargs)

        monkeypatch.setattr(connection_class, "execute", noted)
        raw.close()
        with _db.engine.connect():
            pass
        assert asked == []
        monkeypatch.setattr(connection_check, "PING_AFTER_IDLE_SECONDS", 0.0)
        with _db.engine.connect():
            pass
        assert asked == ["SELECT 1"]
        monkeypatch.undo()
        _db.engine.dispose()


@on_postgresql
def test_a_pinged_connection_is_handed_over_outside_a_transaction(monkeypatch):
    """As SQLAlchemy's ``pool_pre_ping`` hands it over: a page can still make it autocommit."""
    engine = create_engine(normalise_database_url(POSTGRES_URL or ""), pool_size=1)
    connection_check.install(engine)
    monkeypatch.setattr(connection_check, "PING_AFTER_IDLE_SECONDS", 0.0)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        with engine.connect() as connection:
            assert connection.connection.dbapi_connection.info.transaction_status == 0  # idle
            autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
            assert autocommit.exec_driver_sql("SELECT 1").scalar_one() == 1
    finally:
        engine.dispose()
