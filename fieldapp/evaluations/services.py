"""The rules of an evaluation record: a draft saved as it is typed, closed once, corrected as a new
version; and what other packages read from closed records (judgements, growth points,
agreements)."""

from __future__ import annotations

from datetime import date
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from fieldapp.audit import services as audit
from fieldapp.auth.models import User
from fieldapp.clients.models import Client
from fieldapp.common import events
from fieldapp.common.dates import today
from fieldapp.common.rules import RuleBroken
from fieldapp.common.tenancy import of_tenant, tenant_rows
from fieldapp.common.time import now_utc
from fieldapp.evaluations.forms import GrowthPoint, Participant, RecordDraft
from fieldapp.evaluations.models import (
    Decision,
    EvaluationJudgement,
    EvaluationRecord,
    ParticipantKind,
    RecordStatus,
)
from fieldapp.extensions import db
from fieldapp.feedback.frameworks import FrameworkText
from fieldapp.mentorships import services as mentorships
from fieldapp.trajectories import services as trajectories
from fieldapp.trajectories.models import Evaluation, Trajectory


class RecordClosed(RuleBroken):
    """A closed record is changed only by a correction (a new version): answered with 409."""

    conflict = True


class SavedElsewhere(RuleBroken):
    """Another request made the draft a moment ago (answered with 409)."""

    conflict = True


def _closed() -> RecordClosed:
    return RecordClosed(
        _("This evaluation record is closed and cannot be changed. Make a correction instead.")
    )


def versions_of(evaluation: Evaluation) -> list[EvaluationRecord]:
    """Every version of the evaluation's record, oldest first, with its judgements."""
    return list(
        db.session.scalars(
            select(EvaluationRecord)
            .where(EvaluationRecord.evaluation_id == evaluation.id)
            .options(selectinload(EvaluationRecord.judgements))
            .order_by(EvaluationRecord.version)
        )
    )


def current(versions: list[EvaluationRecord]) -> EvaluationRecord | None:
    """The version being worked on (the draft), else the newest closed one."""
    drafts = [record for record in versions if not record.is_closed]
    return drafts[0] if drafts else (versions[-1] if versions else None)


def proposed_participants(trajectory: Trajectory) -> list[Participant]:
    """Who usually takes part: the client, the placement's floor supervisor (its contact), the
    client's counsellor and mentors."""
    client = trajectory.client
    people = [Participant(ParticipantKind.CLIENT, client.full_name)]
    if trajectory.supervisor is not None:
        people.append(Participant(ParticipantKind.SUPERVISOR, trajectory.supervisor.name))
    people.append(Participant(ParticipantKind.COUNSELLOR, client.counsellor.name))
    people += [
        Participant(ParticipantKind.MENTOR, mentorship.mentor_name)
        for mentorship in mentorships.of_client(client)
    ]
    return people


def _check_dates(trajectory: Trajectory, held_on: date | None, next_on: date | None) -> None:
    if held_on is not None:
        if held_on < trajectory.started_on:
            raise RuleBroken(_("The evaluation cannot be before the start."), field="held_on")
        if held_on > today():
            raise RuleBroken(_("The evaluation cannot be held in the future."), field="held_on")
        if trajectory.ended_on is not None and held_on > trajectory.ended_on:
            raise RuleBroken(
                _("The evaluation cannot be after the end of the trajectory."), field="held_on"
            )
    if next_on is not None:
        if next_on <= (held_on or today()):
            raise RuleBroken(_("The next evaluation must come after this one."), field="next_on")
        end = trajectory.ended_on or trajectory.planned_end_on
        if end is not None and next_on > end:
            raise RuleBroken(
                _(
                    "The next evaluation must be by the end of the trajectory (%(day)s).",
                    day=end.isoformat(),
                ),
                field="next_on",
            )


