"""The scheduler's heartbeat: one cheap upsert per pass of a frequent job."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from fieldapp.common.time import now_utc
from fieldapp.extensions import db
from fieldapp.health.models import SchedulerHeartbeat

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def record_pass(job: str, every_seconds: int) -> None:
    """Stamp ``job``'s pass now (the caller commits). One INSERT … ON CONFLICT UPDATE, so two
    schedulers by mistake never collide on the first pass."""
    table = SchedulerHeartbeat.__table__
    values = {"job": job, "passed_at": now_utc(), "every_seconds": every_seconds}
    insert = _INSERTS[db.session.get_bind().dialect.name](table).values(**values)
    db.session.execute(
        insert.on_conflict_do_update(
            index_elements=[table.c.job],
            set_={"passed_at": insert.excluded.passed_at, "every_seconds": every_seconds},
        )
    )


def forget_all_but(jobs: Collection[str]) -> None:
    """Drop the rows of jobs this scheduler no longer runs (the caller commits): a job retired by
    an upgrade must not leave a row that ages and fails ``/healthz`` for ever."""
    db.session.execute(delete(SchedulerHeartbeat).where(SchedulerHeartbeat.job.not_in(jobs)))
