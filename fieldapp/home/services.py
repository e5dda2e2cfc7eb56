"""What a person's home screen shows: today's visits, what is due this week (follow-ups agreed
during visits included), contracts ending."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from fieldapp.auth.models import User
from fieldapp.caseload.services import CONTRACT_END_SOON
from fieldapp.clients.models import Client
from fieldapp.extensions import db
from fieldapp.mentorships.models import CheckIn, Mentorship
from fieldapp.referrals.models import OPEN_STATUSES, Referral
from fieldapp.trajectories.models import Evaluation, Trajectory
from fieldapp.visits import follow_ups
from fieldapp.visits.models import FollowUp, Visit
from fieldapp.visits.services import agenda

WEEK = timedelta(days=7)


@dataclass
class HomeScreen:
    visits_today: list[Visit] = field(default_factory=list)
    evaluations: list[tuple[Evaluation, Client]] = field(default_factory=list)
    check_ins: list[tuple[CheckIn, Mentorship]] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    contracts_ending: list[Trajectory] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)

    @property
    def nothing_due(self) -> bool:
        return not (self.evaluations or self.check_ins or self.referrals or self.follow_ups)


def home_screen(user: User, today: date) -> HomeScreen:
    """Items for ``user``'s own clients (and their own mentorships), late ones included."""
    screen = HomeScreen(
        visits_today=agenda(user, today, 1)[today], follow_ups=follow_ups.due_for(user, today)
    )
    screen.evaluations = list(
        db.session.execute(
            select(Evaluation, Client)
            .join(Trajectory, Trajectory.id == Evaluation.trajectory_id)
            .join(Client, Client.id == Trajectory.client_id)
            .where(Client.counsellor_id == user.id, Trajectory.ended_on.is_(None))
            .where(Evaluation.done_on.is_(None), Evaluation.due_on <= today + WEEK)
            .order_by(Evaluation.due_on)
            .limit(50)
        ).all()
    )
    screen.check_ins = list(
        db.session.execute(
            select(CheckIn, Mentorship)
            .join(Mentorship, Mentorship.id == CheckIn.mentorship_id)
            .outerjoin(Client, Client.id == Mentorship.mentee_client_id)
            .options(joinedload(Mentorship.mentee_client), joinedload(Mentorship.mentee_user))
            .where(
                or_(
                    Client.counsellor_id == user.id,
                    Mentorship.mentor_user_id == user.id,
                    Mentorship.mentee_user_id == user.id,
                )
            )
            .where(CheckIn.done_on.is_(None), CheckIn.due_on <= today + WEEK)
            .order_by(CheckIn.due_on)
            .limit(50)
        ).all()
    )
    screen.referrals = list(
        db.session.scalars(
            select(Referral)
            .join(Client, Client.id == Referral.client_id)
            .options(joinedload(Referral.client))
            .where(Client.counsellor_id == user.id, Referral.status.in_(OPEN_STATUSES))
            .where(Referral.follow_up_on <= today + WEEK)
            .order_by(Referral.follow_up_on)
            .limit(50)
        )
    )
    screen.contracts_ending = list(
        db.session.scalars(
            select(Trajectory)
            .join(Client, Client.id == Trajectory.client_id)
            .options(joinedload(Trajectory.client))
            .where(Client.counsellor_id == user.id, Trajectory.ended_on.is_(None))
            .where(Trajectory.planned_end_on <= today + CONTRACT_END_SOON)
            .order_by(Trajectory.planned_end_on)
            .limit(50)
        )
    )
    return screen