def _write(record: EvaluationRecord, draft: RecordDraft, framework: FrameworkText) -> None:
    record.held_on = draft.held_on
    record.participants = [{"kind": p.kind.value, "name": p.name} for p in draft.participants]
    record.strengths = draft.strengths
    record.growth_points = [
        {"text": point.text, "competence": point.competence} for point in draft.growth_points
    ]
    record.agreements = draft.agreements
    record.decision = draft.decision.value if draft.decision else None
    record.next_on = None if draft.decision is Decision.END else draft.next_on
    rows = {row.competence_key: row for row in record.judgements}
    for position, competence in enumerate(framework.competences):
        row = rows.pop(competence.key, None)
        if row is None:
            row = EvaluationJudgement(
                organisation_id=record.organisation_id, competence_key=competence.key
            )
            record.judgements.append(row)
        row.label = competence.label[:80]
        row.position = position
        row.score = draft.scores.get(competence.key, row.score)
    for row in rows.values():  # a competence no longer in the framework keeps a given score
        if row.score is None:
            record.judgements.remove(row)
    record.updated_at = now_utc()


def save_draft(
    actor: User, evaluation: Evaluation, draft: RecordDraft, framework: FrameworkText
) -> EvaluationRecord:
    """Keep what was typed in the evaluation's draft (made on the first save). A closed record is
    never changed in place (:class:`RecordClosed`)."""
    trajectory = db.session.get(Trajectory, evaluation.trajectory_id)
    versions = versions_of(evaluation)
    record = current(versions)
    if draft.record_id is not None:
        named = next((v for v in versions if v.id == draft.record_id), None)
        if named is None:
            raise RuleBroken(_("This record belongs to another evaluation."), field="record_id")
        if named.is_closed:
            raise _closed()
    if record is not None and record.is_closed:
        raise _closed()
    _check_dates(trajectory, draft.held_on, draft.next_on)
    if record is None:
        record = EvaluationRecord(
            organisation_id=trajectory.organisation_id,
            evaluation_id=evaluation.id,
            trajectory_id=trajectory.id,
            client_id=trajectory.client_id,
            version=1,
            status=RecordStatus.DRAFT.value,
            created_by_id=actor.id,
        )
        try:  # two first saves at once (a second tab, the autosave racing a submit): one draft
            with db.session.begin_nested():
                db.session.add(record)
        except IntegrityError:
            raise SavedElsewhere(
                _("This evaluation was just saved elsewhere. Reload the page to go on.")
            ) from None
    _write(record, draft, framework)
    db.session.flush()
    return record


def close(actor: User, evaluation: Evaluation, record: EvaluationRecord) -> None:
    """Make the draft final: the moment is held on its day, and the next moment is planned on
    the agreed date."""
    if record.is_closed:
        raise _closed()
    trajectory = db.session.get(Trajectory, evaluation.trajectory_id)
    if record.held_on is None:
        raise RuleBroken(_("Say on which day the evaluation was held."), field="held_on")
    if not record.participants:
        raise RuleBroken(_("Say who took part."), field="participants")
    decision = record.decision_enum
    if decision is None:
        raise RuleBroken(_("Choose a decision: continue, adjust or end."), field="decision")
    if decision is not Decision.END and record.next_on is None and trajectory.is_open:
        raise RuleBroken(_("Give the date of the next evaluation."), field="next_on")
    _check_dates(trajectory, record.held_on, record.next_on)
    record.status = RecordStatus.CLOSED.value
    record.closed_at = now_utc()
    record.closed_by_id = actor.id
    if evaluation.done_on is None:
        trajectories.hold_evaluation(actor, evaluation, record.held_on, evaluation.note)
    else:  # a correction (or the short form before): the day held is the record's
        evaluation.done_on = record.held_on
    if record.next_on is not None and trajectory.is_open:
        trajectories.plan_next_evaluation(actor, evaluation, record.next_on)
    audit.record(
        "evaluation.record_closed",
        organisation_id=record.organisation_id,
        actor=actor,
        target=record,
        detail={"version": record.version},
    )
    db.session.flush()
    events.client_file_changed.send(trajectory.client)


