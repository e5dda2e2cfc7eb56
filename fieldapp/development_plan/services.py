"""The rules of a development plan: a goal belongs to one trajectory, is due within it, names who
acts and, when it has one, a competence of the framework in use; its status changes with the day
it changed. A goal made from a 360° report's blind spot is made once per round and competence.

Other screens call :func:`add_goal` and :func:`goals_of` (the evaluation page turns a growth point
into a goal with ``GoalDraft(..., source=GoalSource.GROWTH_POINT, source_id=<record id>)``).
Every change sends ``client_file_changed``, so the agenda plans (or drops) the goal's due moment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Row, Select, bindparam, select
from sqlalchemy.exc import IntegrityError

from fieldapp.audit import services as audit
from fieldapp.auth.models import User
from fieldapp.common import events
from fieldapp.common.dates import today
from fieldapp.common.rules import RuleBroken
from fieldapp.common.tenancy import of_tenant, tenant_rows
from fieldapp.development_plan.models import (
    MAX_TEXT,
    Goal,
    GoalActor,
    GoalSource,
    GoalStatus,
)
from fieldapp.extensions import db
from fieldapp.feedback import report as feedback_report
from fieldapp.feedback.frameworks import framework_in_use
from fieldapp.feedback.models import FeedbackRound
from fieldapp.trajectories.models import Trajectory, TrajectoryRef
from fieldapp.trajectories.services import open_trajectory

BLIND_SPOT_WEEKS = 4  # a goal made from a blind spot is due this many weeks later


@dataclass(frozen=True)
class GoalDraft:
    """What a new goal says. ``actor`` and ``source`` are the codes of ``GoalActor`` and
    ``GoalSource``; ``source_id`` names the record it came from (an evaluation record)."""

    text: str
    actor: str
    due_on: date | None = None
    competence_key: str | None = None
    source: str = GoalSource.HAND.value
    source_id: int | None = None


# How goals are listed: the open ones first, each group by due date.
_LISTED = (Goal.status != GoalStatus.OPEN.value, Goal.due_on.is_(None), Goal.due_on, Goal.id)


def goals_of(trajectory: Trajectory) -> list[Goal]:
    """A trajectory's goals: the open ones first, each group by due date (one query)."""
    return list(db.session.scalars(_goals_of(), {"trajectory_id": trajectory.id}))


@cache
def _goals_of() -> Select:
    return select(Goal).where(Goal.trajectory_id == bindparam("trajectory_id")).order_by(*_LISTED)


def listed_goals_of(trajectory: TrajectoryRef) -> Sequence[Row[Any]]:
    """:func:`goals_of` as rows of the columns a goal list shows, with ``is_open`` (one query of
    columns, see ``tenancy.tenant_rows``: the client's page lists them on every opening)."""
    values = {"trajectory_id": trajectory.id}
    return tenant_rows(_listed_goals_of(), trajectory.organisation_id, values)


@cache
def _listed_goals_of() -> Select:
    return (
        select(
            Goal.id,
            Goal.text,
            Goal.competence_key,
            Goal.actor,
            Goal.due_on,
            Goal.status,
            Goal.status_on,
            (Goal.status == GoalStatus.OPEN.value).label("is_open"),
        )
        .where(Goal.trajectory_id == bindparam("trajectory_id"), of_tenant(Goal))
        .order_by(*_LISTED)
    )


def goals_of_open_trajectory(client_id: int) -> list[Goal]:
    """The goals of the client's open trajectory (none without one), listed as by
    :func:`goals_of`, in one query (the visit page and its kept copy)."""
    return list(
        db.session.scalars(
            select(Goal)
            .join(Trajectory, Trajectory.id == Goal.trajectory_id)
            .where(Trajectory.client_id == client_id, Trajectory.ended_on.is_(None))
            .order_by(*_LISTED)
        )
    )


def competence_keys(organisation_id: int) -> set[str]:
    """The keys of the framework in use (the same in every language)."""
    return {c.key for c in framework_in_use(organisation_id, "nl").competences}


def last_day_of(trajectory: Trajectory) -> date | None:
    """The last day a goal of ``trajectory`` can be due: its end, else its planned end."""
    return trajectory.ended_on or trajectory.planned_end_on


def _check_due(trajectory: Trajectory, due_on: date | None) -> None:
    last = last_day_of(trajectory)
    if due_on is None or (trajectory.started_on <= due_on and (last is None or due_on <= last)):
        return
    if last is None:
        message = _(
            "Choose a date from the start of the trajectory (%(start)s) on.",
            start=trajectory.started_on.isoformat(),
        )
    else:
        message = _(
            "Choose a date within the trajectory: from %(start)s to %(end)s.",
            start=trajectory.started_on.isoformat(),
            end=last.isoformat(),
        )
    raise RuleBroken(message, field="due_on")


def _checked(trajectory: Trajectory, draft: GoalDraft, competences: set[str]) -> GoalDraft:
    if not trajectory.is_open:
        raise RuleBroken(_("This trajectory has ended: its plan takes no new goals."))
    if trajectory.client.anonymised_at is not None:
        raise RuleBroken(_("This file is anonymised."))
    text = " ".join(draft.text.split())
    if not text:
        raise RuleBroken(_("Say what the goal is."), field="text")
    if len(text) > MAX_TEXT:
        raise RuleBroken(_("Use at most %(max)d characters.", max=MAX_TEXT), field="text")
    if draft.actor not in set(GoalActor):
        raise RuleBroken(
            _("Choose who acts: the client, the floor supervisor, the counsellor or the mentor."),
            field="actor",
        )
    if draft.source not in set(GoalSource):
        raise RuleBroken(_("Unknown source of a goal."))
    if draft.source != GoalSource.HAND.value and draft.source_id is None:
        raise RuleBroken(_("Unknown source of a goal."))
    key = draft.competence_key or None
    if key is not None and key not in competences:
        raise RuleBroken(_("Choose a competence of the framework in use."), field="competence_key")
    _check_due(trajectory, draft.due_on)
    return GoalDraft(
        text,
        draft.actor,
        draft.due_on,
        key,
        draft.source,
        None if draft.source == GoalSource.HAND.value else draft.source_id,
    )


