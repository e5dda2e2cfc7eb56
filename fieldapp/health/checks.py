"""What ``/healthz`` checks: the database answers, its migrations are the code's, the scheduler
made a pass lately. Each check answers ok or a short reason; none raises, none shows a version or
anything personal (the details go to the log)."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app
from sqlalchemy import Connection, select, text
from sqlalchemy.exc import SQLAlchemyError

from fieldapp.common.time import now_utc
from fieldapp.extensions import db
from fieldapp.health.models import SchedulerHeartbeat

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    ok: bool
    reason: str | None = None

    def as_json(self) -> dict[str, object]:
        return {"ok": True} if self.ok else {"ok": False, "reason": self.reason}


OK = Check(True)


@functools.cache
def _code_migrations(directory: str) -> tuple[frozenset[str], frozenset[str]]:
    """The heads and every revision of the migrations folder, read once per process (the code
    does not change under a running process)."""
    script = ScriptDirectory(directory)
    return frozenset(script.get_heads()), frozenset(s.revision for s in script.walk_revisions())


def migrations(connection: Connection) -> Check:
    try:
        heads, revisions = _code_migrations(current_app.extensions["migrate"].directory)
    except (OSError, CommandError):
        log.exception("healthz: the migrations folder cannot be read")
        return Check(False, "the migrations folder cannot be read")
    try:
        with connection.begin_nested():
            applied = frozenset(connection.scalars(text("SELECT version_num FROM alembic_version")))
    except SQLAlchemyError:
        return Check(False, "no migrations applied: run flask db upgrade")
    if applied == heads:
        return OK
    log.warning("healthz: the database is at %s, the code at %s", sorted(applied), sorted(heads))
    if applied <= revisions:
        return Check(False, "the database is behind the code: run flask db upgrade")
    return Check(False, "the database is at a revision this code does not know")


def scheduler(connection: Connection) -> Check:
    """Silent when a frequent job has not passed for two of its intervals."""
    beats = select(
        SchedulerHeartbeat.job, SchedulerHeartbeat.passed_at, SchedulerHeartbeat.every_seconds
    )
    try:
        with connection.begin_nested():
            rows = connection.execute(beats).all()
    except SQLAlchemyError:
        return Check(False, "the heartbeat cannot be read: run flask db upgrade")
    if not rows:
        return Check(False, "the scheduler has not made a pass yet")
    now = now_utc()
    silent = [
        f"{job}: no pass for {int((now - passed_at).total_seconds())} s (runs every {every} s)"
        for job, passed_at, every in sorted(rows)
        if (now - passed_at).total_seconds() > 2 * every
    ]
    return Check(False, "; ".join(silent)) if silent else OK


def run_all() -> dict[str, Check]:
    """Every check, on one connection; when the database does not answer, the others are not
    tried (each would wait for it again)."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            return {
                "database": OK,
                "migrations": migrations(connection),
                "scheduler": scheduler(connection),
            }
    except SQLAlchemyError as error:
        log.warning("healthz: the database does not answer (%s)", type(error).__name__)
        unreachable = Check(False, "the database does not answer")
        not_checked = Check(False, "not checked: the database does not answer")
        return {"database": unreachable, "migrations": not_checked, "scheduler": not_checked}
