"""``/healthz`` in each of its states: the database answers, its migrations are current, the
scheduler made a pass in the last two intervals; 503 with a reason per failing check, never a 500.

The tests' database is made from the models, without Alembic: a test that needs migrations writes
the ``alembic_version`` row itself (``stamped``) and drops the table afterwards."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import select, text

from fieldapp import create_app
from fieldapp.health import checks, heartbeat
from fieldapp.health.models import SchedulerHeartbeat
from tests.conftest import base_config

PREVIOUS_REVISION = "3b7d2e9a41c5"


@pytest.fixture
def head(app) -> str:
    return ScriptDirectory(app.extensions["migrate"].directory).get_current_head()


@pytest.fixture
def stamped(db) -> Iterator[Callable[[str], None]]:
    """Write the given revision into ``alembic_version``, as ``flask db upgrade`` would."""

    def stamp(revision: str) -> None:
        db.session.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        db.session.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": revision})
        db.session.commit()

    yield stamp
    db.session.rollback()
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()


@pytest.fixture
def beating(db) -> Callable[[str, int], None]:
    def beat(job: str = "dispatch", every_seconds: int = 30) -> None:
        heartbeat.record_pass(job, every_seconds)
        db.session.commit()

    return beat


def test_healthy_when_everything_is(client, stamped, beating, head):
    stamped(head)
    beating("dispatch", 30)
    beating("mail", 60)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "checks": {"database": {"ok": True}, "migrations": {"ok": True}, "scheduler": {"ok": True}},
    }


def test_the_answer_is_small_uncached_sessionless_and_names_no_version(
    client, stamped, beating, head
):
    stamped(head)
    beating()
    response = client.get("/healthz")
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    assert response.headers["X-Request-ID"]
    assert head not in response.get_data(as_text=True)
    assert len(response.get_data()) < 200
    assert client.head("/healthz").status_code == 200  # a load balancer may probe with HEAD


def test_a_load_balancer_probing_often_is_never_rate_limited(client, stamped, beating, head):
    stamped(head)
    beating()
    assert {client.get("/healthz").status_code for _ in range(100)} == {200}


def test_the_codes_migrations_are_read_once_per_process(client, stamped, beating, head):
    stamped(head)
    beating()
    client.get("/healthz")
    read = checks._code_migrations.cache_info().misses
    assert [client.get("/healthz").status_code for _ in range(3)] == [200, 200, 200]
    assert checks._code_migrations.cache_info().misses == read


def test_an_unreachable_database_is_a_503_with_its_reason(tmp_path):
    unreachable = f"sqlite:///{tmp_path / 'no such folder' / 'fieldapp.sqlite3'}"
    app = create_app(base_config(unreachable, tmp_path / "instance"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unavailable",
        "checks": {
            "database": {"ok": False, "reason": "the database does not answer"},
            "migrations": {"ok": False, "reason": "not checked: the database does not answer"},
            "scheduler": {"ok": False, "reason": "not checked: the database does not answer"},
        },
    }


@pytest.mark.parametrize(
    ("revision", "reason"),
    [
        (PREVIOUS_REVISION, "the database is behind the code: run flask db upgrade"),
        ("0123456789ab", "the database is at a revision this code does not know"),
        (None, "no migrations applied: run flask db upgrade"),
    ],
)
def test_migrations_not_current_are_a_503(client, stamped, beating, revision, reason):
    if revision:
        stamped(revision)
    beating()
    response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["migrations"] == {"ok": False, "reason": reason}
    assert checks["database"] == checks["scheduler"] == {"ok": True}


def test_a_scheduler_that_never_ran_is_a_503(client, stamped, head):
    stamped(head)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["scheduler"] == {
        "ok": False,
        "reason": "the scheduler has not made a pass yet",
    }


def test_a_scheduler_silent_for_two_intervals_is_a_503(client, clock, stamped, beating, head):
    stamped(head)
    beating("dispatch", 30)
    beating("mail", 60)
    clock.shift(timedelta(seconds=60))
    assert client.get("/healthz").status_code == 200  # two intervals exactly: still in time
    clock.shift(timedelta(seconds=1))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["scheduler"] == {
        "ok": False,
        "reason": "dispatch: no pass for 61 s (runs every 30 s)",
    }
    beating("dispatch", 30)  # the next pass
    assert client.get("/healthz").status_code == 200


def test_the_schedulers_frequent_jobs_beat_and_retired_jobs_are_forgotten(
    app, db, client, stamped, head
):
    from fieldapp import jobs
    from fieldapp.reminders.dispatcher import Dispatcher

    stamped(head)
    heartbeat.record_pass("a retired job", 30)
    db.session.commit()
    dispatcher = Dispatcher(app, workers=1)
    try:
        scheduler = jobs.build(app, dispatcher)
        jobs.in_app(app, jobs.forget_retired_heartbeats(scheduler))()
        for job_id in ("dispatch", "resets", "mail"):
            scheduler.get_job(job_id).func()
    finally:
        dispatcher.close()
    beats = db.session.execute(select(SchedulerHeartbeat.job, SchedulerHeartbeat.every_seconds))
    assert dict(beats.all()) == {"dispatch": 30, "resets": 30, "mail": 60}
    assert client.get("/healthz").status_code == 200
