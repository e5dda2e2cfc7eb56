"""What a person's home screen shows: today's visits, what is due this week (follow-ups agreed
during visits included), contracts ending.

What is due comes from the agenda's rows (``fieldapp/reminders/agenda.py``), as on the bell and
the caseload: for the files one follows and what is addressed to oneself, late ones included, the
open rows whose moment comes this week. A contract is "ending soon" from its first reminder on,
that is the organisation's earliest contract-end rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import TypeVar

from sqlalchemy import CompoundSelect, Row, Select, and_, bindparam, func, or_, select, union

from fieldapp.auth.models import User
from fieldapp.clients.models import Client
from fieldapp.common.tenancy import of_tenant, tenant_rows
from fieldapp.development_plan.models import AGENDA_KIND as GOAL
from fieldapp.development_plan.models import Goal, GoalActor
from fieldapp.mentorships.models import CheckIn, Mentorship
from fieldapp.method.rules import RuleKind
from fieldapp.referrals.models import Referral
from fieldapp.reminders import agenda
from fieldapp.reminders.models import Reminder
from fieldapp.trajectories.models import Evaluation, Trajectory
from fieldapp.visits import follow_ups
from fieldapp.visits.services import visits_of_day

T = TypeVar("T")
WEEK = timedelta(days=7)
# The most urgent of each kind that the reminders page also lists (the rows addressed to the
# counsellor): a counsellor back from leave with fifty late evaluations reads the first ten on a
# phone, not a list longer than the day, and finds the rest there.
SHOWN = 10
# Follow-ups and mentor check-ins (some addressed to a colleague mentor or to the mentored
# colleague) are on no other list of the counsellor's: the home screen keeps showing them all,
# up to this many, as before.
SHOWN_WITHOUT_ELSEWHERE = 50


@dataclass
class HomeScreen:
    # id, starts_at, client_name, worksite_id, worksite_name
    visits_today: Sequence[Row] = field(default_factory=list)
    evaluations: list[Row] = field(default_factory=list)  # id, due_on, months, client_name
    # id, due_on, mentee_client_id, client_name (a client mentored), user_name (a colleague)
    check_ins: list[Row] = field(default_factory=list)
    # id, client_id, follow_up_on, partner, client_name
    referrals: list[Row] = field(default_factory=list)
    # id, client_id, scheme, planned_end_on, client_name
    contracts_ending: list[Row] = field(default_factory=list)
    # id, visit_id, text, due_on, client_name
    follow_ups: Sequence[Row] = field(default_factory=list)
    no_contact: list[Row] = field(default_factory=list)  # client_id, client_name, since
    # (id, client_id, text, actor, due_on, client_name; who acts)
    goals: list[tuple[Row, GoalActor]] = field(default_factory=list)
    more_due: bool = False  # a list holds only its first SHOWN: the rest are on the reminders page

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


def _due(kind: str, until: str = "week") -> CompoundSelect:
    """The subjects of ``kind`` with an open row due by ``until``, for the user ``user_id``: the
    rows of the files they follow, and those addressed to them (a mentor's check-ins, and those
    of the mentorships in which they are the mentored colleague). Indexed selects (by client, by
    user, by scope) rather than one OR across a join, which would read every row. Each select
    names its organisation (``organisation_id``), as ``tenancy.tenant_rows`` asks."""
    due = (
        agenda.is_open(),
        Reminder.kind == kind,
        Reminder.moment <= bindparam(until),
        of_tenant(Reminder),
    )
    my_clients = select(Client.id).where(
        Client.counsellor_id == bindparam("user_id"), of_tenant(Client)
    )
    of_my_files = select(Reminder.subject_id).where(Reminder.client_id.in_(my_clients), *due)
    to_me = select(Reminder.subject_id).where(Reminder.user_id == bindparam("user_id"), *due)
    if kind != RuleKind.CHECK_IN:
        return union(of_my_files, to_me)
    # The mentorships in which the user is the mentored colleague, as their agenda scopes.
    my_mentorships = select(agenda.mentorship_scope_in_sql(Mentorship.id)).where(
        Mentorship.mentee_user_id == bindparam("user_id"), of_tenant(Mentorship)
    )
    as_mentee = select(Reminder.subject_id).where(Reminder.scope.in_(my_mentorships), *due)
    return union(of_my_files, to_me, as_mentee)


@dataclass(frozen=True)
class _Lists:
    evaluations: Select
    check_ins: Select
    referrals: Select
    no_contact: Select
    goals: Select
    contracts_ending: Select


@cache
def _lists() -> _Lists:
    """The home screen's lists, built once: a statement is immutable, and building these six
    (with their unions) cost the home screen more than running them. Each request gives its
    values as parameters (``user_id``, ``week``, ``today``, ``organisation_id``). They are lists
    of columns run through ``tenancy.tenant_rows`` (without the ORM's execution: some three
    times the query), so every select in them names its organisation, the tables joined for a
    name too."""
    evaluations = _due(RuleKind.EVALUATION).subquery()
    check_ins = _due(RuleKind.CHECK_IN).subquery()
    referrals = _due(RuleKind.REFERRAL).subquery()
    no_contact = _due(agenda.CONTACT).subquery()
    goals = _due(GOAL).subquery()
    ending = _due(RuleKind.CONTRACT_END, until="today").subquery()
    return _Lists(
        evaluations=select(
            Evaluation.id,
            Evaluation.due_on,
            Evaluation.months,
            Client.full_name.label("client_name"),
        )
        .join(evaluations, evaluations.c.subject_id == Evaluation.id)
        .join(Trajectory, Trajectory.id == Evaluation.trajectory_id)
        .join(Client, Client.id == Trajectory.client_id)
        .where(*map(of_tenant, (Evaluation, Trajectory, Client)))
        .order_by(Evaluation.due_on, Evaluation.id)
        .limit(SHOWN + 1),
        check_ins=select(
            CheckIn.id,
            CheckIn.due_on,
            Client.id.label("mentee_client_id"),
            Client.full_name.label("client_name"),
            User.name.label("user_name"),
        )
        .join(check_ins, check_ins.c.subject_id == CheckIn.id)
        .join(Mentorship, Mentorship.id == CheckIn.mentorship_id)
        # A mentorship has a client or a colleague as its mentee.
        .outerjoin(Client, and_(Client.id == Mentorship.mentee_client_id, of_tenant(Client)))
        .outerjoin(User, and_(User.id == Mentorship.mentee_user_id, of_tenant(User)))
        .where(of_tenant(CheckIn), of_tenant(Mentorship))
        # A mentee outside the organisation (a foreign key written around the guards) is no
        # line with an empty name ("None"): dropped, as the other lists drop such rows.
        .where(or_(Client.id.is_not(None), User.id.is_not(None)))
        .order_by(CheckIn.due_on, CheckIn.id)
        .limit(SHOWN_WITHOUT_ELSEWHERE),
        referrals=select(
            Referral.id,
            Referral.client_id,
            Referral.follow_up_on,
            Referral.partner,
            Client.full_name.label("client_name"),
        )
        .join(referrals, referrals.c.subject_id == Referral.id)
        .join(Client, Client.id == Referral.client_id)
        .where(of_tenant(Referral), of_tenant(Client))
        .order_by(Referral.follow_up_on, Referral.id)
        .limit(SHOWN + 1),
        no_contact=select(
            Client.id.label("client_id"),
            Client.full_name.label("client_name"),
            func.min(Reminder.moment).label("since"),
        )
        .join(no_contact, no_contact.c.subject_id == Client.id)
        .join(Reminder, Reminder.client_id == Client.id)
        .where(
            Reminder.kind == agenda.CONTACT,
            agenda.is_open(),
            of_tenant(Client),
            of_tenant(Reminder),
        )
        .group_by(Client.id)
        .order_by(func.min(Reminder.moment), Client.id)
        .limit(SHOWN + 1),
        goals=select(
            Goal.id,
            Goal.client_id,
            Goal.text,
            Goal.actor,
            Goal.due_on,
            Client.full_name.label("client_name"),
        )
        .join(goals, goals.c.subject_id == Goal.id)
        .join(Client, Client.id == Goal.client_id)
        .where(of_tenant(Goal), of_tenant(Client))
        .order_by(Goal.due_on, Goal.id)
        .limit(SHOWN + 1),
        contracts_ending=select(
            Trajectory.id,
            Trajectory.client_id,
            Trajectory.scheme,
            Trajectory.planned_end_on,
            Client.full_name.label("client_name"),
        )
        .join(ending, ending.c.subject_id == Trajectory.id)
        .join(Client, Client.id == Trajectory.client_id)
        .where(of_tenant(Trajectory), of_tenant(Client))
        .order_by(Trajectory.planned_end_on, Trajectory.id)
        .limit(SHOWN + 1),
    )


def home_screen(user: User, today: date) -> HomeScreen:
    """Items for ``user``'s own clients (and their own mentorships), late ones included."""
    organisation_id = user.organisation_id
    screen = HomeScreen(visits_today=visits_of_day(user, today))
    values = {"user_id": user.id, "week": today + WEEK, "today": today}
    lists = _lists()

    def rows(statement: Select) -> Sequence[Row]:
        return tenant_rows(statement, organisation_id, values)

    screen.follow_ups = follow_ups.due_for(user, today, limit=SHOWN_WITHOUT_ELSEWHERE)
    screen.check_ins = list(rows(lists.check_ins))
    screen.evaluations = _first(screen, rows(lists.evaluations))
    screen.referrals = _first(screen, rows(lists.referrals))
    screen.no_contact = _first(screen, rows(lists.no_contact))
    screen.goals = [(goal, GoalActor(goal.actor)) for goal in _first(screen, rows(lists.goals))]
    screen.contracts_ending = _first(screen, rows(lists.contracts_ending))
    return screen


def _first(screen: HomeScreen, items: Sequence[T]) -> list[T]:
    """The first ``SHOWN`` of ``items`` (asked for one more), noting when there were more."""
    screen.more_due |= len(items) > SHOWN
    return list(items[:SHOWN])
