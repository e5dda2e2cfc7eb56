"""Reading the audit log: the organisation's events, newest first, narrowed by a filter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from fieldapp.audit.models import AuditEvent
from fieldapp.common.paging import Page, paginate
from fieldapp.common.time import local_zone


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None
    actor_id: int | None = None
    since: date | None = None
    until: date | None = None


def search(filters: AuditFilter, page: int, per_page: int = 50) -> Page[AuditEvent]:
    """Events of the active organisation, newest first, narrowed by ``filters``."""
    statement = (
        select(AuditEvent)
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    if filters.action:
        statement = statement.where(AuditEvent.action == filters.action)
    if filters.actor_id:
        statement = statement.where(AuditEvent.actor_id == filters.actor_id)
    if filters.since:
        statement = statement.where(AuditEvent.at >= _start_of(filters.since))
    if filters.until:
        statement = statement.where(AuditEvent.at < _start_of(filters.until + timedelta(days=1)))
    return paginate(statement, page, per_page)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=local_zone())
