"""Migrations run up and down on a fresh database, and match the models exactly."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from fieldapp import create_app
from fieldapp.extensions import db
from tests.conftest import POSTGRES_URL, base_config, create_schema


@pytest.fixture
def empty_database(tmp_path):
    if POSTGRES_URL:
        url, drop = create_schema(POSTGRES_URL, "fieldapp_migrations")
        yield url
        drop()
    else:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"


@pytest.fixture
def migration_app(empty_database, tmp_path):
    app = create_app(base_config(empty_database, tmp_path / "instance"))
    yield app
    with app.app_context():
        db.engine.dispose()


def test_upgrade_downgrade_upgrade(migration_app):
    with migration_app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"organisation", "app_user", "audit_event", "user_token"} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()


def test_models_and_migrations_agree(migration_app):
    """A model change without its migration (or the other way round) fails here."""
    with migration_app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == []
