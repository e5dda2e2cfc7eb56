"""On-site notes: append-only revisions, stored by the UUID the device made.

A note is a chain of revisions that share a ``note_uuid``. A device sends each revision with its
own ``revision_uuid`` and the revision it corrects (``parent_uuid``). Storing by ``revision_uuid``
makes a repeated send harmless: the second send finds the first and gets the same answer. Two
revisions that correct the same parent both stay; the note then has two heads, and the app shows
both and asks which one holds, instead of silently overwriting one. Keeping one version is a new
revision that ``replaces`` the others.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms.validators import DataRequired, Length, ValidationError

from fieldapp.audit import services as audit
from fieldapp.auth.models import User
from fieldapp.common.json_forms import (
    Day,
    Items,
    JSONForm,
    Mapping,
    Moment,
    Text,
    UUIDText,
    as_uuid,
    read_each,
)
from fieldapp.common.rules import RuleBroken
from fieldapp.common.time import now_utc
from fieldapp.extensions import db
from fieldapp.feedback.frameworks import FrameworkText
from fieldapp.visits.models import FollowUp, NoteRevision, Visit

MAX_BODY = 10_000
EARLIEST_NOTE = datetime(2000, 1, 1, tzinfo=UTC)
OBSERVATIONS = ("attendance", "punctuality", "attitude")
OBSERVATION_LABELS: dict[str, Any] = {
    "attendance": _l("Attendance"),
    "punctuality": _l("Punctuality"),
    "attitude": _l("Attitude"),
}
# Scores for the competences of the organisation's framework are kept next to the three above,
# under "competence:<key>".
COMPETENCE_PREFIX = "competence:"
SCALE = range(1, 6)
MAX_ACTIONS = 10
MAX_ACTION_TEXT = 300
NO_IDENTIFIER = _l("This note has no valid identifier.")


@dataclass(frozen=True)
class IncomingAction:
    """Something agreed during the visit, to be done by ``due_on``; becomes a follow-up."""

    action_uuid: str
    text: str
    due_on: date


@dataclass(frozen=True)
class IncomingRevision:
    revision_uuid: str
    note_uuid: str
    parent_uuid: str | None
    body: str
    observations: dict[str, int] = field(default_factory=dict)
    written_at: datetime | None = None
    replaces: tuple[str, ...] = ()
    actions: tuple[IncomingAction, ...] = ()


def observation_keys(framework: FrameworkText) -> tuple[str, ...]:
    """What a note can score: the three fixed observations and the framework's competences."""
    return OBSERVATIONS + tuple(COMPETENCE_PREFIX + c.key for c in framework.competences)


def observation_labels(framework: FrameworkText) -> dict[str, str]:
    labels = {key: str(label) for key, label in OBSERVATION_LABELS.items()}
    labels.update({COMPETENCE_PREFIX + c.key: c.label for c in framework.competences})
    return labels


class ActionInput(JSONForm):
    """Something agreed during the visit, as a device sends it."""

    unreadable = _l("The actions could not be read.")
    text = Text(
        validators=[
            DataRequired(_l("An action needs a description.")),
            Length(
                max=MAX_ACTION_TEXT,
                message=_l("An action is at most %(n)d characters long.", n=MAX_ACTION_TEXT),
            ),
        ]
    )
    due = Day(message=_l("An action needs a due date."))
    uuid = UUIDText(message=NO_IDENTIFIER)


class RevisionInput(JSONForm):
    """A note revision as a device (or the plain form) sends it. The fields are declared in the
    order they are checked: the first problem is the one the device shows."""

    unreadable = _l("The note could not be read.")
    allowed: Collection[str] = OBSERVATIONS
    body = Text(
        validators=[
            DataRequired(_l("The note is empty.")),
            Length(
                max=MAX_BODY, message=_l("The note is longer than %(n)d characters.", n=MAX_BODY)
            ),
        ]
    )
    observations = Mapping(message=_l("The observations could not be read."))
    written_at = Moment(message=_l("The note's date could not be read."))
    replaces = Items(
        message=_l("The note could not be read."),
        most=20,
        each=lambda value: as_uuid(value, NO_IDENTIFIER),
    )
    actions = Items(
        message=_l("A note holds at most %(n)d actions.", n=MAX_ACTIONS),
        most=MAX_ACTIONS,
        each=read_each(ActionInput),
    )
    revision_uuid = UUIDText(message=NO_IDENTIFIER)
    note_uuid = UUIDText(message=NO_IDENTIFIER)
    parent_uuid = UUIDText(message=NO_IDENTIFIER, optional=True)

    def validate_observations(self, field: Mapping) -> None:
        for key, value in field.data.items():
            whole = isinstance(value, int) and not isinstance(value, bool)  # JSON true is no 1
            if key not in self.allowed or not whole or value not in SCALE:
                raise ValidationError(_("Observations are scored from 1 to 5."))

    def validate_written_at(self, field: Moment) -> None:
        if field.data is not None and not _plausible(field.data):
            raise ValidationError(_("The note's date could not be read."))


def parse(payload: Any, allowed: Collection[str] = OBSERVATIONS) -> IncomingRevision:
    """Check what a device sent; every refusal says why, so the device can show it.
    ``allowed`` are the observations it may score (see ``observation_keys``)."""
    return revision_of(RevisionInput.read(payload, allowed=allowed))


def revision_of(form: RevisionInput) -> IncomingRevision:
    """The revision a validated :class:`RevisionInput` (or a form built on it) holds."""
    return IncomingRevision(
        revision_uuid=form.revision_uuid.data,
        note_uuid=form.note_uuid.data,
        parent_uuid=form.parent_uuid.data,
        body=form.body.data,
        observations=form.observations.data,
        written_at=form.written_at.data,
        replaces=tuple(form.replaces.data),
        actions=tuple(
            IncomingAction(action.uuid.data, action.text.data.strip(), action.due.data)
            for action in form.actions.data
        ),
    )


def _plausible(moment: datetime) -> bool:
    """An aware moment from 2000 to a day from now: a phone's clock may be off, not by years."""
    if moment.tzinfo is None:
        return False
    try:
        in_utc = moment.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+14:00 is before the first representable moment
        return False
    return EARLIEST_NOTE <= in_utc <= now_utc() + timedelta(days=1)


def _existing(revision_uuid: str) -> NoteRevision | None:
    return db.session.scalars(
        select(NoteRevision).where(NoteRevision.revision_uuid == revision_uuid)
    ).first()


def store(actor: User, visit: Visit, incoming: IncomingRevision) -> tuple[NoteRevision, bool]:
    """Store a revision once; returns it and whether it is new. Commits (idempotency needs it)."""
    existing = _existing(incoming.revision_uuid)
    if existing is not None:
        _same_note(existing, visit, incoming)
        return existing, False
    for earlier_uuid in filter(None, (incoming.parent_uuid, *incoming.replaces)):
        earlier = _existing(earlier_uuid)
        if (
            earlier is None
            or earlier.note_uuid != incoming.note_uuid
            or earlier.visit_id != visit.id
        ):
            raise RuleBroken(_("The note this corrects is unknown."), field="parent_uuid")
    revision = NoteRevision(
        organisation_id=visit.organisation_id,
        revision_uuid=incoming.revision_uuid,
        note_uuid=incoming.note_uuid,
        parent_uuid=incoming.parent_uuid,
        replaces=list(incoming.replaces),
        visit_id=visit.id,
        author_id=actor.id,
        body=incoming.body,
        observations=incoming.observations,
        written_at=incoming.written_at or now_utc(),
    )
    try:
        # Inside the try: the follow-ups' query flushes the revision, and a twin request (a second
        # tab, a retry) may have stored the same revision or action a moment ago.
        db.session.add(revision)
        _add_follow_ups(actor, visit, incoming)
        audit.record(
            "visit.note_saved", organisation_id=visit.organisation_id, actor=actor, target=visit
        )
        db.session.commit()
    except IntegrityError:
        # The same revision arrived twice at once: the other request stored it; answer with that.
        db.session.rollback()
        existing = _existing(incoming.revision_uuid)
        if existing is None:  # taken in another organisation: refuse, reveal nothing
            raise RuleBroken(_("This note identifier is already used for another note.")) from None
        _same_note(existing, visit, incoming)
        return existing, False
    return revision, True


def _add_follow_ups(actor: User, visit: Visit, incoming: IncomingRevision) -> None:
    """One follow-up per action; an action a correction repeats (same UUID) is not added again."""
    if not incoming.actions:
        return
    known = set(
        db.session.scalars(
            select(FollowUp.action_uuid).where(
                FollowUp.action_uuid.in_([action.action_uuid for action in incoming.actions])
            )
        )
    )
    for action in incoming.actions:
        if action.action_uuid in known:
            continue
        known.add(action.action_uuid)
        db.session.add(
            FollowUp(
                organisation_id=visit.organisation_id,
                action_uuid=action.action_uuid,
                note_uuid=incoming.note_uuid,
                visit_id=visit.id,
                client_id=visit.client_id,
                owner_id=actor.id,
                text=action.text,
                due_on=action.due_on,
            )
        )


class DifferentContent(RuleBroken):
    """A revision arrived again under its UUID with other content: the first one stays stored and
    the device keeps this one, so that the counsellor chooses (answered with 409)."""

    conflict = True


def _same_note(existing: NoteRevision, visit: Visit, incoming: IncomingRevision) -> None:
    if existing.visit_id != visit.id or existing.note_uuid != incoming.note_uuid:
        raise RuleBroken(_("This note identifier is already used for another note."))
    stored = (existing.body, existing.observations or {}, existing.parent_uuid)
    if stored != (incoming.body, incoming.observations, incoming.parent_uuid):
        raise DifferentContent(
            _(
                "Another version of this note was saved already. Both are kept: that one on the "
                "server, this one on your phone. Copy what you need into a new note."
            )
        )


@dataclass(frozen=True)
class Note:
    note_uuid: str
    heads: list[NoteRevision]
    history: list[NoteRevision]

    @property
    def in_conflict(self) -> bool:
        return len(self.heads) > 1


def notes_of(visit: Visit) -> list[Note]:
    """Every note of ``visit`` with its current head(s) and its history, oldest note first."""
    revisions = list(
        db.session.scalars(
            select(NoteRevision)
            .where(NoteRevision.visit_id == visit.id)
            .order_by(NoteRevision.written_at, NoteRevision.id)
        )
    )
    corrected = {r.parent_uuid for r in revisions if r.parent_uuid}
    corrected.update(uuid for r in revisions for uuid in r.replaces)
    notes: dict[str, Note] = {}
    for revision in revisions:
        note = notes.setdefault(revision.note_uuid, Note(revision.note_uuid, [], []))
        note.history.append(revision)
        if revision.revision_uuid not in corrected:
            note.heads.append(revision)
    return list(notes.values())


def as_json(revision: NoteRevision) -> dict[str, Any]:
    return {
        "revision_uuid": revision.revision_uuid,
        "note_uuid": revision.note_uuid,
        "parent_uuid": revision.parent_uuid,
        "visit_id": revision.visit_id,
        "received_at": revision.received_at.isoformat(),
    }
