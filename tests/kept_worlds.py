"""``make.world()`` built once per app and moment, then written back as rows.

A world is a complete client file made through the services: some fifteen commits, each planning
the file's agenda, about 80 ms on SQLite and more on PostgreSQL, asked for by some 450 tests. The
first world that a test builds in an empty database is kept as the rows of every table; the next
test that asks for a world in an empty database, in the same app at the same moment of the frozen
clock, gets those rows written back (one statement a table) and its records read by id. What it
finds is what the services would have made, row for row: ``tests/test_kept_worlds.py`` compares
the two.

A world is built through the services every time when the database is not empty (a second world,
or a world in an organisation the test made first), when the clock runs (browser tests), or when
``FIELDAPP_TEST_FRESH_WORLDS=1``.
"""

from __future__ import annotations

import os
import weakref
from dataclasses import dataclass, fields
from datetime import datetime
from functools import cache
from typing import Any

from flask import Flask, current_app
from sqlalchemy import Integer, MetaData, Select, Table, func, inspect, literal, or_, select, text

from fieldapp.common.time import now_utc

FRESH = os.environ.get("FIELDAPP_TEST_FRESH_WORLDS") == "1"

# Every sequence of the test schema starts again at 1, as TRUNCATE ... RESTART IDENTITY did.
RESTART_SEQUENCES = text(
    "SELECT setval(oid::regclass, 1, false) FROM pg_class"
    " WHERE relkind = 'S' AND relnamespace = current_schema()::regnamespace"
)


@dataclass(frozen=True)
class KeptWorld:
    rows: list[tuple[Table, list[dict[str, Any]]]]
    records: dict[str, tuple[type, Any]]  # World field -> (model, primary key)


_kept: weakref.WeakKeyDictionary[Flask, dict[datetime, KeptWorld]] = weakref.WeakKeyDictionary()


def database_is_empty(db: Any) -> bool:
    """No table holds a row: one statement over every table."""
    return not db.session.execute(_anything_stored(db.metadata)).scalar()


@cache
def _anything_stored(metadata: MetaData) -> Select:
    tables = metadata.sorted_tables
    return select(or_(*(select(literal(1)).select_from(table).exists() for table in tables)))


def _key() -> tuple[Flask, datetime]:
    return current_app._get_current_object(), now_utc()  # type: ignore[attr-defined]


def restore(db: Any, world_type: type) -> Any | None:
    """The world kept for this app and moment, written into the (empty) database; None if none.
    Then the ids start at 1, as in a new database, so that the world built next and kept has
    the same ids whichever test builds it (a test may have written and deleted rows before)."""
    if FRESH:
        return None
    app, moment = _key()
    kept = _kept.get(app, {}).get(moment)
    if kept is None:
        if db.session.get_bind().dialect.name == "postgresql":
            db.session.execute(RESTART_SEQUENCES)
        return None
    db.session.expunge_all()
    for table, rows in kept.rows:
        db.session.execute(table.insert(), rows)
    _advance_sequences(db, kept.rows)
    db.session.commit()
    return world_type(
        **{name: db.session.get(model, key) for name, (model, key) in kept.records.items()}
    )


def keep(db: Any, world: Any) -> None:
    """Keep the rows of the database, which holds ``world`` and nothing else."""
    if FRESH:
        return
    db.session.commit()
    rows = []
    for table in db.metadata.sorted_tables:
        found = [dict(row) for row in db.session.execute(table.select()).mappings()]
        if found:
            rows.append((table, found))
    records = {}
    for field in fields(world):
        record = getattr(world, field.name)
        identity = inspect(record).identity
        records[field.name] = (type(record), identity[0] if len(identity) == 1 else identity)
    app, moment = _key()
    _kept.setdefault(app, {})[moment] = KeptWorld(rows, records)


def _advance_sequences(db: Any, rows: list[tuple[Table, list[dict[str, Any]]]]) -> None:
    """On PostgreSQL, ids given explicitly leave the sequences behind: move each past its rows,
    all in one statement (SQLite takes the next id after the largest by itself)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    moves = [
        func.setval(
            func.pg_get_serial_sequence(table.name, column.name),
            max(row[column.name] for row in found),
        )
        for table, found in rows
        for column in table.primary_key.columns
        if isinstance(column.type, Integer) and column.autoincrement in (True, "auto")
    ]
    if moves:
        db.session.execute(select(*moves))
