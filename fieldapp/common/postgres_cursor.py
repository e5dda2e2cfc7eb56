"""The psycopg cursor of fieldapp's PostgreSQL connections: its ``description`` is made when read.

SQLAlchemy asks a cursor for its ``description`` after every statement, to know that rows came
back, but reads the columns in it only the first time it runs a statement: after that it knows
them from its compiled cache. psycopg builds a ``Column`` (name, type, sizes) for every column each
time it is asked: some 5% of a worker's CPU on a page such as the client's file, which reads about
a hundred columns in sixteen statements. This cursor answers with a sequence of the same columns,
made from the statement's result when first read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg import Column
from psycopg.pq.abc import PGresult


class Cursor(psycopg.Cursor):
    """Given to psycopg as the connections' ``cursor_factory`` (see :func:`connect_args`)."""

    @property
    def description(self) -> Sequence[Column] | None:  # type: ignore[override]
        result = self.pgresult
        if result is None or not result.nfields:
            return super().description  # none, or a result without columns ("SELECT ;")
        return Description(self, result)


class Description(Sequence[Column]):
    """The columns of ``result``, as ``psycopg.Cursor.description`` gives them, made on first
    access (from that result, even when the cursor has run another statement since)."""

    __slots__ = ("_columns", "_count", "_source")

    def __init__(self, cursor: psycopg.Cursor, result: PGresult) -> None:
        self._source = _ResultOf(cursor, result)
        self._count = result.nfields
        self._columns: list[Column] | None = None

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: Any) -> Any:
        if self._columns is None:
            self._columns = [Column(self._source, i) for i in range(self._count)]  # type: ignore[arg-type]
        return self._columns[index]

    def __repr__(self) -> str:
        return repr(list(self))


class _ResultOf:
    """What a ``Column`` reads of its cursor, with the cursor's result fixed to ``result``."""

    __slots__ = ("_cursor", "pgresult")

    def __init__(self, cursor: psycopg.Cursor, result: PGresult) -> None:
        self._cursor = cursor
        self.pgresult = result

    @property
    def _encoding(self) -> str:
        return self._cursor._encoding

    @property
    def adapters(self) -> Any:
        return self._cursor.adapters


def connect_args(database_url: str) -> dict[str, Any]:
    """The engine's ``connect_args`` for ``database_url``: this cursor on psycopg's connections."""
    return {"cursor_factory": Cursor} if database_url.startswith("postgresql+psycopg") else {}
