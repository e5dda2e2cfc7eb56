"""The cursor of the app's PostgreSQL connections describes its columns as psycopg's own does,
made when read (common/postgres_cursor.py)."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import literal, select, text

from fieldapp.common import postgres_cursor
from fieldapp.extensions import db as _db
from tests.conftest import POSTGRES_URL

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="a cursor of psycopg, for PostgreSQL")

COLUMNS = "SELECT 1 AS number, 'x'::varchar(12) AS label, 2.5::numeric(5, 2) AS amount, now() AS at"


def described(description) -> list[tuple]:
    return [tuple(column) for column in description]


def test_the_apps_connections_describe_columns_as_psycopg_does(app):
    with app.app_context():
        raw = _db.engine.raw_connection()
        try:
            ours = raw.driver_connection.cursor()
            theirs = psycopg.Cursor(raw.driver_connection)
            ours.execute(COLUMNS)
            theirs.execute(COLUMNS)
            assert isinstance(ours, postgres_cursor.Cursor)
            description = ours.description
            assert len(description) == 4
            assert described(description) == described(theirs.description)
            assert [column.name for column in description] == ["number", "label", "amount", "at"]
            assert description[1].display_size == 12
            assert description[-1].name == "at"
            assert [column.name for column in description[1:3]] == ["label", "amount"]

            ours.execute("SELECT 'other' AS other")  # an earlier description keeps its result
            assert [column.name for column in description] == ["number", "label", "amount", "at"]
            ours.execute("UPDATE pg_namespace SET nspname = nspname WHERE false")
            assert ours.description is None
            ours.execute("SELECT")
            assert ours.description == []
        finally:
            raw.close()


def test_results_know_their_columns(app):
    """SQLAlchemy reads the description of a statement it has not seen before."""
    with app.app_context(), _db.engine.connect() as connection:
        result = connection.execute(text(COLUMNS))
        assert list(result.keys()) == ["number", "label", "amount", "at"]
        assert result.one().label == "x"
        again = connection.execute(text(COLUMNS))  # from the compiled cache this time
        assert again.one().number == 1


def test_other_databases_are_connected_as_before():
    assert postgres_cursor.connect_args("sqlite:///fieldapp.sqlite3") == {}
    assert postgres_cursor.connect_args("postgresql+psycopg://db/fieldapp") == {
        "cursor_factory": postgres_cursor.Cursor
    }


def test_a_statement_run_again_makes_no_columns(app, monkeypatch):
    """The point of the cursor: SQLAlchemy reads the columns of a statement (not a text) the first
    time it compiles it only, and psycopg's Column objects are then not made again."""
    made: list[int] = []

    class CountedColumn(postgres_cursor.Column):
        def __init__(self, *args, **kwargs) -> None:
            made.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(postgres_cursor, "Column", CountedColumn)
    statement = select(literal(1).label("number"), literal("again").label("counted"))
    with app.app_context(), _db.engine.connect() as connection:
        assert list(connection.execute(statement).keys()) == ["number", "counted"]
        first = len(made)
        assert connection.execute(statement).one().counted == "again"
    assert first == 2
    assert len(made) == first
