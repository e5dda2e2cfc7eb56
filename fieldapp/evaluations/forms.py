"""What the evaluation page sends, as JSON (the autosave) or as a plain form (read into the same
JSON first), checked by one form: unknown participants or competences and scores off the scale
are refused with a message, before anything is saved."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms.validators import Length, ValidationError

from fieldapp.common.json_forms import Day, Items, JSONForm, Mapping, Text, read_each
from fieldapp.common.numbers import whole_number
from fieldapp.evaluations.models import Decision, ParticipantKind
from fieldapp.visits.notes import SCALE

MAX_TEXT = 5_000
MAX_LINE = 300
MAX_NAME = 120
MAX_PARTICIPANTS = 20
MAX_GROWTH_POINTS = 20
UNREADABLE = _l("The evaluation could not be read.")
UNKNOWN_PARTICIPANT = _l(
    "Unknown participant: choose client, floor supervisor, counsellor, mentor or other."
)


class OptionalDay(Day):
    """An ISO 8601 date, or None when missing or empty."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or valuelist[0] in (None, ""):
            self.data = None
            return
        super().process_formdata(valuelist)


def _length(maximum: int, message: Any) -> Length:
    return Length(max=maximum, message=message)


class ParticipantInput(JSONForm):
    unreadable = _l("A participant could not be read.")
    kind = Text()
    name = Text(validators=[_length(MAX_NAME, _l("A name is at most 120 characters long."))])

    def validate_kind(self, field: Text) -> None:
        if field.data not in {kind.value for kind in ParticipantKind}:
            raise ValidationError(str(UNKNOWN_PARTICIPANT))


class GrowthPointInput(JSONForm):
    unreadable = _l("A growth point could not be read.")
    text = Text(validators=[_length(MAX_LINE, _l("A growth point is at most 300 characters."))])
    competence = Text()


class _RecordId(Text):
    """The version the page is editing: a whole number, or nothing."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        value = valuelist[0] if valuelist else None
        self.data = value if isinstance(value, int) and not isinstance(value, bool) else None


class RecordInput(JSONForm):
    """The record as the page sends it; the fields are checked in this order."""

    unreadable = UNREADABLE
    competences: Collection[str] = ()
    held_on = OptionalDay(message=_l("The date held could not be read."))
    participants = Items(
        message=_l("At most %(n)d participants.", n=MAX_PARTICIPANTS),
        most=MAX_PARTICIPANTS,
        each=read_each(ParticipantInput),
    )
    scores = Mapping(message=UNREADABLE)
    strengths = Text(validators=[_length(MAX_TEXT, _l("Strengths: at most 5000 characters."))])
    growth_points = Items(
        message=_l("At most %(n)d growth points.", n=MAX_GROWTH_POINTS),
        most=MAX_GROWTH_POINTS,
        each=read_each(GrowthPointInput),
    )
    agreements = Text(validators=[_length(MAX_TEXT, _l("Agreements: at most 5000 characters."))])
    decision = Text()
    next_on = OptionalDay(message=_l("The next evaluation date could not be read."))
    record_id = _RecordId()

    def validate_scores(self, field: Mapping) -> None:
        for key, value in field.data.items():
            if key not in self.competences:
                raise ValidationError(_("Unknown competence: %(key)s.", key=str(key)[:40]))
            if value is not None and (
                not isinstance(value, int) or isinstance(value, bool) or value not in SCALE
            ):
                raise ValidationError(_("Judgements are scored from 1 to 5."))

    def validate_growth_points(self, field: Items) -> None:
        for point in field.data:
            competence = point.competence.data
            if competence and competence not in self.competences:
                raise ValidationError(_("Unknown competence: %(key)s.", key=str(competence)[:40]))

    def validate_decision(self, field: Text) -> None:
        if field.data and field.data not in {decision.value for decision in Decision}:
            raise ValidationError(_("Choose continue, adjust or end."))


@dataclass(frozen=True)
class Participant:
    kind: ParticipantKind
    name: str


@dataclass(frozen=True)
class GrowthPoint:
    text: str
    competence: str | None


@dataclass(frozen=True)
class RecordDraft:
    """What the participants typed, checked for shape (the dates are checked by the service)."""

    record_id: int | None
    held_on: date | None
    participants: tuple[Participant, ...]
    scores: dict[str, int | None]
    strengths: str
    growth_points: tuple[GrowthPoint, ...]
    agreements: str
    decision: Decision | None
    next_on: date | None


def parse(payload: Any, competences: Collection[str]) -> RecordDraft:
    """Check what the page sent; ``competences`` are the keys it may judge."""
    form = RecordInput.read(payload, competences=competences)
    return RecordDraft(
        record_id=form.record_id.data,
        held_on=form.held_on.data,
        participants=tuple(
            Participant(ParticipantKind(p.kind.data), (p.name.data or "").strip())
            for p in form.participants.data
        ),
        scores=dict(form.scores.data),
        strengths=(form.strengths.data or "").strip(),
        growth_points=tuple(
            GrowthPoint(text, p.competence.data or None)
            for p in form.growth_points.data
            if (text := (p.text.data or "").strip())
        ),
        agreements=(form.agreements.data or "").strip(),
        decision=Decision(form.decision.data) if form.decision.data else None,
        next_on=form.next_on.data,
    )


def payload_from_form(form: MultiDict, competences: Collection[str]) -> dict[str, Any]:
    """The plain HTML form read as the JSON the autosave sends (see static/js/evaluation.js)."""
    participants = []
    for value in form.getlist("participant"):
        kind, _sep, name = value.partition("|")
        participants.append({"kind": kind, "name": name})
    participants += [
        {"kind": ParticipantKind.OTHER.value, "name": line.strip()}
        for line in form.get("others", "").splitlines()
        if line.strip()
    ]
    scores: dict[str, Any] = {}
    for key in competences:
        value = form.get(f"score_{key}", "")
        scores[key] = (whole_number(value) or value) if value else None
    growth_points = [
        {"text": text, "competence": competence}
        for text, competence in zip(
            form.getlist("growth_text"), form.getlist("growth_competence"), strict=False
        )
        if text.strip()
    ]
    record_id = whole_number(form.get("record_id", ""))
    return {
        "record_id": record_id,
        "held_on": form.get("held_on", ""),
        "participants": participants,
        "scores": scores,
        "strengths": form.get("strengths", ""),
        "growth_points": growth_points,
        "agreements": form.get("agreements", ""),
        "decision": form.get("decision", ""),
        "next_on": form.get("next_on", ""),
    }
