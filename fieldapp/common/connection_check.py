"""A pooled PostgreSQL connection is checked before a request uses it, without a round trip.

SQLAlchemy's ``pool_pre_ping`` sends ``SELECT 1`` to the server each time a connection leaves the
pool: one more round trip on every page, which costs a page about as much as one of its queries.
A connection that the server has closed (a restart, a failover, ``pg_terminate_backend``, an idle
timeout) shows it on its socket instead: the server's last words (an error, then the end of the
stream) wait there to be read. A socket with nothing to read is a connection the server still
holds; one with something to read while no query runs is handed back to the pool as lost, and the
pool opens a fresh connection for the request. A rare harmless message (a notice) only costs a new
connection. What neither check can see, a network that drops packets without a word, makes the
first query wait for the network's timeout, as ``SELECT 1`` would.

A network between (a NAT, a firewall, a load balancer) that forgets a connection after some idle
minutes says nothing either, but answers the next packet with a reset: ``SELECT 1`` found that
out and a new connection served the page, a look at the socket cannot. A connection that has sat
in the pool for longer than :data:`PING_AFTER_IDLE_SECONDS` is therefore still asked ``SELECT 1``:
a busy server hardly ever waits for it, a quiet one can afford it.

SQLite needs no check: its connections open a file and are never closed from the other side.
"""

from __future__ import annotations

import select
import time as clock
from typing import Any

import psycopg
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

PING_AFTER_IDLE_SECONDS = 60.0
_CHECKED_IN = "fieldapp_checked_in"  # in a pool record's info: when it came back to the pool


def install(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        event.listen(engine, "checkin", _note_checkin)
        event.listen(engine, "checkout", _refuse_if_closed)


def _note_checkin(_dbapi_connection: Any, record: Any) -> None:
    if record is not None:
        record.info[_CHECKED_IN] = clock.monotonic()


def _refuse_if_closed(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """The pool's checkout hook: raising ``DisconnectionError`` makes the pool replace the
    connection (twice at most) before the request gets it."""
    if dbapi_connection.closed or dbapi_connection.broken:
        raise DisconnectionError("the connection is closed")
    if _has_something_to_read(dbapi_connection.fileno()):
        raise DisconnectionError("the database server spoke on an idle connection")
    checked_in = record.info.pop(_CHECKED_IN, None)
    if checked_in is not None and clock.monotonic() - checked_in >= PING_AFTER_IDLE_SECONDS:
        try:
            _ping(dbapi_connection)
        except psycopg.Error as error:
            raise DisconnectionError("the connection was lost while idle") from error


def _ping(connection: psycopg.Connection) -> None:
    """``SELECT 1`` outside a transaction, as SQLAlchemy's own ping: the connection is handed over
    idle, so that a page may still make it autocommit."""
    autocommit = connection.autocommit
    connection.autocommit = True
    try:
        connection.execute("SELECT 1").close()
    finally:
        if not connection.closed:
            connection.autocommit = autocommit


def _has_something_to_read(socket: int) -> bool:
    poller = select.poll()
    poller.register(socket, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))  # returns at once; a hang-up or an error counts too
