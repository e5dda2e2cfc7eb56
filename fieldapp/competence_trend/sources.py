"""Where the scores of the competence trend come from: a list of small functions.

Each source reads the scores of one kind for a client's file (or one trajectory of it) and returns
them as :class:`Point` s. Each costs a fixed number of queries however long the history is, so the
client's page does not slow down as the file grows. A new kind of score is one more function and
one more entry in :data:`SOURCES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, Select, bindparam, func, select

from fieldapp.clients.models import Client
from fieldapp.common.dates import local_date
from fieldapp.common.tenancy import of_tenant, tenant_rows
from fieldapp.common.time import local_zone
from fieldapp.evaluations import services as evaluations
from fieldapp.extensions import db
from fieldapp.feedback.models import FeedbackResponse, FeedbackRound
from fieldapp.feedback.report import means, threshold_of
from fieldapp.feedback.rounds import ListedRound
from fieldapp.trajectories.models import Trajectory
from fieldapp.visits.models import NoteRevision, Visit
from fieldapp.visits.notes import COMPETENCE_PREFIX


class SourceKind(StrEnum):
    """What a score comes from; the chart draws each with its own shape and colour."""

    NOTE = "note"  # a visit note's observation
    SELF = "self"  # the client's own answer in a 360° round
    OTHERS = "others"  # the mean of the others in a 360° round, as far as anonymity allows
    EVALUATION = "evaluation"  # the agreed judgement of an evaluation record

    @property
    def label(self) -> str:
        return str(SOURCE_LABELS[self])


SOURCE_LABELS: dict[SourceKind, Any] = {
    SourceKind.NOTE: _l("Visit note"),
    SourceKind.SELF: _l("360°: self"),
    SourceKind.OTHERS: _l("360°: others"),
    SourceKind.EVALUATION: _l("Evaluation"),
}


@dataclass(frozen=True)
class Point:
    on: date
    competence: str  # the competence's key in the framework
    score: float  # 1 to 5; a 360° group's mean may lie between
    source: SourceKind


@dataclass(frozen=True)
class Scope:
    """Whose scores: a client's whole file, or only one trajectory of it (``trajectory``)."""

    client: Client
    trajectory: Trajectory | None = None
    # The organisation's anonymity threshold for 360° groups now; each round takes the stricter
    # of it and its own (see ``feedback.report.threshold_of``).
    threshold: int = 3
    language: str = "nl"
    # The client's 360° rounds (of every trajectory, oldest first) when the caller has read them
    # already; None: the source reads them.
    rounds: tuple[FeedbackRound | ListedRound, ...] | None = None


Source = Callable[[Scope], list[Point]]


def _period(trajectory: Trajectory) -> tuple[datetime, datetime | None]:
    """From the start of the trajectory's first day to the end of its last (open: no end)."""
    zone = local_zone()
    starts = datetime.combine(trajectory.started_on, time.min, zone)
    if trajectory.ended_on is None:
        return starts, None
    return starts, datetime.combine(trajectory.ended_on + timedelta(days=1), time.min, zone)


def newest_revisions(revisions: list[Any]) -> list[Any]:
    """Of each note, only its newest revision: the head that no other revision corrects (the
    newest of them when a note has two heads, see ``fieldapp.visits.notes``). ``revisions`` are
    ordered oldest first; records or rows of their columns ``revision_uuid``, ``note_uuid``,
    ``parent_uuid`` and ``replaces``."""
    corrected = {r.parent_uuid for r in revisions if r.parent_uuid}
    corrected.update(uuid for r in revisions for uuid in r.replaces or ())
    newest: dict[str, NoteRevision] = {}
    for revision in revisions:
        if revision.revision_uuid not in corrected:
            newest[revision.note_uuid] = revision  # a later head wins
    return list(newest.values())


