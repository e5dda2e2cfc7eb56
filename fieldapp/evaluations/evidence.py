"""The evidence an evaluation gathers per competence, automatically.

From visit notes: the scores written for a competence (``competence:<key>`` in a note's
observations) on visits since the last evaluation held before this one (after its day) up to the
day of this one (today for a draft without a date), the newest revision of each note only. When a
note has two heads (a conflict not yet resolved), the newest of them counts.

Direction of those scores (``Direction``): with fewer than two scores there is none. Otherwise the
mean of the later half is compared with the mean of the earlier half (with an odd number of scores
the middle one belongs to neither, so two scores compare the last with the first): half a point or
more up is UP, half a point or more down is DOWN, anything between is FLAT.

From 360° feedback: the latest round of the client started by that day, through
``fieldapp.feedback.report.build``, so exactly what the report itself may show under its anonymity
rules (an open round leaves out the anonymous groups; a small group stays hidden).

From the floor supervisor's link: the pulses and reports of the placement in the same period
(``fieldapp.supervisor_link.services.evidence_of``).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import select

from fieldapp.clients.models import Client
from fieldapp.common.dates import local_date, today
from fieldapp.common.time import local_zone
from fieldapp.contact_moments import services as contact_moments
from fieldapp.contact_moments.models import ContactMoment
from fieldapp.extensions import db
from fieldapp.feedback.frameworks import FrameworkText
from fieldapp.feedback.models import FeedbackRound
from fieldapp.feedback.report import Flag, Report, Row, build
from fieldapp.organisation.models import Organisation
from fieldapp.supervisor_link import services as supervisor_link
from fieldapp.trajectories.models import Evaluation, Trajectory
from fieldapp.visits.models import NoteRevision, Visit
from fieldapp.visits.notes import COMPETENCE_PREFIX

MEANINGFUL_CHANGE = 0.5


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"
    FLAT = "flat"


@dataclass(frozen=True)
class NoteScore:
    on: date
    score: int


@dataclass(frozen=True)
class FeedbackFigures:
    """One competence in the 360° report: the client's own score, the others' mean, the flag;
    None where the report shows nothing."""

    own: float | None
    others: float | None
    others_count: int
    flag: Flag | None


@dataclass(frozen=True)
class CompetenceEvidence:
    key: str
    label: str
    notes: tuple[NoteScore, ...]
    direction: Direction | None
    feedback: FeedbackFigures | None


@dataclass(frozen=True)
class Evidence:
    since: date | None  # the day of the previous evaluation (excluded); None: the start
    until: date
    competences: tuple[CompetenceEvidence, ...]
    feedback_round: FeedbackRound | None
    feedback_closed: bool
    contacts: tuple[ContactMoment, ...] = ()  # recorded contacts in the period, oldest first
    supervisor: supervisor_link.Evidence | None = None  # pulses and reports in the period

    def of(self, key: str) -> CompetenceEvidence | None:
        return next((c for c in self.competences if c.key == key), None)


def direction_of(scores: list[int]) -> Direction | None:
    """See the module's docstring: later half against earlier half."""
    if len(scores) < 2:
        return None
    half = len(scores) // 2
    change = statistics.fmean(scores[-half:]) - statistics.fmean(scores[:half])
    if change >= MEANINGFUL_CHANGE:
        return Direction.UP
    if change <= -MEANINGFUL_CHANGE:
        return Direction.DOWN
    return Direction.FLAT


def previous_held_on(trajectory: Trajectory, evaluation: Evaluation, until: date) -> date | None:
    """The day of the last evaluation held before ``until`` (this one left out)."""
    days = [
        other.done_on
        for other in trajectory.evaluations
        if other.id != evaluation.id and other.done_on is not None and other.done_on < until
    ]
    return max(days, default=None)


