"""The agenda: every moment of a client's file (or of a mentorship between colleagues), computed
in this one place from the organisation's rules and kept as ``Reminder`` rows.

The rows are what every page reads: the home screen ("due this week", "contracts ending soon"),
the caseload's "needs attention" and next-due column, the bell, the reminders page and push. So a
changed rule, a done evaluation or a closed referral changes all of them at once. ``is_open`` says
which rows still count, and a row's ``moment`` (the day someone is told: for a contract end the
rule's months before it) says from when; ``event_on`` is the day of the thing itself.

Planning is idempotent. The wanted rows are computed from the dates and the organisation's rules;
a wanted row that is missing is added, a pending row that is no longer wanted is cancelled, and a
row that was sent stays in the history (it is marked done once its moment is gone). A row is found
again by its unique key, so planning twice never makes a double. A moment already past when it is
first planned (an old trajectory entered, a referral whose follow-up is late) is never pushed: for
the kinds the pages show as late (``LATE_KINDS``) it is kept as told in the app only (channel
``LATE``), so it is late on every page; for the others it is not made at all.

The services say what changed in a file by sending the signals of ``fieldapp.common.events``
(``client_file_changed``, ``mentorship_changed``, ``feedback_round_changed``); ``subscribe``
connects the agenda to them. Each event notes its file on the session, and the files noted are
planned once, just before the commit, however many events a view, a command or the demo loader
sent; a rollback forgets them. The nightly pass (``plan_organisation``) and a change of rules plan
every file of an organisation.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, bindparam, cast, event, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, SessionTransaction, selectinload

from fieldapp.auth.models import User
from fieldapp.clients.models import Client
from fieldapp.common import events
from fieldapp.common.dates import add_days, add_months, local_date, today
from fieldapp.common.time import local_zone, now_utc
from fieldapp.contact_moments import rhythm as contact_rhythm
from fieldapp.development_plan.models import AGENDA_KIND as GOAL
from fieldapp.development_plan.models import Goal, GoalStatus
from fieldapp.extensions import db
from fieldapp.feedback.models import FeedbackRound
from fieldapp.mentorships.models import Mentorship
from fieldapp.method import rules
from fieldapp.method.rules import RuleKind, RuleSet
from fieldapp.referrals.models import OPEN_STATUSES as OPEN_REFERRALS
from fieldapp.referrals.models import Referral
from fieldapp.reminders.models import Reminder, ReminderStatus
from fieldapp.trajectories.models import Trajectory
from fieldapp.visits.models import Visit, VisitStatus

SEND_AT = time(8, 0)  # reminders arrive in the morning of their day
RATERS = "raters"  # e-mail to raters who have not answered, sent with the feedback deadline
DIGEST = "digest"  # one notification for a user's due reminders (see the dispatcher)
VISIT_HISTORY_DAYS = 30
CONTACT = "contact"  # no contact within the client's rhythm (fieldapp/contact_moments/rhythm.py)
NOTICE_AREA = "notice"  # scope of a notice about a file (fieldapp/reminders/notices.py)
LATE = "late"  # channel of a row planned after its moment: shown in the app, never pushed
# What the pages show as late when it is entered late; an old aftercare, visit or feedback
# deadline is history, not work.
LATE_KINDS = frozenset(
    {
        RuleKind.EVALUATION,
        RuleKind.CONTRACT_END,
        RuleKind.REFERRAL,
        RuleKind.CHECK_IN,
        CONTACT,
        GOAL,
    }
)
OPEN_STATUSES = (
    ReminderStatus.PENDING.value,
    ReminderStatus.SENT.value,
    ReminderStatus.FAILED.value,
)
_PENDING = "fieldapp_agenda_pending"  # on session.info: organisation -> (clients, mentorships)

PLANNED_AT_ONCE = 500  # files planned together: a few queries, no IN (...) of thousands
_MENTORSHIP = "mentorship:"  # the scope of a mentorship's rows, before its id


@dataclass(frozen=True)
class Planned:
    kind: str
    subject_id: int
    scope: str
    user_id: int | None
    moment: date
    event_on: date

    @property
    def key(self) -> str:
        return key_of(self.kind, self.subject_id, self.moment)


def key_of(kind: str, subject_id: int, moment: date) -> str:
    return f"{kind}:{subject_id}:{moment:%Y%m%d}"


def client_scope(client_id: int) -> str:
    return f"client:{client_id}"


def mentorship_scope(mentorship_id: int) -> str:
    return f"{_MENTORSHIP}{mentorship_id}"


def mentorship_scope_in_sql(mentorship_id: ColumnElement[int]) -> ColumnElement[str]:
    """``mentorship_scope`` of a column, inside a query."""
    return literal(_MENTORSHIP) + cast(mentorship_id, String)


def due_at(moment: date) -> datetime:
    return datetime.combine(moment, SEND_AT, tzinfo=local_zone()).astimezone(UTC)


def _trajectory_moments(
    trajectory: Trajectory, ruleset: RuleSet, user_id: int
) -> Iterator[Planned]:
    scope = client_scope(trajectory.client_id)
    if trajectory.is_open:
        for evaluation in trajectory.evaluations:
            if evaluation.done_on is None:
                yield Planned(
                    RuleKind.EVALUATION,
                    evaluation.id,
                    scope,
                    user_id,
                    evaluation.due_on,
                    evaluation.due_on,
                )
        if trajectory.planned_end_on is not None:
            for months in ruleset.of(RuleKind.CONTRACT_END, trajectory.scheme):
                yield Planned(
                    RuleKind.CONTRACT_END,
                    trajectory.id,
                    scope,
                    user_id,
                    add_months(trajectory.planned_end_on, -months),
                    trajectory.planned_end_on,
                )
    elif trajectory.ended_on is not None:
        for months in ruleset.of(RuleKind.AFTERCARE, trajectory.scheme):
            moment = add_months(trajectory.ended_on, months)
            yield Planned(RuleKind.AFTERCARE, trajectory.id, scope, user_id, moment, moment)


def _check_in_moments(
    mentorship: Mentorship, scope: str, fallback_user_id: int | None
) -> Iterator[Planned]:
    """The mentor is told when they have an account; a worksite mentor's counsellor otherwise."""
    user_id = mentorship.mentor_user_id or fallback_user_id
    if mentorship.ended_on is not None or user_id is None:
        return
    for check_in in mentorship.check_ins:
        if check_in.done_on is None:
            yield Planned(
                RuleKind.CHECK_IN, check_in.id, scope, user_id, check_in.due_on, check_in.due_on
            )


