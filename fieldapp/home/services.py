"""What a person's home screen shows: today's visits, what is due this week (follow-ups agreed
during visits included), contracts ending.

What is due comes from the agenda's rows (``fieldapp/reminders/agenda.py``), as on the bell and
the caseload: for the files one follows and what is addressed to oneself, late ones included, the
open rows whose moment comes this week. A contract is "ending soon" from its first reminder on,
that is the organisation's earliest contract-end rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import CompoundSelect, func, select, union
from sqlalchemy.orm import joinedload

from fieldapp.auth.models import User
from fieldapp.clients.models import Client
from fieldapp.development_plan.models import AGENDA_KIND as GOAL
from fieldapp.development_plan.models import Goal
from fieldapp.extensions import db
from fieldapp.mentorships.models import CheckIn, Mentorship
from fieldapp.method.rules import RuleKind
from fieldapp.referrals.models import Referral
from fieldapp.reminders import agenda
from fieldapp.reminders.models import Reminder
from fieldapp.trajectories.models import Evaluation, Trajectory
from fieldapp.visits import follow_ups
from fieldapp.visits.models import FollowUp, Visit
from fieldapp.visits.services import agenda as visit_agenda

WEEK = timedelta(days=7)
SHOWN = 50


@dataclass
class HomeScreen:
    visits_today: list[Visit] = field(default_factory=list)
    evaluations: list[tuple[Evaluation, Client]] = field(default_factory=list)
    check_ins: list[tuple[CheckIn, Mentorship]] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    contracts_ending: list[Trajectory] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    no_contact: list[tuple[Client, date]] = field(default_factory=list)  # and since when
    goals: list[Goal] = field(default_factory=list)

    @property
    def nothing_due(self) -> bool:
        return not (
            self.evaluations
            or self.check_ins
            or self.referrals
            or self.follow_ups
            or self.no_contact
            or self.goals
        )


def _due(user: User, kind: str, until: date) -> CompoundSelect:
    """The subjects of ``kind`` with an open row due by ``until``, for ``user``: the rows of
    the files they follow, and those addressed to them (a mentor's check-ins). Two indexed
    selects (by client, by user) rather than one OR across a join, which would read every row."""
    due = (agenda.is_open(), Reminder.kind == kind, Reminder.moment <= until)
    my_clients = select(Client.id).where(Client.counsellor_id == user.id)
    of_my_files = select(Reminder.subject_id).where(Reminder.client_id.in_(my_clients), *due)
    to_me = select(Reminder.subject_id).where(Reminder.user_id == user.id, *due)
    if kind != RuleKind.CHECK_IN:
        return union(of_my_files, to_me)
    my_mentorships = db.session.scalars(
        select(Mentorship.id).where(Mentorship.mentee_user_id == user.id)
    ).all()  # the mentorships in which ``user`` is the mentored colleague (a handful)
    as_mentee = select(Reminder.subject_id).where(
        Reminder.scope.in_([agenda.mentorship_scope(i) for i in my_mentorships]), *due
    )
    return union(of_my_files, to_me, as_mentee)


def home_screen(user: User, today: date) -> HomeScreen:
    """Items for ``user``'s own clients (and their own mentorships), late ones included."""
    screen = HomeScreen(
        visits_today=visit_agenda(user, today, 1)[today],
        follow_ups=follow_ups.due_for(user, today),
    )
    week = today + WEEK
    evaluations = _due(user, RuleKind.EVALUATION, week).subquery()
    screen.evaluations = list(
        db.session.execute(
            select(Evaluation, Client)
            .join(evaluations, evaluations.c.subject_id == Evaluation.id)
            .join(Trajectory, Trajectory.id == Evaluation.trajectory_id)
            .join(Client, Client.id == Trajectory.client_id)
            .order_by(Evaluation.due_on, Evaluation.id)
            .limit(SHOWN)
        ).all()
    )
    due_check_ins = _due(user, RuleKind.CHECK_IN, week).subquery()
    screen.check_ins = list(
        db.session.execute(
            select(CheckIn, Mentorship)
            .join(due_check_ins, due_check_ins.c.subject_id == CheckIn.id)
            .join(Mentorship, Mentorship.id == CheckIn.mentorship_id)
            .options(joinedload(Mentorship.mentee_client), joinedload(Mentorship.mentee_user))
            .order_by(CheckIn.due_on, CheckIn.id)
            .limit(SHOWN)
        ).all()
    )
    referrals = _due(user, RuleKind.REFERRAL, week).subquery()
    screen.referrals = list(
        db.session.scalars(
            select(Referral)
            .join(referrals, referrals.c.subject_id == Referral.id)
            .options(joinedload(Referral.client))
            .order_by(Referral.follow_up_on, Referral.id)
            .limit(SHOWN)
        )
    )
    no_contact = _due(user, agenda.CONTACT, week).subquery()
    screen.no_contact = [
        (client, moment)
        for client, moment in db.session.execute(
            select(Client, func.min(Reminder.moment))
            .join(no_contact, no_contact.c.subject_id == Client.id)
            .join(Reminder, Reminder.client_id == Client.id)
            .where(Reminder.kind == agenda.CONTACT, agenda.is_open())
            .group_by(Client.id)
            .order_by(func.min(Reminder.moment), Client.id)
            .limit(SHOWN)
        )
    ]
    due_goals = _due(user, GOAL, week).subquery()
    screen.goals = list(
        db.session.scalars(
            select(Goal)
            .join(due_goals, due_goals.c.subject_id == Goal.id)
            .options(joinedload(Goal.client))
            .order_by(Goal.due_on, Goal.id)
            .limit(SHOWN)
        )
    )
    ending = _due(user, RuleKind.CONTRACT_END, today).subquery()
    screen.contracts_ending = list(
        db.session.scalars(
            select(Trajectory)
            .join(ending, ending.c.subject_id == Trajectory.id)
            .options(joinedload(Trajectory.client))
            .order_by(Trajectory.planned_end_on, Trajectory.id)
            .limit(SHOWN)
        )
    )
    return screen
