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

from sqlalchemy import CompoundSelect, Row, Select, bindparam, func, select, union
from sqlalchemy.orm import joinedload

from fieldapp.auth.models import User
from fieldapp.clients.models import Client
from fieldapp.common.tenancy import of_tenant, tenant_rows
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
    visits_today: list[Visit] = field(default_factory=list)
    evaluations: list[Row] = field(default_factory=list)  # id, due_on, months, client_name
    check_ins: list[tuple[CheckIn, Mentorship]] = field(default_factory=list)
    # id, client_id, follow_up_on, partner, client_name
    referrals: list[Row] = field(default_factory=list)
    contracts_ending: list[Trajectory] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    no_contact: list[Row] = field(default_factory=list)  # client_id, client_name, since
    goals: list[Goal] = field(default_factory=list)
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
    values as parameters (``user_id``, ``week``, ``today``, ``organisation_id``). The lists of
    columns are run through ``tenancy.tenant_rows`` (without the ORM's execution: some three
    times the query), so every select in them names its organisation."""
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
        check_ins=select(CheckIn, Mentorship)
        .join(check_ins, check_ins.c.subject_id == CheckIn.id)
        .join(Mentorship, Mentorship.id == CheckIn.mentorship_id)
        .options(joinedload(Mentorship.mentee_client), joinedload(Mentorship.mentee_user))
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
        goals=select(Goal)
        .join(goals, goals.c.subject_id == Goal.id)
        .options(joinedload(Goal.client))
        .order_by(Goal.due_on, Goal.id)
        .limit(SHOWN + 1),
        contracts_ending=select(Trajectory)
        .join(ending, ending.c.subject_id == Trajectory.id)
        .options(joinedload(Trajectory.client))
        .order_by(Trajectory.planned_end_on, Trajectory.id)
        .limit(SHOWN + 1),
    )


def home_screen(user: User, today: date) -> HomeScreen:
    """Items for ``user``'s own clients (and their own mentorships), late ones included."""
    screen = HomeScreen(visits_today=visit_agenda(user, today, 1)[today])
    organisation_id = user.organisation_id
    values = {"user_id": user.id, "week": today + WEEK, "today": today}
    scoped = values | {"organisation_id": organisation_id}
    lists = _lists()
    screen.follow_ups = follow_ups.due_for(user, today, limit=SHOWN_WITHOUT_ELSEWHERE)
    screen.check_ins = list(db.session.execute(lists.check_ins, scoped).all())
    screen.evaluations = _first(screen, tenant_rows(lists.evaluations, organisation_id, values))
    screen.referrals = _first(screen, tenant_rows(lists.referrals, organisation_id, values))
    screen.no_contact = _first(screen, tenant_rows(lists.no_contact, organisation_id, values))
    screen.goals = _first(screen, db.session.scalars(lists.goals, scoped).all())
    ending = db.session.scalars(lists.contracts_ending, scoped).all()
    screen.contracts_ending = _first(screen, ending)
    return screen


def _first(screen: HomeScreen, items: Sequence[T]) -> list[T]:
    """The first ``SHOWN`` of ``items`` (asked for one more), noting when there were more."""
    screen.more_due |= len(items) > SHOWN
    return list(items[:SHOWN])
