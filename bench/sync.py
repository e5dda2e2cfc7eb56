"""The notes outbox as a phone sends it after a day without signal: one fresh CSRF token, then
every note in order, each a JSON POST that the server stores by its UUID."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from flask.testing import FlaskClient
from sqlalchemy import func, select

from fieldapp.common.time import now_utc
from fieldapp.extensions import db
from fieldapp.visits.models import NoteRevision, Visit


@dataclass(frozen=True)
class SyncTiming:
    notes: int
    first_seconds: float  # the outbox sent for the first time: every note is new
    repeat_seconds: float  # the same outbox again (answers lost): every note is already there

    @property
    def notes_per_second(self) -> float:
        return self.notes / self.first_seconds


def plan_visit(organisation_id: int, counsellor_id: int, client_id: int) -> int:
    visit = Visit(
        organisation_id=organisation_id,
        client_id=client_id,
        counsellor_id=counsellor_id,
        starts_at=now_utc(),
    )
    db.session.add(visit)
    db.session.commit()
    return visit.id


def outbox(count: int) -> list[dict[str, object]]:
    return [
        {
            "revision_uuid": str(uuid.uuid4()),
            "note_uuid": str(uuid.uuid4()),
            "body": f"Notitie {n}: werkt zelfstandig, vraagt hulp bij de kassa. " * 4,
            "observations": {"attendance": 4, "punctuality": 5},
            "actions": [{"uuid": str(uuid.uuid4()), "text": "Werkschoenen", "due": "2026-12-01"}]
            if n % 10 == 0
            else [],
            "written_at": "2026-11-23T10:15:00+01:00",
        }
        for n in range(count)
    ]


def _send(client: FlaskClient, visit_id: int, notes: list[dict[str, object]]) -> float:
    start = time.perf_counter()
    token = client.get("/api/csrf").json["csrf_token"]
    for note in notes:
        response = client.post(
            f"/api/visits/{visit_id}/notes", json=note, headers={"X-CSRFToken": token}
        )
        if response.status_code not in (200, 201):
            raise RuntimeError(f"note refused: {response.status_code} {response.json}")
    return time.perf_counter() - start


def sync_outbox(client: FlaskClient, visit_id: int, count: int = 200) -> SyncTiming:
    notes = outbox(count)
    first = _send(client, visit_id, notes)
    repeat = _send(client, visit_id, notes)
    stored = db.session.scalar(
        select(func.count()).select_from(NoteRevision).where(NoteRevision.visit_id == visit_id)
    )
    if stored != count:
        raise RuntimeError(f"{count} notes sent twice, {stored} rows stored")
    return SyncTiming(count, first, repeat)