def note_points(scope: Scope) -> list[Point]:
    """The competence scores written in the client's visit notes; for a trajectory, those
    written while it ran. One small query says which notes there are (:func:`_notes_version`);
    the revisions are read and their scores taken out only when that changed since this app last
    did (a client's page draws the trend on every opening, and a file of two years holds
    hundreds of revisions)."""
    params: dict[str, Any] = {"client_id": scope.client.id}
    if scope.trajectory is not None:
        params["starts"], params["ends"] = _period(scope.trajectory)
    period = (scope.trajectory is not None, params.get("ends") is not None)
    organisation_id = scope.client.organisation_id
    (version,) = tenant_rows(_notes_version(*period), organisation_id, params)
    key = (scope.client.id, params.get("starts"), params.get("ends"), *version)
    kept_notes = _kept_notes()
    if (kept := kept_notes.get(key)) is not None:
        return list(kept)
    points = []
    revisions = tenant_rows(_revisions(*period), organisation_id, params)
    for revision in newest_revisions(list(revisions)):
        on = local_date(revision.written_at)
        for key_, score in (revision.observations or {}).items():
            if key_.startswith(COMPETENCE_PREFIX) and isinstance(score, int):
                points.append(
                    Point(on, key_.removeprefix(COMPETENCE_PREFIX), score, SourceKind.NOTE)
                )
    if len(kept_notes) >= KEPT_NOTES:
        kept_notes.clear()
    kept_notes[key] = tuple(points)
    return points


KEPT_NOTES = 1024  # clients (or trajectories) whose note points an app keeps


def _kept_notes() -> dict[tuple[Any, ...], tuple[Point, ...]]:
    """The note points this app keeps per client and period (an app's own, as its rounds')."""
    return current_app.extensions.setdefault("fieldapp_kept_note_points", {})


@cache
def _notes_version(from_start: bool, until_end: bool) -> Select:
    """What fixes the client's note points: how many revisions there are, the sum and the
    largest of their ids, and the newest moment written. A revision is never changed, only
    added, or deleted with its visit (erasure, retention); an id that SQLite gives again after
    a deletion comes with another count, sum or moment."""
    return _of_the_client(
        select(
            func.count(),
            func.max(NoteRevision.id),
            func.sum(NoteRevision.id),
            func.max(NoteRevision.written_at),
        ),
        from_start,
        until_end,
    )


@cache
def _revisions(from_start: bool, until_end: bool) -> Select:
    """The client's note revisions (from ``starts``, until ``ends``), the columns the points are
    made of, built once for each kind of period with its tenant's criteria (see
    ``tenancy.tenant_rows``): the client's page draws the trend on every opening."""
    columns = select(
        NoteRevision.revision_uuid,
        NoteRevision.note_uuid,
        NoteRevision.parent_uuid,
        NoteRevision.replaces,
        NoteRevision.observations,
        NoteRevision.written_at,
    )
    return _of_the_client(columns, from_start, until_end).order_by(
        NoteRevision.written_at, NoteRevision.id
    )


def _of_the_client(statement: Select, from_start: bool, until_end: bool) -> Select:
    """``statement`` over the revisions of the notes of the client's visits, in the period."""
    statement = statement.join(
        Visit, (Visit.id == NoteRevision.visit_id) & (of_tenant(Visit))
    ).where(
        Visit.client_id == bindparam("client_id"),
        of_tenant(NoteRevision),
    )
    if from_start:
        statement = statement.where(NoteRevision.written_at >= bindparam("starts"))
    if until_end:
        statement = statement.where(NoteRevision.written_at < bindparam("ends"))
    return statement


def round_points(scope: Scope) -> list[Point]:
    """Per 360° round, the client's own score and the others' mean, as the round's report shows
    them: an open round shows no anonymous group, a small anonymous group counts only as the
    report's rules allow (at most two queries: the rounds unless given, and what the figures read
    of the answers of the rounds whose points are not kept, see :func:`_kept_key`)."""
    if scope.rounds is None:
        rounds = list(db.session.scalars(_rounds(), {"client_id": scope.client.id}))
    else:
        rounds = list(scope.rounds)
    if scope.trajectory is not None:
        rounds = [r for r in rounds if r.trajectory_id == scope.trajectory.id]
    # The clock is read once a round: its key and its figures say the same about its closing.
    closed = {feedback_round.id: feedback_round.is_closed() for feedback_round in rounds}
    keys = {r.id: _kept_key(r, closed[r.id], scope.threshold) for r in rounds}
    kept_rounds = _kept_rounds()
    found = {round_id: kept_rounds.get(key) for round_id, key in keys.items() if key}
    answers: dict[int, list[Row[Any]]] = {r.id: [] for r in rounds if found.get(r.id) is None}
    if answers:
        values = {"round_ids": list(answers)}
        for answer in tenant_rows(_answers(), scope.client.organisation_id, values):
            answers[answer.round_id].append(answer)
    points: list[Point] = []
    for feedback_round in rounds:
        kept = found.get(feedback_round.id)
        if kept is None:
            kept = _points_of_round(
                feedback_round,
                answers[feedback_round.id],
                closed[feedback_round.id],
                scope.threshold,
            )
            if (key := keys[feedback_round.id]) is not None:
                if len(kept_rounds) >= KEPT_ROUNDS:
                    kept_rounds.clear()
                kept_rounds[key] = kept
        points.extend(kept)
    return points


