"""The evidence per competence: scores of notes since the last evaluation (the newest revision of
each note), their direction, and the latest 360° round as its report may show it."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from fieldapp.common.time import now_utc
from fieldapp.contact_moments import services as contact_moments
from fieldapp.contact_moments.models import ContactKind
from fieldapp.contact_moments.services import IncomingContact
from fieldapp.evaluations.evidence import Direction, direction_of, gather
from fieldapp.feedback import rounds
from fieldapp.feedback.frameworks import shipped_framework
from fieldapp.feedback.models import RaterGroup
from fieldapp.feedback.report import Flag
from fieldapp.feedback.rounds import Rater
from tests.evaluations.conftest import (
    FIRST,
    FIRST_HELD_DAYS_AGO,
    SECOND,
    correct_note,
    visit_with_note,
)


def evidence_of(setting):
    world = setting.world
    return gather(
        world.client, world.trajectory, setting.evaluation, shipped_framework("nl"), None, "nl"
    )


@pytest.mark.parametrize(
    ("scores", "direction"),
    [
        ([], None),
        ([3], None),
        ([2, 4], Direction.UP),  # two scores: the last against the first
        ([4, 2], Direction.DOWN),
        ([3, 3], Direction.FLAT),
        ([2, 2, 5, 3, 3], Direction.UP),  # 2,2 against 3,3: the middle one counts for neither
        ([3, 4, 3, 3], Direction.DOWN),  # 3 against 3.5: half a point is enough
        ([3, 3, 4, 3], Direction.UP),  # 4,3 against 3,3: half a point up
        ([3, 3, 3, 4, 3, 2], Direction.FLAT),  # 4,3,2 against 3,3,3: the same mean
    ],
)
def test_direction_compares_the_later_half_with_the_earlier_half(scores, direction):
    assert direction_of(scores) is direction


def test_notes_since_the_last_evaluation_newest_revision_only(db, setting):
    world = setting.world
    visit_with_note(db, world, FIRST_HELD_DAYS_AGO + 5, {FIRST: 1})  # before the last evaluation
    visit_with_note(db, world, FIRST_HELD_DAYS_AGO, {FIRST: 1})  # on its day: counted there
    first = visit_with_note(db, world, 90, {FIRST: 2, SECOND: 4})
    correct_note(db, first, {FIRST: 3, SECOND: 4})  # the note now says 3
    visit_with_note(db, world, 30, {FIRST: 4})
    visit_with_note(db, world, 2, {FIRST: 5, SECOND: 4})

    evidence = evidence_of(setting)

    first_item = evidence.of(FIRST)
    assert [n.score for n in first_item.notes] == [3, 4, 5]
    assert first_item.direction is Direction.UP
    second_item = evidence.of(SECOND)
    assert [n.score for n in second_item.notes] == [4, 4]
    assert second_item.direction is Direction.FLAT
    assert evidence.since == setting.held.done_on


def test_the_page_shows_the_scores_and_their_direction(client, db, signed_in):
    visit_with_note(db, signed_in.world, 40, {FIRST: 4})
    visit_with_note(db, signed_in.world, 10, {FIRST: 2})

    page = client.get(signed_in.url).get_data(as_text=True)

    block = page.split(f'data-evidence="{FIRST}"')[1].split("</div>")[0]
    assert "4</span> · <span" in block
    assert "↓" in block


def test_the_latest_360_round_self_against_others_with_flags(make, db, setting):
    world = setting.world
    round_, _links = make.feedback_round(
        world, Rater(RaterGroup.SELF, "Mina"), Rater(RaterGroup.SUPERVISOR, "Sofie")
    )
    make.feedback_answer(round_, RaterGroup.SELF, {FIRST: 5, SECOND: 2})
    make.feedback_answer(round_, RaterGroup.SUPERVISOR, {FIRST: 3, SECOND: 4})

    evidence = evidence_of(setting)

    assert evidence.feedback_round.id == round_.id
    first, second = evidence.of(FIRST).feedback, evidence.of(SECOND).feedback
    assert (first.own, first.others, first.flag) == (5, 3, Flag.BLIND_SPOT)
    assert (second.own, second.others, second.flag) == (2, 4, Flag.HIDDEN_STRENGTH)


def test_anonymous_answers_stay_hidden_as_in_the_report(make, db, setting):
    """Two colleagues (below the threshold of three) in a closed round: their scores are in no
    figure, so nobody reads what one colleague said."""
    world = setting.world
    round_, _links = make.feedback_round(world, Rater(RaterGroup.SUPERVISOR, "Sofie"))
    make.feedback_answer(round_, RaterGroup.SUPERVISOR, {FIRST: 4})
    make.feedback_answer(round_, RaterGroup.COLLEAGUE, {FIRST: 1})
    make.feedback_answer(round_, RaterGroup.COLLEAGUE, {FIRST: 1})
    rounds.close(world.counsellor, round_)
    db.session.commit()

    figures = evidence_of(setting).of(FIRST).feedback

    assert figures.others == 4
    assert figures.others_count == 1


def test_an_open_round_leaves_out_the_anonymous_groups(client, make, db, signed_in):
    setting = signed_in
    world = setting.world
    round_, _links = make.feedback_round(world, Rater(RaterGroup.SUPERVISOR, "Sofie"))
    make.feedback_answer(round_, RaterGroup.SUPERVISOR, {FIRST: 4})
    for _ in range(3):  # enough colleagues, but the round is still open
        make.feedback_answer(round_, RaterGroup.COLLEAGUE, {FIRST: 1})

    figures = evidence_of(setting).of(FIRST).feedback

    assert (figures.others, figures.others_count) == (4, 1)
    assert evidence_of(setting).feedback_closed is False
    assert "data-round-open" in client.get(setting.url).get_data(as_text=True)


def test_the_contacts_of_the_period_are_evidence_too(db, setting):
    world = setting.world

    def contact(days_ago: int, note: str) -> None:
        happened_at = now_utc() - timedelta(days=days_ago)
        incoming = IncomingContact(
            str(uuid.uuid4()), ContactKind.PHONE_CALL, True, note, happened_at
        )
        contact_moments.record(world.counsellor, world.client, incoming)

    contact(FIRST_HELD_DAYS_AGO + 3, "before the last evaluation")
    contact(40, "belde over zijn uren")
    contact(3, "kwam langs")

    evidence = evidence_of(setting)

    assert [c.note for c in evidence.contacts] == ["belde over zijn uren", "kwam langs"]
