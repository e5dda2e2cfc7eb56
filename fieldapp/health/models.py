from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from fieldapp.common.time import UTCDateTime
from fieldapp.extensions import db


class SchedulerHeartbeat(db.Model):
    """When one of the scheduler's frequent jobs last finished a pass, and how often it runs.

    One row per job, written by the scheduler after each pass; ``/healthz`` calls the scheduler
    silent when a row is older than two of its intervals. The row says its own interval, so the
    web servers need not share the scheduler's settings.
    """

    __tablename__ = "scheduler_heartbeat"

    job: Mapped[str] = mapped_column(String(40), primary_key=True)
    passed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    every_seconds: Mapped[int]