KEPT_ROUNDS = 256  # rounds whose points an app keeps (some 10 kB each with ten competences)


def _kept_rounds() -> dict[tuple[Any, ...], tuple[Point, ...]]:
    """The points this app keeps per round (an app's own: another app has other rounds)."""
    return current_app.extensions.setdefault("fieldapp_kept_round_points", {})


def _kept_key(
    feedback_round: FeedbackRound | ListedRound, closed: bool, threshold: int
) -> tuple[Any, ...] | None:
    """What fixes a listed round's points: the round (its id, and when it was made: an id can come
    back on SQLite after a deletion); its answers, stored once and never changed, by their count
    and the last one's moment (see ``feedback.rounds.ListedRound``); when and whether it closes,
    which decides the answers that count and the groups shown; the anonymity threshold that
    applies to it (the stricter of its own and the organisation's); its competences. A client's
    page draws the trend on every opening, and a round's answers are read and averaged only when
    one of these changed. None for a record: it carries no count."""
    if not isinstance(feedback_round, ListedRound):
        return None
    return (
        feedback_round.id,
        feedback_round.created_at,
        feedback_round.answered,
        feedback_round.last_answer_at,
        feedback_round.closes_at,
        closed,
        threshold_of(feedback_round, threshold),
        tuple(competence["key"] for competence in feedback_round.competences),
    )


def _points_of_round(
    feedback_round: FeedbackRound | ListedRound,
    answers: list[Row[Any]],
    closed: bool,
    threshold: int,
) -> tuple[Point, ...]:
    on = local_date(feedback_round.created_at)
    return tuple(
        Point(on, key, round(mean, 2), kind)
        for key, own, others in means(feedback_round, answers, threshold, closed)
        for kind, mean in ((SourceKind.SELF, own), (SourceKind.OTHERS, others))
        if mean is not None
    )


@cache
def _rounds() -> Select:
    return (
        select(FeedbackRound)
        .where(FeedbackRound.client_id == bindparam("client_id"))
        .order_by(FeedbackRound.created_at, FeedbackRound.id)
    )


@cache
def _answers() -> Select:
    """What the figures read of the answers to the rounds ``round_ids``; with its tenant's
    criteria (see ``tenancy.tenant_rows``)."""
    return (
        select(
            FeedbackResponse.round_id,
            FeedbackResponse.rater_group,
            FeedbackResponse.scores,
            FeedbackResponse.submitted_at,
        )
        .where(
            FeedbackResponse.round_id.in_(bindparam("round_ids", expanding=True)),
            of_tenant(FeedbackResponse),
        )
        .order_by(FeedbackResponse.id)
    )


def evaluation_points(scope: Scope) -> list[Point]:
    """The scores agreed at evaluation meetings (the newest version of each closed record); for a
    trajectory, those held while it ran."""
    trajectory = scope.trajectory
    return [
        Point(held_on, key, score, SourceKind.EVALUATION)
        for held_on, key, score in evaluations.judgements_of(scope.client)
        if trajectory is None
        or trajectory.started_on <= held_on <= (trajectory.ended_on or date.max)
    ]


SOURCES: list[Source] = [note_points, round_points, evaluation_points]


def points_of(scope: Scope, sources: list[Source] | None = None) -> list[Point]:
    """Every point of every source, oldest first (same day: in the order of ``SourceKind``)."""
    order = list(SourceKind)
    points = [point for source in sources or SOURCES for point in source(scope)]
    return sorted(points, key=lambda p: (p.on, order.index(p.source), p.competence))