def _round_moments(
    feedback_round: FeedbackRound, ruleset: RuleSet, user_id: int
) -> Iterator[Planned]:
    # As far as the counsellor may know: a reminder that disappears when the last colleague with
    # an e-mail address answers would tell who answered.
    waiting = [invitation for invitation in feedback_round.invitations if invitation.may_be_waiting]
    if (
        feedback_round.released_at is not None
        or feedback_round.closed_at is not None
        or not waiting
    ):
        return
    scope = client_scope(feedback_round.client_id)
    for days in ruleset.of(RuleKind.FEEDBACK_DEADLINE):
        moment = add_days(feedback_round.deadline, -days)
        yield Planned(
            RuleKind.FEEDBACK_DEADLINE,
            feedback_round.id,
            scope,
            user_id,
            moment,
            feedback_round.deadline,
        )
        if days and any(invitation.email for invitation in waiting):
            yield Planned(RATERS, feedback_round.id, scope, None, moment, feedback_round.deadline)


def _goal_moments(clients: dict[int, Client]) -> Iterator[Planned]:
    """An open goal's due date on an open trajectory, for the file's counsellor: whoever acts on
    it (the client, the floor supervisor, a mentor or the counsellor), the counsellor checks it.
    Achieving or dropping the goal takes its moment away."""
    for goal in db.session.scalars(_open_goals(), {"ids": list(clients)}):
        assert goal.due_on is not None
        due, scope = goal.due_on, client_scope(goal.client_id)
        yield Planned(GOAL, goal.id, scope, clients[goal.client_id].counsellor_id, due, due)


