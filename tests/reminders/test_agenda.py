"""Reminder rows follow their sources: generated from the rules, moved with the dates, cancelled
when obsolete, kept when sent, never doubled."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.clients import services as client_services
from fieldapp.common.dates import add_months, today
from fieldapp.common.time import now_utc
from fieldapp.feedback import rounds
from fieldapp.feedback.models import RaterGroup
from fieldapp.mentorships import services as mentorship_services
from fieldapp.method import Outcome, Scheme, rules
from fieldapp.method.models import ReminderRule
from fieldapp.method.rules import RuleKind
from fieldapp.privacy import services as privacy
from fieldapp.reminders import agenda
from fieldapp.reminders.models import Reminder, ReminderStatus
from fieldapp.trajectories import services as trajectory_services
from fieldapp.visits import services as visit_services
from fieldapp.visits.models import VisitStatus


@pytest.fixture(autouse=True)
def links(app):
    """Hand-overs and feedback invitations mail links: build them as in a request."""
    with app.test_request_context():
        yield


def rows(db, kind: str | None = None, status: str | None = None) -> list[Reminder]:
    db.session.expire_all()
    query = select(Reminder).order_by(Reminder.moment, Reminder.key)
    if kind:
        query = query.where(Reminder.kind == kind)
    if status:
        query = query.where(Reminder.status == status)
    return list(db.session.scalars(query))


def moments(db, kind: str, status: str = "pending") -> list[date]:
    return [row.moment for row in rows(db, kind, status)]


def new_file(make, *, started: date, end: date | None, scheme: Scheme = Scheme.ART60):
    counsellor = make.user()
    client = make.client(counsellor)
    trajectory = make.trajectory(
        counsellor, client, scheme=scheme, started_on=started, planned_end_on=end
    )
    return counsellor, client, trajectory


def test_an_art60_contract_gets_its_evaluations_and_contract_end(db, make):
    start = today() - timedelta(days=10)
    end = add_months(start, 24) - timedelta(days=1)
    counsellor, client, _ = new_file(make, started=start, end=end)
    assert moments(db, RuleKind.EVALUATION) == [add_months(start, m) for m in (1, 3, 6, 12, 18)]
    assert moments(db, RuleKind.CONTRACT_END) == [add_months(end, -3), add_months(end, -1)]
    assert {row.user_id for row in rows(db)} == {counsellor.id}
    assert {row.scope for row in rows(db)} == {f"client:{client.id}"}
    first = rows(db, RuleKind.EVALUATION)[0]
    assert first.next_attempt_at == agenda.due_at(first.moment)
    assert first.next_attempt_at.astimezone(agenda.local_zone()).time() == time(8, 0)


def test_past_moments_are_not_made_when_an_old_trajectory_is_entered(db, make):
    start = today() - timedelta(days=200)
    new_file(make, started=start, end=add_months(start, 12))
    assert moments(db, RuleKind.EVALUATION) == [add_months(start, 12)]


def test_changed_dates_move_the_reminders_and_keep_what_was_sent(db, make):
    start = today() - timedelta(days=10)
    counsellor, _, trajectory = new_file(make, started=start, end=add_months(start, 12))
    sent = rows(db, RuleKind.CONTRACT_END)[0]
    sent.status, sent.sent_at = ReminderStatus.SENT.value, now_utc()
    db.session.commit()
    before = len(rows(db))

    new_end = add_months(start, 18)
    trajectory_services.update(
        counsellor,
        trajectory,
        trajectory_services.TrajectoryPlan(Scheme.ART60, start, new_end, None, None),
    )
    db.session.commit()
    assert moments(db, RuleKind.CONTRACT_END) == [add_months(new_end, -3), add_months(new_end, -1)]
    assert len(rows(db, RuleKind.CONTRACT_END, "cancelled")) == 1
    kept = db.session.get(Reminder, sent.id)
    assert kept.status == "sent"
    assert kept.done_at is not None
    assert moments(db, RuleKind.EVALUATION) == [add_months(start, m) for m in (1, 3, 6, 12, 18)]
    assert len(rows(db)) > before

    count = db.session.scalar(select(func.count()).select_from(Reminder))
    agenda.plan(counsellor.organisation_id, [trajectory.client_id])
    agenda.plan(counsellor.organisation_id, [trajectory.client_id])
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Reminder)) == count  # no doubles
    assert len({row.key for row in rows(db)}) == count


def test_a_date_that_comes_back_revives_its_reminder(db, make):
    start = today() - timedelta(days=10)
    end = add_months(start, 12)
    counsellor, _, trajectory = new_file(make, started=start, end=end)
    for planned_end in (add_months(start, 16), end):
        trajectory_services.update(
            counsellor,
            trajectory,
            trajectory_services.TrajectoryPlan(Scheme.ART60, start, planned_end, None, None),
        )
        db.session.commit()
    assert moments(db, RuleKind.CONTRACT_END) == [add_months(end, -3), add_months(end, -1)]
    assert len(rows(db, RuleKind.CONTRACT_END)) == 4  # the 16-month ones cancelled, no doubles


def test_the_end_brings_aftercare_and_cancels_what_was_left(db, make):
    start = today() - timedelta(days=100)
    counsellor, _, trajectory = new_file(make, started=start, end=add_months(start, 12))
    ended = today()
    trajectory_services.end(counsellor, trajectory, ended, Outcome.REGULAR_JOB)
    db.session.commit()
    assert moments(db, RuleKind.AFTERCARE) == [add_months(ended, 3), add_months(ended, 6)]
    assert moments(db, RuleKind.EVALUATION) == moments(db, RuleKind.CONTRACT_END) == []
    assert rows(db, RuleKind.CONTRACT_END, "cancelled")


def test_a_hand_over_moves_what_is_still_to_come(db, make):
    start = today() - timedelta(days=10)
    counsellor, client, _ = new_file(make, started=start, end=add_months(start, 12))
    colleague = make.user(counsellor.organisation)
    client_services.hand_over(counsellor, client, colleague, "Overdracht")
    db.session.commit()
    assert {row.user_id for row in rows(db, status="pending")} == {colleague.id}


def test_visits_mentor_check_ins_referrals_and_feedback(db, make):
    start = today() - timedelta(days=3)
    counsellor, client, trajectory = new_file(make, started=start, end=add_months(start, 12))
    worksite = make.worksite(counsellor)
    contact = make.contact(counsellor, worksite)
    in_three_days = today() + timedelta(days=3)
    visit = visit_services.plan(
        counsellor, client, visit_services.VisitPlan(in_three_days, time(10), 60, "")
    )
    mentorship_services.pair(
        counsellor, starts_on=start, mentor_contact=contact, mentee_client=client
    )
    make.referral(counsellor, client, follow_up_on=today() + timedelta(days=20))
    feedback_round, _ = rounds.start(
        counsellor,
        trajectory,
        today() + timedelta(days=10),
        [
            rounds.Rater(RaterGroup.SUPERVISOR, "Sofie", "sofie@example.org"),
            rounds.Rater(RaterGroup.SELF, "Mina"),
        ],
        today=today(),
    )
    db.session.commit()
    assert moments(db, RuleKind.VISIT) == [in_three_days - timedelta(days=1)]
    assert moments(db, RuleKind.CHECK_IN) == [start + timedelta(days=d) for d in (7, 30, 90)]
    assert moments(db, RuleKind.REFERRAL) == [today() + timedelta(days=20)]
    assert moments(db, RuleKind.FEEDBACK_DEADLINE) == [today() + timedelta(days=8)]
    assert moments(db, agenda.RATERS) == [today() + timedelta(days=8)]
    assert rows(db, agenda.RATERS)[0].user_id is None

    visit_services.set_status(counsellor, visit, VisitStatus.CANCELLED)
    for invitation in feedback_round.invitations:
        rounds.submit(invitation, rounds.Answers())
    db.session.commit()
    assert moments(db, RuleKind.VISIT) == []
    assert moments(db, RuleKind.FEEDBACK_DEADLINE) == moments(db, agenda.RATERS) == []


def test_organisation_rules_replace_the_defaults(db, make):
    admin = make.user()
    start = today() - timedelta(days=10)
    counsellor = make.user(admin.organisation)
    client = make.client(counsellor)
    make.trajectory(
        counsellor,
        client,
        scheme=Scheme.TWE,
        started_on=start,
        planned_end_on=add_months(start, 12),
    )
    assert moments(db, RuleKind.CONTRACT_END) == [
        add_months(add_months(start, 12), -2),
        add_months(add_months(start, 12), -1),
    ]
    assert rules.save(
        admin,
        {(RuleKind.CONTRACT_END, "twe"): (4,), (RuleKind.EVALUATION, "twe"): (2, 9)},
    )
    agenda.plan_organisation(admin.organisation_id)
    db.session.commit()
    assert moments(db, RuleKind.CONTRACT_END) == [add_months(add_months(start, 12), -4)]
    assert rules.of_organisation(admin.organisation_id).of(RuleKind.EVALUATION, "twe") == (2, 9)

    other = make.client(counsellor)
    make.trajectory(
        counsellor, other, scheme=Scheme.TWE, started_on=start, planned_end_on=add_months(start, 12)
    )
    assert [
        row.moment
        for row in rows(db, RuleKind.EVALUATION, "pending")
        if row.scope == f"client:{other.id}"
    ] == [add_months(start, 2), add_months(start, 9)]

    # Back to the default: no row of its own any more.
    assert rules.save(admin, {(RuleKind.CONTRACT_END, "twe"): (1, 2)})
    db.session.commit()
    assert rules.of_organisation(admin.organisation_id).of(RuleKind.CONTRACT_END, "twe") == (1, 2)
    assert (
        db.session.scalars(select(ReminderRule).where(ReminderRule.kind == "contract_end")).all()
        == []
    )


def test_anonymising_a_file_cancels_its_reminders(db, make):
    start = today() - timedelta(days=10)
    counsellor, client, trajectory = new_file(make, started=start, end=add_months(start, 12))
    trajectory_services.end(counsellor, trajectory, today(), Outcome.REGULAR_JOB)
    db.session.commit()
    assert moments(db, RuleKind.AFTERCARE)
    privacy.anonymise(counsellor, client)
    db.session.commit()
    assert rows(db, status="pending") == []


def test_a_row_with_a_key_that_is_no_column_is_refused_not_saved_without_it(db, make):
    """Rows go in as one statement run for many (executemany), which would leave a misspelt
    column out silently; the agenda refuses such a row instead."""
    counsellor = make.user()
    row = {
        "organisation_id": counsellor.organisation_id,
        "key": "evaluation:1:20261204",
        "kind": "evaluation",
        "scope": "",
        "subject_id": 1,
        "user_id": counsellor.id,
        "moment": today(),
        "event_on": today(),
        "next_attempt_at": now_utc(),
        "urgnet": True,
    }
    with pytest.raises(ValueError, match="urgnet"):
        agenda.insert_new([row])
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Reminder)) == 0
