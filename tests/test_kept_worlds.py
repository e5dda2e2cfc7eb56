"""A world written back (``tests/kept_worlds.py``) is the world the services build, row for row."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from sqlalchemy import inspect

from tests.conftest import _empty_all_tables
from tests.factories import CaseloadFactories, World


def rows_of(db: Any) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows, in the order of their keys."""
    db.session.commit()
    return {
        table.name: [
            dict(row)
            for row in db.session.execute(
                table.select().order_by(*table.primary_key.columns)
            ).mappings()
        ]
        for table in db.metadata.sorted_tables
    }


def ids_of(world: World) -> dict[str, tuple[str, Any]]:
    return {
        field.name: (
            type(getattr(world, field.name)).__name__,
            inspect(getattr(world, field.name)).identity,
        )
        for field in fields(world)
    }


def built(db: Any) -> tuple[World, dict[str, list[dict[str, Any]]]]:
    """A world built through the services, in an emptied database."""
    db.session.remove()
    _empty_all_tables()
    world = CaseloadFactories(db, keeps_worlds=False).world()
    return world, rows_of(db)


def incidental(first: dict[str, list[dict]], second: dict[str, list[dict]]) -> set[tuple[str, str]]:
    """The (table, column) pairs that two builds fill differently: random secrets, salts, names
    with a running number. Everything else the services write is the same each time."""
    assert first.keys() == second.keys()
    differ = set()
    for table, rows in first.items():
        assert len(rows) == len(second[table]), table
        for one, other in zip(rows, second[table], strict=True):
            differ.update((table, column) for column in one if one[column] != other[column])
    return differ


def test_a_world_written_back_is_the_world_the_services_build(db):
    keeping = CaseloadFactories(db, keeps_worlds=True)
    keeping.world()  # built and kept, or written back if this worker kept one already
    first_world, first = built(db)
    second_world, second = built(db)
    random_columns = incidental(first, second)

    db.session.remove()
    _empty_all_tables()
    kept = keeping.world()
    written_back = rows_of(db)

    assert sum(map(len, written_back.values())) > 40
    assert ids_of(kept) == ids_of(first_world) == ids_of(second_world)
    for table, rows in first.items():
        assert len(written_back[table]) == len(rows), table
        for fresh, back in zip(rows, written_back[table], strict=True):
            for column, value in fresh.items():
                if (table, column) not in random_columns:
                    assert back[column] == value, (table, column)
    assert ("app_user", "id") not in random_columns
    assert ("client", "created_at") not in random_columns


def test_new_records_after_a_world_written_back_get_new_ids(db):
    """On PostgreSQL the ids given explicitly leave the sequences behind unless moved on."""
    keeping = CaseloadFactories(db, keeps_worlds=True)
    keeping.world()
    db.session.remove()
    _empty_all_tables()
    world = keeping.world()
    client = keeping.client(world.counsellor)
    assert client.id > world.client.id
    another = keeping.world()  # a second world in the same database is built, not written back
    assert another.organisation.id != world.organisation.id