def _client_moments(client_ids: list[int], ruleset: RuleSet) -> Iterator[Planned]:
    clients = {
        client.id: client
        for client in db.session.scalars(_of_clients(Client, Client.id), {"ids": client_ids})
        if client.anonymised_at is None
    }
    of_these = {"ids": list(clients)}
    if not clients:
        return
    trajectories = _loading(Trajectory.client_id, Trajectory.evaluations)
    for trajectory in db.session.scalars(trajectories, of_these):
        yield from _trajectory_moments(
            trajectory, ruleset, clients[trajectory.client_id].counsellor_id
        )
    for referral in db.session.scalars(_open_referrals(), of_these):
        assert referral.follow_up_on is not None
        for days in ruleset.of(RuleKind.REFERRAL):
            yield Planned(
                RuleKind.REFERRAL,
                referral.id,
                client_scope(referral.client_id),
                clients[referral.client_id].counsellor_id,
                add_days(referral.follow_up_on, -days),
                referral.follow_up_on,
            )
    since = now_utc() - timedelta(days=VISIT_HISTORY_DAYS)
    for visit in db.session.scalars(_planned_visits(), {**of_these, "since": since}):
        day = local_date(visit.starts_at)
        for days in ruleset.of(RuleKind.VISIT):
            yield Planned(
                RuleKind.VISIT,
                visit.id,
                client_scope(visit.client_id),
                visit.counsellor_id,
                add_days(day, -days),
                day,
            )
    mentorships = _loading(Mentorship.mentee_client_id, Mentorship.check_ins)
    for mentorship in db.session.scalars(mentorships, of_these):
        assert mentorship.mentee_client_id is not None
        yield from _check_in_moments(
            mentorship,
            client_scope(mentorship.mentee_client_id),
            clients[mentorship.mentee_client_id].counsellor_id,
        )
    rounds = _loading(FeedbackRound.client_id, FeedbackRound.invitations)
    for feedback_round in db.session.scalars(rounds, of_these):
        yield from _round_moments(
            feedback_round, ruleset, clients[feedback_round.client_id].counsellor_id
        )
    yield from _goal_moments(clients)


def _contact_moments(organisation_id: int, client_ids: list[int]) -> Iterator[Planned]:
    """No contact for N days: the day after the last contact plus the client's rhythm."""
    for due in contact_rhythm.due_contacts(organisation_id, client_ids):
        scope = client_scope(due.client_id)
        yield Planned(CONTACT, due.client_id, scope, due.counsellor_id, due.moment, due.moment)


def _colleague_moments(mentorship_ids: list[int]) -> Iterator[Planned]:
    if not mentorship_ids:
        return
    for mentorship in db.session.scalars(_colleague_mentorships(), {"ids": mentorship_ids}):
        yield from _check_in_moments(mentorship, mentorship_scope(mentorship.id), None)


# --- the statements ---------------------------------------------------------------------------
# Built once: every commit that touches a file plans it, and an ORM statement built afresh costs
# more to build, and to give its tenant's criteria (``fieldapp.common.tenancy``), than to run.


def _ids() -> Any:
    return bindparam("ids", expanding=True)


@cache
def _of_clients(model: Any, client_column: Any) -> Select:
    """Rows of ``model`` whose ``client_column`` is one of the clients ``ids``."""
    return select(model).where(client_column.in_(_ids()))


@cache
def _loading(client_column: Any, related: Any) -> Select:
    """Rows whose ``client_column`` is one of the clients ``ids``, with their ``related`` rows
    loaded in one more query."""
    return _of_clients(client_column.class_, client_column).options(selectinload(related))


@cache
def _open_referrals() -> Select:
    return _of_clients(Referral, Referral.client_id).where(
        Referral.status.in_(OPEN_REFERRALS), Referral.follow_up_on.is_not(None)
    )


@cache
def _planned_visits() -> Select:
    """Planned visits of the clients ``ids`` from ``since`` on."""
    return _of_clients(Visit, Visit.client_id).where(
        Visit.status == VisitStatus.PLANNED.value, Visit.starts_at >= bindparam("since")
    )


@cache
def _open_goals() -> Select:
    """Open goals with a due date of the clients ``ids``, on open trajectories."""
    return (
        _of_clients(Goal, Goal.client_id)
        .join(Trajectory, Trajectory.id == Goal.trajectory_id)
        .where(
            Goal.status == GoalStatus.OPEN.value,
            Goal.due_on.is_not(None),
            Trajectory.ended_on.is_(None),
        )
    )


@cache
def _colleague_mentorships() -> Select:
    """The mentorships ``ids`` between colleagues (a mentee who is a user)."""
    return (
        select(Mentorship)
        .where(Mentorship.id.in_(_ids()), Mentorship.mentee_user_id.is_not(None))
        .options(selectinload(Mentorship.check_ins))
    )


@cache
def _reminders_of_scopes() -> Select:
    """The reminder rows of the files and mentorships ``scopes``: of every organisation, as the
    scheduler plans without one (a scope names one file, which belongs to one)."""
    return (
        select(Reminder)
        .where(Reminder.scope.in_(bindparam("scopes", expanding=True)))
        .execution_options(all_tenants=True)
    )


