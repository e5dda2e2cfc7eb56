"""The README's backup and restore, tried on the test database: the ``pg_dump`` and ``pg_restore``
commands are read from the README (its section "Backups") and run as written, with only the
connection, the file and the schema put in; the restored database then serves a signed-in
counsellor.

The data is made as in production: a schema built by the migrations (``flask db upgrade``), a
client file written through the services and a visit note sent as a device sends it. The dump is
restored into a new database with a random name, dropped at the end, also when the test fails.

Only on PostgreSQL (``FIELDAPP_TEST_DATABASE_URL``), with the PostgreSQL client tools on PATH;
``.ci/run`` installs them."""

from __future__ import annotations

import secrets
import shlex
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from fieldapp import create_app
from fieldapp.clients.models import Client
from fieldapp.common.time import now_utc
from fieldapp.extensions import db
from fieldapp.feedback.models import RaterGroup
from fieldapp.instance import normalise_database_url
from tests.conftest import POSTGRES_URL, IsolatedClient, base_config, schema_url
from tests.factories import DEFAULT_PASSWORD, CaseloadFactories

README = Path(__file__).resolve().parent.parent / "README.md"

pytestmark = [
    pytest.mark.skipif(
        not POSTGRES_URL,
        reason="pg_dump/pg_restore need PostgreSQL: set FIELDAPP_TEST_DATABASE_URL",
    ),
    pytest.mark.skipif(
        not (shutil.which("pg_dump") and shutil.which("pg_restore")),
        reason="pg_dump and pg_restore are not on PATH (apt-get install postgresql-client)",
    ),
]

NOTE = "Amina werkt zelfstandig aan de afwas."


def readme_command(program: str) -> list[str]:
    """The one line of the README that runs ``program``, split as a shell would."""
    lines = [line for line in README.read_text("utf-8").splitlines() if line.startswith(program)]
    assert len(lines) == 1, f"the README should show one {program} command, not {len(lines)}"
    return shlex.split(lines[0])


def with_option(command: list[str], option: str, value: str) -> list[str]:
    """``command`` with its ``option=…`` set to ``value`` (the README's example replaced)."""
    assert any(part.startswith(f"{option}=") for part in command), f"{command[0]} has no {option}"
    return [f"{option}={value}" if part.startswith(f"{option}=") else part for part in command]


def dump_command(libpq_url: str, schema: str, dump: Path) -> list[str]:
    command = readme_command("pg_dump ")
    assert {"--format=custom", "--no-owner"} <= set(command)
    command = with_option(command, "--dbname", libpq_url)
    return [*with_option(command, "--file", str(dump)), f"--schema={schema}"]


def restore_command(libpq_url: str, dump: Path) -> list[str]:
    command = readme_command("pg_restore ")
    assert "--no-owner" in command
    assert not command[-1].startswith("-"), "the README's pg_restore should end with the dump"
    return [*with_option(command[:-1], "--dbname", libpq_url), str(dump)]


def run(command: list[str]) -> None:
    """Run one of the README's commands (the very input under test, hence the noqa)."""
    done = subprocess.run(  # noqa: S603
        command, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, f"{shlex.join(command)} failed:\n{done.stderr}"


def libpq(url: str) -> str:
    """A SQLAlchemy URL as the PostgreSQL tools take it (``postgresql://…``, no driver)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def source_schema() -> Iterator[str]:
    """A schema of its own in the test database, dropped afterwards."""
    schema = f"fieldapp_backup_{secrets.token_hex(4)}"
    engine = create_engine(normalise_database_url(POSTGRES_URL))
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield schema
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture
def empty_database() -> Iterator[str]:
    """A new, empty database with a random name (its URL), dropped afterwards."""
    name = f"fieldapp_restored_{secrets.token_hex(4)}"
    url = make_url(normalise_database_url(POSTGRES_URL))
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    server.dispose()


def make_app(url: str, instance: Path) -> Flask:
    app = create_app(base_config(url, instance))
    app.test_client_class = IsolatedClient
    return app


def row_counts() -> dict[str, int]:
    """Rows per table, for every table of the models and Alembic's own."""
    counts = {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }
    counts["alembic_version"] = db.session.scalar(text("SELECT count(*) FROM alembic_version"))
    return counts


def test_the_readme_backup_restores_into_a_new_database_that_serves(
    source_schema: str, empty_database: str, tmp_path: Path
) -> None:
    source = make_app(schema_url(POSTGRES_URL, source_schema), tmp_path / "source")
    with source.app_context():
        upgrade()  # the database as `flask db upgrade` makes it
        make = CaseloadFactories(db)
        world = make.world()
        make.feedback_answer(world.feedback_round, RaterGroup.SUPERVISOR, {"punctuality": 4})
        device = source.test_client()
        device.post("/login", data={"email": world.counsellor.email, "password": DEFAULT_PASSWORD})
        sent = device.post(
            f"/api/visits/{world.visit.id}/notes",
            json={
                "note_uuid": str(uuid.uuid4()),
                "revision_uuid": str(uuid.uuid4()),
                "body": NOTE,
                "observations": {"punctuality": 4},
                "written_at": (now_utc() - timedelta(minutes=20)).isoformat(),
            },
        )
        assert sent.status_code in (200, 201), sent.get_data(as_text=True)
        db.session.expire_all()
        before = row_counts()
        revision = db.session.scalar(text("SELECT version_num FROM alembic_version"))
        ids = (world.client.id, world.visit.id, world.counsellor.email, world.client.full_name)
        db.session.remove()
        db.engine.dispose()
    for table in ("client", "trajectory", "visit", "note_revision", "feedback_response"):
        assert before[table] > 0, f"the world should have a {table} row to back up"

    dump = tmp_path / "fieldapp.dump"
    run(dump_command(libpq(schema_url(POSTGRES_URL, source_schema)), source_schema, dump))
    run(restore_command(libpq(empty_database), dump))

    restored = make_app(schema_url(empty_database, source_schema), tmp_path / "restored")
    client_id, visit_id, email, name = ids
    try:
        with restored.app_context():
            assert row_counts() == before
            upgrade()  # nothing to do: the dump holds its revision
            assert db.session.scalar(text("SELECT version_num FROM alembic_version")) == revision
            assert row_counts() == before

            browser = restored.test_client()
            health = browser.get("/healthz").get_json()["checks"]
            assert health["database"] == health["migrations"] == {"ok": True}

            signed_in = browser.post("/login", data={"email": email, "password": DEFAULT_PASSWORD})
            assert signed_in.status_code == 302
            file = browser.get(f"/clients/{client_id}")
            assert file.status_code == 200
            assert name in file.get_data(as_text=True)
            assert NOTE in browser.get(f"/visits/{visit_id}").get_data(as_text=True)

            # The sequences came along: a new record takes the next id, not one in use.
            counsellor = db.session.get(Client, client_id).counsellor
            added = CaseloadFactories(db).client(counsellor, "Nieuw")
            assert added.id > client_id
    finally:
        with restored.app_context():
            db.session.remove()
            db.engine.dispose()
