"""What the trend's tests share: notes with scores, and 360° answers, on the world's client."""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from typing import Any

from fieldapp.common.dates import today
from fieldapp.common.time import local_zone
from fieldapp.feedback.models import FeedbackRound, RaterGroup
from fieldapp.visits.models import NoteRevision, Visit
from tests.factories import CaseloadFactories, World


def moment(days: int, hour: int = 10) -> datetime:
    """A moment ``days`` from (the frozen) today, in the organisation's time zone."""
    return datetime.combine(today() + timedelta(days=days), time(hour), local_zone())


def note(
    db: Any,
    world: World,
    observations: dict[str, int],
    days: int,
    *,
    note_uuid: str | None = None,
    parent: NoteRevision | None = None,
    replaces: tuple[NoteRevision, ...] = (),
    visit: Visit | None = None,
) -> NoteRevision:
    """A revision of a note on the world's visit, written ``days`` from today."""
    revision = NoteRevision(
        organisation_id=world.organisation.id,
        revision_uuid=str(uuid.uuid4()),
        note_uuid=note_uuid or (parent.note_uuid if parent else str(uuid.uuid4())),
        parent_uuid=parent.revision_uuid if parent else None,
        replaces=[r.revision_uuid for r in replaces],
        visit_id=(visit or world.visit).id,
        author_id=world.counsellor.id,
        body="Goed bezig.",
        observations=observations,
        written_at=moment(days),
    )
    db.session.add(revision)
    db.session.commit()
    return revision


def answers(
    db: Any, feedback_round: FeedbackRound, group: RaterGroup, *scores: dict[str, int | None]
) -> None:
    factories = CaseloadFactories(db)
    for each in scores:
        factories.feedback_answer(feedback_round, group, each)
