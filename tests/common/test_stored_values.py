"""Whatever is already in the database renders: values from an import, an older version or a
direct fix in the database never turn a page, a list or the calendar feed into a 500."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from fieldapp.audit.models import AuditEvent
from fieldapp.auth.roles import Role
from fieldapp.clients.models import TimelineEvent
from fieldapp.method.models import ReminderRule
from fieldapp.visits import calendar
from fieldapp.visits.models import NoteRevision, Visit

ODD_TEXT = "Line\r\nbreak\u2028sep; comma, back\\slash <b>bold</b> \u202eevil"


@pytest.fixture
def odd_world(make, db):
    world = make.world()
    world.client.first_name = ODD_TEXT
    world.worksite.name = ODD_TEXT
    edge = Visit(
        organisation_id=world.organisation.id,
        client_id=world.client.id,
        counsellor_id=world.counsellor.id,
        worksite_id=world.worksite.id,
        starts_at=datetime(9999, 12, 31, 23, 30, tzinfo=UTC),
        minutes=480,
        purpose=ODD_TEXT,
    )
    zero = Visit(
        organisation_id=world.organisation.id,
        client_id=world.client.id,
        counsellor_id=world.counsellor.id,
        starts_at=world.visit.starts_at,
        minutes=0,
        purpose="",
    )
    db.session.add_all([edge, zero])
    db.session.add_all(
        [
            ReminderRule(
                organisation_id=world.organisation.id, kind="visit", scheme="", offsets=[]
            ),
            ReminderRule(
                organisation_id=world.organisation.id,
                kind="aftercare",
                scheme="art60",
                offsets=[9999, 0],
            ),
            AuditEvent(
                organisation_id=world.organisation.id,
                action="from.an.older.version",
                target_type="thing",
                target_id=123456,
                detail={"nested": [1, {"a": None}], "text": ODD_TEXT},
            ),
            TimelineEvent(
                organisation_id=world.organisation.id,
                client_id=world.client.id,
                kind="from_an_older_version",
                data={"text": ODD_TEXT},
            ),
            NoteRevision(
                organisation_id=world.organisation.id,
                revision_uuid="00000000-0000-4000-8000-000000000001",
                note_uuid="00000000-0000-4000-8000-000000000002",
                visit_id=world.visit.id,
                author_id=world.counsellor.id,
                body=ODD_TEXT,
                observations={"competence:gone": 5, "attendance": 9},
                written_at=datetime(2001, 1, 1, tzinfo=UTC),
            ),
        ]
    )
    db.session.commit()
    return world, edge


def test_every_page_renders_what_is_stored(client, auth, make, db, odd_world):
    world, edge = odd_world
    admin = make.user(world.organisation, role=Role.ADMIN)
    lead = make.user(world.organisation, role=Role.TEAM_LEAD)
    pages = {
        world.counsellor.email: [
            "/",
            "/clients/",
            f"/clients/{world.client.id}",
            f"/clients/{world.client.id}/export",
            "/visits/",
            f"/visits/{world.visit.id}",
            f"/visits/{edge.id}",
            f"/visits/{edge.id}/edit",
            "/notifications",
            f"/feedback/rounds/{world.feedback_round.id}",
            "/worksites/",
            f"/worksites/{world.worksite.id}",
        ],
        lead.email: ["/team/", "/reports/yearly", "/reports/yearly.csv"],
        admin.email: ["/admin/reminders", "/admin/audit/", "/admin/users/"],
    }
    for email, urls in pages.items():
        auth.login(email)
        for url in urls:
            assert client.get(url).status_code == 200, url
        auth.logout()


def test_the_calendar_feed_renders_a_visit_at_the_end_of_time(client, db, odd_world):
    world, _edge = odd_world
    token = calendar.issue(world.counsellor)
    db.session.commit()
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    feed = response.get_data(as_text=True)
    assert "DTSTART:99991231T233000Z" in feed
    lines = feed.split("\r\n")
    assert not [line for line in lines if any(mark in line for mark in "\r\n\u2028")]
    assert "LOCATION:Line\\nbreak\\nsep\\; comma\\, back\\\\slash" in feed.replace("\r\n ", "")