def _make(actor: User, trajectory: Trajectory, draft: GoalDraft) -> Goal:
    goal = Goal(
        organisation_id=trajectory.organisation_id,
        trajectory_id=trajectory.id,
        client_id=trajectory.client_id,
        text=draft.text,
        competence_key=draft.competence_key,
        actor=draft.actor,
        due_on=draft.due_on,
        status=GoalStatus.OPEN.value,
        source=draft.source,
        source_id=draft.source_id,
        created_by_id=actor.id,
    )
    db.session.add(goal)
    db.session.flush()
    audit.record(
        "goal.added",
        organisation_id=trajectory.organisation_id,
        actor=actor,
        target=goal,
        detail={"source": draft.source},
    )
    events.client_file_changed.send(trajectory.client)
    return goal


def add_goal(actor: User, trajectory: Trajectory, draft: GoalDraft) -> Goal:
    """Add a goal by hand or from a growth point (a blind spot goes through
    :func:`from_blind_spot`, which checks the round)."""
    if draft.source == GoalSource.BLIND_SPOT.value:
        raise RuleBroken(_("A goal from a blind spot is made from the 360° report."))
    keys = competence_keys(trajectory.organisation_id)
    return _make(actor, trajectory, _checked(trajectory, draft, keys))


def change_status(actor: User, goal: Goal, status: str) -> None:
    """Mark a goal achieved or dropped (today), or open it again."""
    if status not in set(GoalStatus):
        raise RuleBroken(_("Choose open, achieved or dropped."), field="status")
    if status == goal.status:
        return
    previous = goal.status
    goal.status = status
    goal.status_on = None if status == GoalStatus.OPEN.value else today()
    db.session.flush()
    audit.record(
        "goal.status_changed",
        organisation_id=goal.organisation_id,
        actor=actor,
        target=goal,
        detail={"from": previous, "to": status},
    )
    trajectory = db.session.get(Trajectory, goal.trajectory_id)
    events.client_file_changed.send(trajectory.client)


# --- from a 360° report --------------------------------------------------------------------------


def blind_spot_goals(feedback_round: FeedbackRound) -> dict[str, Goal]:
    """The goals already made from ``feedback_round``'s blind spots, by competence key."""
    return {
        goal.competence_key or "": goal
        for goal in db.session.scalars(
            select(Goal).where(
                Goal.source == GoalSource.BLIND_SPOT.value, Goal.source_id == feedback_round.id
            )
        )
    }


@cache
def _blind_spot_keys() -> Select:
    """Built once: every 360° report asks it. With its tenant's criteria (see
    ``tenancy.tenant_rows``)."""
    return select(Goal.competence_key).where(
        Goal.source == GoalSource.BLIND_SPOT.value,
        Goal.source_id == bindparam("round_id"),
        of_tenant(Goal),
    )


def blind_spot_keys(feedback_round: FeedbackRound) -> set[str]:
    """The competences of ``feedback_round`` whose blind spot has become a goal: run through
    ``tenancy.tenant_rows``, without the ORM's execution (the report asks it on every opening)."""
    rows = tenant_rows(
        _blind_spot_keys(), feedback_round.organisation_id, {"round_id": feedback_round.id}
    )
    return {key or "" for (key,) in rows}


def _blind_spot_due(trajectory: Trajectory) -> date:
    due = today() + timedelta(weeks=BLIND_SPOT_WEEKS)
    last = last_day_of(trajectory)
    if last is not None and due > last:
        due = max(last, trajectory.started_on)
    return max(due, trajectory.started_on)


def from_blind_spot(
    actor: User, feedback_round: FeedbackRound, competence_key: str, language: str
) -> Goal:
    """The goal for a blind spot of ``feedback_round``: on the client's open trajectory, for the
    client, due in four weeks (or at the trajectory's end if that comes first). Asked again, the
    goal already made is the answer."""
    made = blind_spot_goals(feedback_round).get(competence_key)
    if made is not None:
        return made
    trajectory = open_trajectory(feedback_round.client)
    if trajectory is None:
        raise RuleBroken(_("This client has no open trajectory to add a goal to."))
    report = feedback_report.build(feedback_round, actor.organisation.feedback_threshold, language)
    row = next((row for row in report.rows if row.key == competence_key), None)
    if row is None or row.flag is not feedback_report.Flag.BLIND_SPOT:
        raise RuleBroken(_("This competence is not a blind spot of this report."))
    draft = GoalDraft(
        _(
            "Work on “%(competence)s”: the others score it lower than the client.",
            competence=row.label,
        ),
        GoalActor.CLIENT.value,
        _blind_spot_due(trajectory),
        competence_key,
        GoalSource.BLIND_SPOT.value,
        feedback_round.id,
    )
    checked = _checked(trajectory, draft, {row.key})
    try:
        with db.session.begin_nested():
            return _make(actor, trajectory, checked)
    except IntegrityError:  # the same tap, sent twice at once: the other one made it
        return blind_spot_goals(feedback_round)[competence_key]