def on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def insert_new(rows: list[dict[str, Any]]) -> None:
    """Insert reminder rows whose key is new; a key that exists, or that another transaction
    just inserted, is left alone. Each row gives at least its key, kind, scope, subject, user,
    moment, event day, organisation and when it is due (``next_attempt_at``)."""
    if not rows:
        return
    fresh = {
        "status": ReminderStatus.PENDING.value,
        "claimed_by": "",
        "attempts": 0,
        "channel": "",
        "last_error": "",
        "created_at": now_utc(),
        "urgent": False,
    }
    insert = postgresql.insert if on_postgresql() else sqlite.insert
    statement = insert(Reminder.__table__).on_conflict_do_nothing(index_elements=["key"])
    # One statement run for many rows (the driver's executemany, or SQLAlchemy's "insert many
    # values" batches), compiled once: a whole caseload planned at once (a spreadsheet import)
    # costs no statement of thousands of bound values compiled afresh. Rows are grouped by the
    # columns they give, as every row of one executemany gives the same ones.
    by_columns: dict[frozenset[str], list[dict[str, Any]]] = {}
    for row in rows:
        values = {**fresh, **row}
        by_columns.setdefault(frozenset(values), []).append(values)
    for columns, group in by_columns.items():
        # An executemany leaves out a key that is no column, where a VALUES list refused it.
        unknown = columns - set(Reminder.__table__.c.keys())
        if unknown:
            raise ValueError(f"not columns of reminder: {', '.join(sorted(unknown))}")
        db.session.execute(statement, group)


def client_of(scope: str) -> int | None:
    """The client whose file a reminder (or a notice about the file) belongs to, if any."""
    area, _, ident = scope.partition(":")
    return int(ident) if area in ("client", NOTICE_AREA) else None


@cache
def is_open() -> ColumnElement[bool]:
    """A row that still counts, on every page: not done, not cancelled, not a digest or an
    e-mail to raters. Snoozing only delays the bell and push; the home screen and the caseload
    still show what is due.

    Made once: a clause is immutable, and building its three comparisons again cost the home
    screen, which asks eight times, half a millisecond each time. Its lists are one bound value
    each (``IN (?, ?, ?)``, the SQL an expanding ``IN`` becomes), not an expanding ``IN``, which
    SQLAlchemy writes out in the statement's text again on every execution."""
    return and_(
        Reminder.status.in_(_values(Reminder.status, OPEN_STATUSES)),
        Reminder.done_at.is_(None),
        Reminder.kind.not_in(_values(Reminder.kind, (DIGEST, RATERS))),
    )


def _values(column: Any, values: Iterable[str]) -> list[ColumnElement[str]]:
    return [literal(value, column.type) for value in values]


def _late(row: Planned) -> dict[str, Any] | None:
    """How a moment already past is kept: told in the app only, or (``None``) not at all."""
    if row.kind not in LATE_KINDS:
        return None
    return {"status": ReminderStatus.SENT.value, "channel": LATE}


def plan(
    organisation_id: int, client_ids: Iterable[int] = (), mentorship_ids: Iterable[int] = ()
) -> None:
    """Bring the reminders of these clients' files and colleague mentorships up to date."""
    client_ids, mentorship_ids = sorted(set(client_ids)), sorted(set(mentorship_ids))
    scopes = [client_scope(i) for i in client_ids] + [mentorship_scope(i) for i in mentorship_ids]
    if not scopes:
        return
    ruleset = rules.of_organisation(organisation_id)
    wanted = {row.key: row for row in _client_moments(client_ids, ruleset)}
    wanted.update((row.key, row) for row in _colleague_moments(mentorship_ids))
    wanted.update((row.key, row) for row in _contact_moments(organisation_id, client_ids))
    existing = {
        reminder.key: reminder
        for reminder in db.session.scalars(_reminders_of_scopes(), {"scopes": scopes})
    }
    first_day, now = today(), now_utc()
    for key, reminder in existing.items():
        row = wanted.get(key)
        status = ReminderStatus(reminder.status)
        told = status is ReminderStatus.SENT and reminder.channel != LATE
        if row is None:
            if not told and status is not ReminderStatus.CANCELLED:
                reminder.status = ReminderStatus.CANCELLED.value
                reminder.lease_until = None
            elif told and reminder.done_at is None:
                reminder.done_at = now  # its moment is gone: history, no longer to do
        elif status is ReminderStatus.CANCELLED and row.moment >= first_day:
            reminder.status = ReminderStatus.PENDING.value  # the date came back
            reminder.next_attempt_at = due_at(row.moment)
            reminder.attempts = 0
        elif status is ReminderStatus.CANCELLED and (late := _late(row)) is not None:
            for column, value in late.items():  # came back, but late
                setattr(reminder, column, value)
        if row is not None and reminder.user_id != row.user_id and not told:
            reminder.user_id = row.user_id  # handed over to another counsellor
    db.session.flush()
    new = []
    for key, row in wanted.items():
        late = _late(row) if row.moment < first_day else {}
        if key in existing or late is None:
            continue
        new.append(
            {
                "organisation_id": organisation_id,
                "key": key,
                "kind": str(row.kind),
                "scope": row.scope,
                "subject_id": row.subject_id,
                "client_id": client_of(row.scope),
                "user_id": row.user_id,
                "moment": row.moment,
                "event_on": row.event_on,
                "next_attempt_at": due_at(row.moment),
                **late,
            }
        )
    insert_new(new)


