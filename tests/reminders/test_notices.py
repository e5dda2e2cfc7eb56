"""Notices: told now, through the dispatcher's usual way. An ordinary one waits for the end of
quiet hours like any reminder; an urgent one passes quiet hours and the digest. Planning the
file never cancels a notice."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from sqlalchemy import select

from fieldapp.reminders import agenda, notices, preferences
from fieldapp.reminders.models import Reminder
from tests.reminders.conftest import refreshed
from tests.reminders.test_dispatcher import allow

LATE = datetime(2026, 11, 24, 21, 15, tzinfo=UTC)  # 22:15 in Brussels, a Tuesday


@pytest.fixture
def quiet_counsellor(db, make, service, clock):
    world = make.world()
    counsellor = world.counsellor
    allow(db, counsellor, service)
    preferences.save(
        counsellor,
        preferences.Preferences(quiet_from=time(21), quiet_until=time(7, 30), digest=True),
    )
    db.session.commit()
    clock.move_to(LATE)
    return world


def tell(db, world, *, urgent: bool, about: str) -> Reminder:
    notices.tell(
        organisation_id=world.organisation.id,
        user_id=world.counsellor.id,
        client_id=world.client.id,
        kind=notices.SUPERVISOR_URGENT if urgent else notices.SUPERVISOR,
        subject_id=world.trajectory.id,
        about=about,
        urgent=urgent,
    )
    db.session.commit()
    return db.session.scalars(select(Reminder).where(Reminder.key.endswith(about))).one()


def test_an_urgent_notice_passes_quiet_hours_and_the_digest(
    db, quiet_counsellor, service, dispatcher
):
    world = quiet_counsellor
    ordinary = tell(db, world, urgent=False, about="report-1")
    urgent = tell(db, world, urgent=True, about="report-2")
    report = dispatcher(LATE)
    assert report.postponed == 1
    (delivery,) = service.received()
    assert delivery.payload["tag"] == urgent.key
    assert delivery.payload["url"] == f"/trajectories/{world.trajectory.id}/supervisor-link"
    assert world.client.first_name not in str(delivery.payload)
    assert refreshed(db, urgent).status == "sent"
    assert refreshed(db, ordinary).next_attempt_at == datetime(2026, 11, 25, 6, 30, tzinfo=UTC)


def test_telling_twice_makes_one_notice_and_planning_keeps_it(db, quiet_counsellor):
    world = quiet_counsellor
    first = tell(db, world, urgent=True, about="report-7")
    tell(db, world, urgent=True, about="report-7")
    agenda.plan(world.organisation.id, [world.client.id])
    db.session.commit()
    assert refreshed(db, first).status == "pending"
    assert agenda.client_of(first.scope) == world.client.id


def test_an_unknown_kind_is_a_programming_error(db, make):
    world = make.world()
    with pytest.raises(ValueError, match="unknown notice kind"):
        notices.tell(
            organisation_id=world.organisation.id,
            user_id=world.counsellor.id,
            client_id=world.client.id,
            kind="gossip",
            subject_id=1,
            about="x",
        )
