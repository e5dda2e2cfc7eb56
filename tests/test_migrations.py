"""Migrations run up and down on a fresh database, and match the models exactly."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from fieldapp import create_app
from fieldapp.common.time import now_utc
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


def test_sign_ins_open_at_the_upgrade_are_taken_as_kept(migration_app):
    """Whether a sign-in is kept (user_session.remembered) is not known for the ones open before:
    they are taken as kept, so that nobody who ticked "keep me signed in" is signed out by the
    upgrade; new rows say it themselves. Down again, the column goes and the sign-ins stay."""
    before, moment = "9a3e61c0f2b8", now_utc().replace(tzinfo=None)
    with migration_app.app_context():
        upgrade(revision=before)
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO organisation (id, name, slug, default_language, created_at) "
                    "VALUES (1, 'OCMW', 'ocmw', 'nl', :moment)"
                ),
                {"moment": moment},
            )
            connection.execute(
                text(
                    "INSERT INTO app_user (id, organisation_id, email, name, role, active, "
                    "created_at) VALUES (1, 1, 'an@example.org', 'An', 'counsellor', :yes, :moment)"
                ),
                {"moment": moment, "yes": True},
            )
            connection.execute(
                text(
                    "INSERT INTO user_session (organisation_id, user_id, key_hash, device, "
                    "created_at, last_seen_at) VALUES (1, 1, 'hash', 'Chrome', :moment, :moment)"
                ),
                {"moment": moment},
            )

        upgrade()
        with db.engine.connect() as connection:
            assert connection.scalar(text("SELECT remembered FROM user_session")) in (True, 1)
            columns = inspect(connection).get_columns("user_session")
            column = next(c for c in columns if c["name"] == "remembered")
            assert column["nullable"] is False
            assert column["default"] is None  # each new sign-in says whether it is kept

        downgrade(revision=before)
        columns = {c["name"] for c in inspect(db.engine).get_columns("user_session")}
        assert "remembered" not in columns
        with db.engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM user_session")) == 1
        upgrade()


def test_rounds_there_at_the_upgrade_keep_their_organisations_threshold(migration_app):
    """Each round there before feedback_round.threshold takes its organisation's threshold of the
    moment of the upgrade (the nearest known to what its raters were told); the column has no
    default after it: each new round sets its own. Down again, the column goes, the rounds stay."""
    before, moment = "7c4d2e8f1a63", now_utc().replace(tzinfo=None)
    with migration_app.app_context():
        upgrade(revision=before)
        with db.engine.begin() as connection:
            for number, threshold in ((1, 4), (2, 2)):
                values = {
                    "id": number,
                    "threshold": threshold,
                    "slug": f"ocmw-{number}",
                    "email": f"an{number}@example.org",
                    "moment": moment,
                    "day": moment.date(),
                    "yes": True,
                }
                for statement in (
                    "INSERT INTO organisation (id, name, slug, default_language, created_at, "
                    "feedback_threshold) VALUES (:id, :slug, :slug, 'nl', "
                    ":moment, :threshold)",
                    "INSERT INTO app_user (id, organisation_id, email, name, role, active, "
                    "created_at) VALUES (:id, :id, :email, 'An', "
                    "'counsellor', :yes, :moment)",
                    "INSERT INTO client (id, organisation_id, first_name, last_name, name_key, "
                    "phone, email, language, city, counsellor_id, consent_note, created_at) "
                    "VALUES (:id, :id, 'Sam', 'Peeters', 'peeters sam', '', '', 'nl', 'Gent', "
                    ":id, '', :moment)",
                    "INSERT INTO trajectory (id, organisation_id, client_id, scheme, phase, "
                    "started_on, created_at) VALUES (:id, :id, :id, 'art60', 1, :day, :moment)",
                    "INSERT INTO feedback_round (id, organisation_id, trajectory_id, client_id, "
                    "started_by_id, framework_name, competences, deadline, created_at) VALUES "
                    "(:id, :id, :id, :id, :id, 'Standaard', '[]', :day, :moment)",
                ):
                    connection.execute(text(statement), values)

        upgrade()
        with db.engine.connect() as connection:
            thresholds = connection.execute(
                text("SELECT id, threshold FROM feedback_round ORDER BY id")
            ).all()
            assert [tuple(row) for row in thresholds] == [(1, 4), (2, 2)]
            columns = inspect(connection).get_columns("feedback_round")
            column = next(c for c in columns if c["name"] == "threshold")
            assert column["nullable"] is False
            assert column["default"] is None  # each new round sets it when it starts

        downgrade(revision=before)
        columns = {c["name"] for c in inspect(db.engine).get_columns("feedback_round")}
        assert "threshold" not in columns
        with db.engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM feedback_round")) == 2
        upgrade()