def change_rules(actor: User, changes: dict[tuple[RuleKind, str], tuple[int, ...]]) -> None:
    """Keep an organisation's new rules and bring its reminders in line with them at once."""
    if rules.save(actor, changes):
        plan_organisation(actor.organisation_id)


def plan_organisation(organisation_id: int) -> None:
    """Plan every file of an organisation again (after its rules changed, and nightly)."""
    client_ids = db.session.scalars(
        select(Client.id).where(
            Client.organisation_id == organisation_id, Client.anonymised_at.is_(None)
        )
    ).all()
    mentorship_ids = db.session.scalars(
        select(Mentorship.id).where(
            Mentorship.organisation_id == organisation_id, Mentorship.mentee_user_id.is_not(None)
        )
    ).all()
    for start in range(0, len(client_ids), PLANNED_AT_ONCE):
        plan(organisation_id, client_ids[start : start + PLANNED_AT_ONCE])
    plan(organisation_id, (), mentorship_ids)


# --- following the sources -------------------------------------------------------------------
# The services say what changed (``fieldapp.common.events``); the agenda notes which files that
# touches on the session and plans each of them once, just before the commit.


def _plan_later(
    organisation_id: int, *, client_id: int | None = None, mentorship_id: int | None = None
) -> None:
    """Note a client's file or a colleague mentorship, to be planned at the commit."""
    clients, mentorships = db.session.info.setdefault(_PENDING, {}).setdefault(
        organisation_id, (set(), set())
    )
    if client_id is not None:
        clients.add(client_id)
    if mentorship_id is not None:
        mentorships.add(mentorship_id)


def _client_file_changed(client: Client, **_: Any) -> None:
    _plan_later(client.organisation_id, client_id=client.id)


def _mentorship_changed(mentorship: Mentorship, **_: Any) -> None:
    """A client's mentorship is part of the client's file; one between colleagues stands alone."""
    if mentorship.mentee_client_id is not None:
        _plan_later(mentorship.organisation_id, client_id=mentorship.mentee_client_id)
    else:
        _plan_later(mentorship.organisation_id, mentorship_id=mentorship.id)


def _feedback_round_changed(feedback_round: FeedbackRound, **_: Any) -> None:
    _plan_later(feedback_round.organisation_id, client_id=feedback_round.client_id)


def _plan_pending(session: Session) -> None:
    pending: dict[int, tuple[set[int], set[int]]] | None = session.info.pop(_PENDING, None)
    for organisation_id, (clients, mentorships) in (pending or {}).items():
        client_ids = sorted(clients)
        # In slices, as the nightly pass: thousands of files at once (a spreadsheet import) make
        # no query with thousands of values in one IN (...).
        for start in range(0, len(client_ids), PLANNED_AT_ONCE):
            plan(organisation_id, client_ids[start : start + PLANNED_AT_ONCE])
        plan(organisation_id, (), mentorships)


def _forget(session: Session, previous_transaction: SessionTransaction) -> None:
    if not previous_transaction.nested:
        session.info.pop(_PENDING, None)


def subscribe(session_class: type[Session]) -> None:
    """Listen to the services' events, and plan the files they touched before each commit of
    ``session_class``'s sessions (a rollback forgets them)."""
    events.client_file_changed.connect(_client_file_changed)
    events.mentorship_changed.connect(_mentorship_changed)
    events.feedback_round_changed.connect(_feedback_round_changed)
    if not event.contains(session_class, "before_commit", _plan_pending):
        event.listen(session_class, "before_commit", _plan_pending)
        event.listen(session_class, "after_soft_rollback", _forget)
