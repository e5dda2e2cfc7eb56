"""What the evaluation tests share: the world's trajectory with its first moment held long ago,
visits with scored notes, and the page's JSON."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

import pytest

from fieldapp.common.time import local_zone
from fieldapp.feedback import shipped
from fieldapp.trajectories import services as trajectory_services
from fieldapp.trajectories.models import Evaluation
from fieldapp.visits.models import NoteRevision, Visit, VisitStatus
from tests.factories import World, days_from_today

KEYS = [competence["key"] for competence in shipped.COMPETENCES]
FIRST, SECOND = KEYS[0], KEYS[1]
FIRST_HELD_DAYS_AGO = 200


@dataclass
class Setting:
    world: World
    held: Evaluation  # the first moment, held FIRST_HELD_DAYS_AGO days ago
    evaluation: Evaluation  # the next one, to record now

    @property
    def url(self) -> str:
        return f"/evaluations/{self.evaluation.id}/record"


def visit_with_note(
    db: Any, world: World, days_ago: int, scores: dict[str, int], body: str = "Goed bezig."
) -> NoteRevision:
    """A visit ``days_ago`` days ago with one note scoring the competences in ``scores``."""
    starts_at = datetime.combine(days_from_today(-days_ago), time(10), local_zone())
    visit = Visit(
        organisation_id=world.organisation.id,
        client_id=world.client.id,
        counsellor_id=world.counsellor.id,
        starts_at=starts_at,
        status=VisitStatus.DONE.value,
    )
    db.session.add(visit)
    db.session.flush()
    revision = NoteRevision(
        organisation_id=world.organisation.id,
        revision_uuid=str(uuid.uuid4()),
        note_uuid=str(uuid.uuid4()),
        visit_id=visit.id,
        author_id=world.counsellor.id,
        body=body,
        observations={f"competence:{key}": score for key, score in scores.items()},
        written_at=starts_at,
    )
    db.session.add(revision)
    db.session.commit()
    return revision


def correct_note(db: Any, revision: NoteRevision, scores: dict[str, int]) -> NoteRevision:
    """A newer revision of ``revision``'s note with other scores."""
    newer = NoteRevision(
        organisation_id=revision.organisation_id,
        revision_uuid=str(uuid.uuid4()),
        note_uuid=revision.note_uuid,
        parent_uuid=revision.revision_uuid,
        visit_id=revision.visit_id,
        author_id=revision.author_id,
        body=revision.body + " (verbeterd)",
        observations={f"competence:{key}": score for key, score in scores.items()},
        written_at=revision.written_at.replace(hour=12),
    )
    db.session.add(newer)
    db.session.commit()
    return newer


def record_json(**overrides: Any) -> dict[str, Any]:
    """A complete record as the page's autosave sends it."""
    payload: dict[str, Any] = {
        "held_on": days_from_today(-1).isoformat(),
        "participants": [
            {"kind": "client", "name": "Mina"},
            {"kind": "supervisor", "name": "Sofie Supervisor"},
            {"kind": "counsellor", "name": "Ilse"},
        ],
        "scores": {FIRST: 4, SECOND: 3},
        "strengths": "Komt altijd op tijd.",
        "growth_points": [
            {"text": "Hulp vragen als iets niet lukt", "competence": SECOND},
            {"text": "Rijbewijs halen", "competence": None},
        ],
        "agreements": "Elke vrijdag een kort overleg met Sofie.",
        "decision": "continue",
        "next_on": days_from_today(20).isoformat(),
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def setting(make, db) -> Setting:
    world = make.world()
    moments = world.trajectory.evaluations
    held = moments[0]
    trajectory_services.hold_evaluation(
        world.counsellor, held, days_from_today(-FIRST_HELD_DAYS_AGO), ""
    )
    db.session.commit()
    return Setting(world, held, moments[1])


@pytest.fixture
def signed_in(auth, setting) -> Setting:
    auth.login(setting.world.counsellor.email)
    return setting