def correct(actor: User, evaluation: Evaluation) -> EvaluationRecord:
    """A new draft version copied from the newest closed one; the closed one stays as it was."""
    versions = versions_of(evaluation)
    record = current(versions)
    if record is None or not record.is_closed:
        raise RuleBroken(_("Only a closed record can be corrected; keep editing the draft."))
    copy = EvaluationRecord(
        organisation_id=record.organisation_id,
        evaluation_id=record.evaluation_id,
        trajectory_id=record.trajectory_id,
        client_id=record.client_id,
        version=record.version + 1,
        status=RecordStatus.DRAFT.value,
        held_on=record.held_on,
        participants=[dict(p) for p in record.participants],
        strengths=record.strengths,
        growth_points=[dict(p) for p in record.growth_points],
        agreements=record.agreements,
        decision=record.decision,
        next_on=record.next_on,
        created_by_id=actor.id,
    )
    copy.judgements = [
        EvaluationJudgement(
            organisation_id=row.organisation_id,
            competence_key=row.competence_key,
            label=row.label,
            position=row.position,
            score=row.score,
        )
        for row in record.judgements
    ]
    db.session.add(copy)
    audit.record(
        "evaluation.record_corrected",
        organisation_id=record.organisation_id,
        actor=actor,
        target=record,
        detail={"version": copy.version},
    )
    db.session.flush()
    return copy


def _valid_closed(query_filter: object) -> list[EvaluationRecord]:
    """The newest closed version of each evaluation's record matching ``query_filter``."""
    records = db.session.scalars(
        select(EvaluationRecord)
        .where(query_filter, EvaluationRecord.status == RecordStatus.CLOSED.value)
        .options(selectinload(EvaluationRecord.judgements))
        .order_by(EvaluationRecord.evaluation_id, EvaluationRecord.version)
    )
    newest: dict[int, EvaluationRecord] = {}
    for record in records:
        newest[record.evaluation_id] = record
    return sorted(newest.values(), key=lambda r: (r.held_on or date.min, r.id))


def judgements_of(client: Client) -> list[tuple[date, str, int]]:
    """The agreed judgements of the client's closed records (their newest version), oldest first:
    ``(day held, competence key, score)``; for the competence trend. One query of the few
    columns it needs, records and judgements together (the client's page asks it each time)."""
    rows = tenant_rows(_judgements_of(), client.organisation_id, {"client_id": client.id})
    # As in _valid_closed: of each evaluation, its newest closed version (the last in this order).
    newest: dict[int, tuple[int, date | None, list[tuple[str, int]]]] = {}
    for record_id, evaluation_id, held_on, key, score in rows:
        record = newest.get(evaluation_id)
        if record is None or record[0] != record_id:
            record = newest[evaluation_id] = (record_id, held_on, [])
        if key is not None and score is not None:
            record[2].append((key, score))
    return [
        (held_on, key, score)
        for record_id, held_on, scores in sorted(
            newest.values(), key=lambda r: (r[1] or date.min, r[0])
        )
        if held_on is not None
        for key, score in scores
    ]


@cache
def _judgements_of() -> Select:
    """Built once with its tenant's criteria (see ``tenancy.tenant_rows``)."""
    return (
        select(
            EvaluationRecord.id,
            EvaluationRecord.evaluation_id,
            EvaluationRecord.held_on,
            EvaluationJudgement.competence_key,
            EvaluationJudgement.score,
        )
        .outerjoin(
            EvaluationJudgement,
            (EvaluationJudgement.record_id == EvaluationRecord.id)
            & (of_tenant(EvaluationJudgement)),
        )
        .where(
            EvaluationRecord.client_id == bindparam("client_id"),
            EvaluationRecord.status == RecordStatus.CLOSED.value,
            of_tenant(EvaluationRecord),
        )
        .order_by(
            EvaluationRecord.evaluation_id,
            EvaluationRecord.version,
            EvaluationRecord.id,
            EvaluationJudgement.position,
        )
    )


def growth_points_of(record: EvaluationRecord) -> list[GrowthPoint]:
    """A record's growth points, each with its competence key or None (to make goals from)."""
    return [
        GrowthPoint(point.get("text", ""), point.get("competence") or None)
        for point in record.growth_points
    ]


def latest_agreements(trajectory: Trajectory) -> str | None:
    """The agreements of the trajectory's latest closed evaluation record, if any."""
    records = _valid_closed(EvaluationRecord.trajectory_id == trajectory.id)
    return records[-1].agreements if records else None
