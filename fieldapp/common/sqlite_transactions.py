"""On SQLite, a savepoint is always inside a transaction, so that a rollback after it undoes it.

Python's ``sqlite3`` driver sends ``BEGIN`` only before an INSERT, UPDATE or DELETE. A
``db.session.begin_nested()`` whose SAVEPOINT came before any of these (nothing written yet in
the request: a supervisor's report, a draft evaluation, a goal made from a blind spot) was
therefore the outermost transaction on the file: its RELEASE committed what it held, and a
rollback after it (a rule broken later, an error) left that stored. Here ``BEGIN`` is sent before
such a savepoint; the driver sees the transaction open and leaves it to SQLAlchemy's commit or
rollback, as it does after its own ``BEGIN``.

Why not SQLAlchemy's documented recipe for pysqlite (``isolation_level = None`` on connect,
``BEGIN`` on every begin): it also moves the reads before a request's first write into the
transaction. SQLite then keeps one snapshot of the file from the first read, and a transaction
that read before another connection committed cannot write any more: SQLite answers "database is
locked" at once, without waiting (``busy_timeout`` does not apply). Two requests of the threaded
server that read, then write, at the same moment would fail; with ``BEGIN IMMEDIATE`` instead,
every request, pages that only read too, would wait for every writer. The driver's own
transactions, which begin at the first write, stay as they were for everything else.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine


def install(engine: Engine) -> None:
    if engine.dialect.name == "sqlite":
        event.listen(engine, "savepoint", _begin_before_a_first_savepoint)


def _begin_before_a_first_savepoint(connection: Connection, _name: str) -> None:
    """SQLAlchemy's hook runs before it sends ``SAVEPOINT``."""
    driver_connection = connection.connection.driver_connection
    if isinstance(driver_connection, sqlite3.Connection) and not driver_connection.in_transaction:
        connection.exec_driver_sql("BEGIN")