def _bounds(since: date | None, until: date) -> tuple[datetime | None, datetime]:
    """UTC moments around the local days, a day wide on each side (exact days checked after)."""
    zone = local_zone()
    end = datetime.combine(until + timedelta(days=2), time.min, zone)
    start = datetime.combine(since - timedelta(days=1), time.min, zone) if since else None
    return start, end


def note_scores(
    client: Client, since: date | None, until: date, keys: list[str]
) -> dict[str, list[NoteScore]]:
    """Per competence key, the scores of the newest revision of each note on the client's visits
    after ``since`` up to ``until``, oldest visit first. One query, however long the history."""
    start, end = _bounds(since, until)
    query = (
        select(NoteRevision, Visit.starts_at)
        .join(Visit, Visit.id == NoteRevision.visit_id)
        .where(Visit.client_id == client.id, Visit.starts_at < end)
        .order_by(Visit.starts_at, NoteRevision.written_at, NoteRevision.id)
    )
    if start is not None:
        query = query.where(Visit.starts_at >= start)
    rows = db.session.execute(query).all()
    corrected = {revision.parent_uuid for revision, _ in rows if revision.parent_uuid}
    corrected.update(uuid for revision, _ in rows for uuid in revision.replaces or [])
    newest: dict[str, tuple[NoteRevision, date]] = {}
    for revision, starts_at in rows:
        if revision.revision_uuid in corrected:
            continue
        day = local_date(starts_at)
        if (since is not None and day <= since) or day > until:
            continue
        newest[revision.note_uuid] = (revision, day)  # rows come oldest first: the last wins
    found: dict[str, list[NoteScore]] = {key: [] for key in keys}
    for revision, day in sorted(newest.values(), key=lambda item: (item[1], item[0].written_at)):
        for key in keys:
            score = (revision.observations or {}).get(COMPETENCE_PREFIX + key)
            if isinstance(score, int):
                found[key].append(NoteScore(day, score))
    return found


def latest_report(client: Client, until: date, language: str) -> Report | None:
    """The report of the client's latest 360° round started by ``until``, as the report shows it."""
    end = datetime.combine(until + timedelta(days=1), time.min, local_zone())
    latest = db.session.scalars(
        select(FeedbackRound)
        .where(FeedbackRound.client_id == client.id, FeedbackRound.created_at < end)
        .order_by(FeedbackRound.created_at.desc(), FeedbackRound.id.desc())
        .limit(1)
    ).first()
    if latest is None:
        return None
    organisation = db.session.get(Organisation, client.organisation_id)
    threshold = organisation.feedback_threshold if organisation else 3
    return build(latest, threshold, language)


def _figures(row: Row | None) -> FeedbackFigures | None:
    if row is None or (row.own.mean is None and row.others.mean is None):
        return None
    return FeedbackFigures(row.own.mean, row.others.mean, row.others.count, row.flag)


def gather(
    client: Client,
    trajectory: Trajectory,
    evaluation: Evaluation,
    framework: FrameworkText,
    held_on: date | None,
    language: str,
) -> Evidence:
    until = held_on or today()
    since = previous_held_on(trajectory, evaluation, until)
    keys = [competence.key for competence in framework.competences]
    after = since if since is not None else trajectory.started_on - timedelta(days=1)
    scores = note_scores(client, after, until, keys)
    report = latest_report(client, until, language)
    rows = {row.key: row for row in report.rows} if report else {}
    contacts = [
        contact
        for contact in contact_moments.contacts_since(client, after + timedelta(days=1))
        if local_date(contact.happened_at) <= until
    ]
    return Evidence(
        since=since,
        until=until,
        competences=tuple(
            CompetenceEvidence(
                competence.key,
                competence.label,
                tuple(scores[competence.key]),
                direction_of([n.score for n in scores[competence.key]]),
                _figures(rows.get(competence.key)),
            )
            for competence in framework.competences
        ),
        feedback_round=report.round if report else None,
        feedback_closed=report.closed if report else False,
        contacts=tuple(contacts),
        supervisor=supervisor_link.evidence_of(trajectory, after, until),
    )
