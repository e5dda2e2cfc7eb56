"""One agenda: the home screen, the caseload's "needs attention" and next-due column, the bell and
the reminders page read the same rows, so a changed rule, a moment done and a moment cancelled
change all of them at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from fieldapp.auth.models import User
from fieldapp.caseload import services as caseload
from fieldapp.common.dates import add_months, today
from fieldapp.common.time import now_utc
from fieldapp.home.services import home_screen
from fieldapp.mentorships import services as mentorships
from fieldapp.method import Scheme
from fieldapp.method.rules import RuleKind
from fieldapp.referrals import services as referrals
from fieldapp.referrals.models import ReferralStatus
from fieldapp.reminders import agenda, centre


def label(kind: RuleKind) -> str:
    return str(caseload.LABELS[kind])


@dataclass(frozen=True)
class Seen:
    home: set[str]
    attention: set[int]
    next_due: dict[int, str]
    bell: int
    reminders_page: set[str]


def seen(db, user: User) -> Seen:
    """What every page shows ``user``, as ``kind:subject`` where a page shows the item."""
    db.session.expire_all()
    day, now = today(), now_utc()
    screen = home_screen(user, day)
    attention = caseload.search(user, caseload.CaseloadFilter(attention=True), day, 1)
    rows = caseload.search(user, caseload.CaseloadFilter(), day, 1)
    due = centre.of_user(user, day, now).due
    return Seen(
        home={f"evaluation:{e.id}" for e in screen.evaluations}
        | {f"referral:{r.id}" for r in screen.referrals}
        | {f"check_in:{c.id}" for c in screen.check_ins}
        | {f"contract_end:{t.id}" for t in screen.contracts_ending},
        attention={row.client.id for row in attention.items},
        next_due={row.client.id: str(row.next_due.label) for row in rows.items if row.next_due},
        bell=centre.due_count(user, day, now),
        reminders_page={f"{item.reminder.kind}:{item.reminder.subject_id}" for item in due},
    )


@pytest.fixture(autouse=True)
def request_context(app):
    with app.test_request_context():
        yield


@pytest.fixture
def ending(make, db):
    """A TWE contract that ends in 50 days: by the default rule (2 and 1 months before) its end
    is due now; its first evaluation comes in three weeks."""
    counsellor = make.user()
    person = make.client(counsellor)
    trajectory = make.trajectory(
        counsellor,
        person,
        scheme=Scheme.TWE,
        started_on=today() - timedelta(days=10),
        planned_end_on=today() + timedelta(days=50),
    )
    db.session.commit()
    return counsellor, person, trajectory


def test_a_changed_rule_changes_every_page_at_once(db, make, ending):
    counsellor, person, trajectory = ending
    contract = f"contract_end:{trajectory.id}"
    before = seen(db, counsellor)
    assert contract in before.home
    assert before.attention == {person.id}
    assert before.bell == 1
    assert before.reminders_page == {contract}

    # The organisation prepares TWE contracts one month ahead only: not due yet, anywhere.
    agenda.change_rules(counsellor, {(RuleKind.CONTRACT_END, Scheme.TWE.value): (1,)})
    db.session.commit()
    after = seen(db, counsellor)
    assert contract not in after.home
    assert after.attention == set()
    assert after.bell == 0
    assert after.reminders_page == set()

    # Three months ahead: due again on every page (it came back, late).
    agenda.change_rules(counsellor, {(RuleKind.CONTRACT_END, Scheme.TWE.value): (3, 1)})
    db.session.commit()
    again = seen(db, counsellor)
    assert contract in again.home
    assert again.attention == {person.id}
    assert again.bell == 1
    assert again.reminders_page == {contract}
    assert add_months(trajectory.planned_end_on, -3) < today()


def test_a_moment_marked_done_leaves_every_page(client, auth, db, ending):
    counsellor, _, trajectory = ending
    auth.login(counsellor.email)
    (item,) = centre.of_user(counsellor, today(), now_utc()).due

    assert client.post(f"/notifications/{item.reminder.id}/done").status_code == 302

    after = seen(db, counsellor)
    assert f"contract_end:{trajectory.id}" not in after.home
    assert after.attention == set()
    assert after.bell == 0
    assert after.reminders_page == set()


def test_a_cancelled_moment_leaves_every_page(db, make):
    counsellor = make.user()
    person = make.client(counsellor)
    referral = make.referral(counsellor, person, follow_up_on=today() - timedelta(days=2))
    db.session.commit()
    late = seen(db, counsellor)
    assert f"referral:{referral.id}" in late.home
    assert late.attention == {person.id}
    assert late.next_due == {person.id: label(RuleKind.REFERRAL)}
    assert late.bell == 1
    assert late.reminders_page == {f"referral:{referral.id}"}

    referrals.update(
        counsellor,
        referral,
        referrals.ReferralDetails(
            referral.partner, referral.reason, ReferralStatus.CLOSED, referral.follow_up_on
        ),
    )
    db.session.commit()

    closed = seen(db, counsellor)
    assert closed.home == closed.attention == closed.reminders_page == set()
    assert closed.next_due == {}
    assert closed.bell == 0


def test_a_colleagues_check_in_is_on_the_home_screen_of_both_and_of_nobody_else(db, make):
    """A new colleague mentored by an experienced one: the check-in due in five days is on the
    home screen of the mentored colleague and of their mentor, not on a third colleague's."""
    mentor = make.user()
    newcomer = make.user(mentor.organisation)
    other = make.user(mentor.organisation)
    mentorship = mentorships.pair(
        mentor,
        starts_on=today() - timedelta(days=2),  # the first check-in after a week: in five days
        mentor_user=mentor,
        mentee_user=newcomer,
    )
    db.session.commit()
    first = min(mentorship.check_ins, key=lambda check_in: check_in.due_on)
    assert first.due_on == today() + timedelta(days=5)
    assert f"check_in:{first.id}" in seen(db, newcomer).home
    assert f"check_in:{first.id}" in seen(db, mentor).home
    assert not seen(db, other).home


def test_each_file_in_the_caseload_shows_its_earliest_open_moment(db, make):
    """A file with a referral to follow up in three days and evaluations to come shows the
    referral; one with only evaluations shows the first of them; a contract end counts only
    from its first reminder on (not yet here: it ends in a year)."""
    counsellor = make.user()
    busy, quiet = make.client(counsellor), make.client(counsellor)
    for person in (busy, quiet):
        make.trajectory(counsellor, person, started_on=today() - timedelta(days=20))
    make.referral(counsellor, busy, follow_up_on=today() + timedelta(days=3))
    make.referral(counsellor, busy, follow_up_on=today() + timedelta(days=40))
    db.session.commit()
    assert seen(db, counsellor).next_due == {
        busy.id: label(RuleKind.REFERRAL),
        quiet.id: label(RuleKind.EVALUATION),
    }
