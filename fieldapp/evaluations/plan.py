"""The development plan at an evaluation: the trajectory's goals reviewed, and a growth point of
the record made into a goal (once: a second tap, or the same point in a corrected version, finds
the goal already made)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from fieldapp.auth.models import User
from fieldapp.common.rules import RuleBroken
from fieldapp.development_plan import services as plan
from fieldapp.development_plan.models import Goal, GoalActor, GoalSource
from fieldapp.evaluations.models import EvaluationRecord
from fieldapp.extensions import db
from fieldapp.trajectories.models import Trajectory


@dataclass(frozen=True)
class PointGoal:
    """A growth point of the record, with the goal made from it (or None)."""

    text: str
    competence: str | None
    goal: Goal | None


def _normalised(text: str) -> str:
    return " ".join(text.split())


def _version_ids(record: EvaluationRecord) -> list[int]:
    return list(
        db.session.scalars(
            select(EvaluationRecord.id).where(
                EvaluationRecord.evaluation_id == record.evaluation_id
            )
        )
    )


def growth_point_goals(record: EvaluationRecord) -> dict[str, Goal]:
    """The goals made from the growth points of any version of ``record``'s evaluation, by text
    (two queries however many goals)."""
    goals = db.session.scalars(
        select(Goal)
        .where(
            Goal.source == GoalSource.GROWTH_POINT.value,
            Goal.source_id.in_(_version_ids(record)),
        )
        .order_by(Goal.id)
    )
    made: dict[str, Goal] = {}
    for goal in goals:
        made.setdefault(goal.text, goal)
    return made


def points_of(record: EvaluationRecord) -> list[PointGoal]:
    """The record's growth points that have a text, each with its goal if one was made."""
    made = growth_point_goals(record)
    points = []
    for point in record.growth_points:
        text = _normalised(point.get("text") or "")
        if text:
            points.append(PointGoal(text, point.get("competence") or None, made.get(text)))
    return points


def goal_from_growth_point(actor: User, record: EvaluationRecord, text: str) -> Goal:
    """The goal for the growth point of ``record`` that says ``text``: for the client, due by the
    next evaluation when the record names one, on the record's trajectory. Asked again, the goal
    already made is the answer."""
    point = next((p for p in points_of(record) if p.text == _normalised(text)), None)
    if point is None:
        raise RuleBroken(_("This is not a growth point of this evaluation record."))
    if point.goal is not None:
        return point.goal
    trajectory = db.session.get(Trajectory, record.trajectory_id)
    due_on = record.next_on
    last = plan.last_day_of(trajectory)
    if due_on is not None and (due_on < trajectory.started_on or (last and due_on > last)):
        due_on = None
    competence = point.competence  # none if the framework no longer has it
    if competence not in plan.competence_keys(record.organisation_id):
        competence = None
    draft = plan.GoalDraft(
        point.text,
        GoalActor.CLIENT.value,
        due_on,
        competence,
        GoalSource.GROWTH_POINT.value,
        record.id,
    )
    return plan.add_goal(actor, trajectory, draft)
