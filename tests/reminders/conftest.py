"""Shared pieces for the reminder tests: a local push service, a dispatcher, due reminders."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask

from fieldapp.auth.models import User
from fieldapp.method.rules import RuleKind
from fieldapp.reminders import vapid
from fieldapp.reminders.dispatcher import Dispatcher, PassReport
from fieldapp.reminders.models import Reminder
from tests.push_service import PushService

# A Tuesday morning in Brussels (09:00 local): nobody's quiet hours.
TUESDAY_9 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
_subjects = itertools.count(1000)


@pytest.fixture
def service() -> Iterator[PushService]:
    with PushService() as running:
        yield running


@pytest.fixture
def signed_in_counsellor(app: Flask, make: Any, auth: Any) -> User:
    """A counsellor signed in on ``client``, with the app's VAPID keys made."""
    vapid.create(app)
    user = make.user(email="an@example.org")
    auth.login(user.email)
    return user


@pytest.fixture
def dispatcher(app: Flask, db: Any) -> Iterator[Any]:
    """Runs passes as the scheduler does: with a request context for links."""
    vapid.create(app)
    running = Dispatcher(app, workers=4)

    def run(now: datetime = TUESDAY_9) -> PassReport:
        with app.test_request_context(base_url=app.config["FIELDAPP_BASE_URL"]):
            return running.run_once(now)

    run.dispatcher = running  # type: ignore[attr-defined]
    yield run
    running.close()


def due_reminder(
    db: Any,
    user: User | None,
    *,
    kind: str = RuleKind.EVALUATION,
    at: datetime = TUESDAY_9,
    organisation_id: int | None = None,
    scope: str = "",
) -> Reminder:
    subject_id = next(_subjects)
    moment = at.date()
    reminder = Reminder(
        organisation_id=organisation_id or (user.organisation_id if user else 0),
        key=f"{kind}:{subject_id}:{moment:%Y%m%d}",
        kind=str(kind),
        scope=scope,
        subject_id=subject_id,
        user_id=user.id if user else None,
        moment=moment,
        event_on=date(2026, 12, 1),
        next_attempt_at=at,
    )
    db.session.add(reminder)
    db.session.commit()
    return reminder


def refreshed(db: Any, reminder: Reminder) -> Reminder:
    db.session.expire_all()
    fresh = db.session.get(Reminder, reminder.id)
    assert fresh is not None
    return fresh
