"""The kept 360° round points: after each thing that can change a round's figures, the points the
client's page draws (its listed rounds, kept) are those read afresh from the records."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from fieldapp.admin.organisation_settings import update_settings
from fieldapp.common.dates import today
from fieldapp.competence_trend.sources import Scope, round_points
from fieldapp.feedback import rounds
from fieldapp.feedback.models import Invitation, RaterGroup
from fieldapp.method import Outcome
from fieldapp.privacy import services as privacy
from fieldapp.trajectories import services as trajectories
from tests.competence_trend.conftest import answers


def _kept(world) -> list:
    threshold = world.organisation.feedback_threshold
    listed = tuple(summary.round for summary in rounds.of_client(world.client))
    return sorted(round_points(Scope(world.client, threshold=threshold, rounds=listed)), key=repr)


def _fresh(world) -> list:
    """The same points from the round records: nothing kept (a record has no key)."""
    threshold = world.organisation.feedback_threshold
    return sorted(round_points(Scope(world.client, threshold=threshold)), key=repr)


def _threshold(db, world, threshold: int) -> None:
    """The administrator sets the organisation's anonymity threshold."""
    organisation = world.organisation
    update_settings(
        world.counsellor,
        organisation,
        retention_months=organisation.retention_months,
        language=organisation.default_language,
        feedback_threshold=threshold,
    )
    db.session.commit()


def _same(world) -> list:
    kept, fresh = _kept(world), _fresh(world)
    assert kept == fresh
    assert _kept(world) == fresh  # and read again, from what was kept
    return kept


def test_the_kept_points_follow_every_change_of_a_round(make, db, clock):
    world = make.world()
    feedback_round = world.feedback_round
    counsellor = world.counsellor
    feedback_round.threshold = 2  # started while the organisation's threshold was 2
    answers(db, feedback_round, RaterGroup.SELF, {"punctuality": 2})
    answers(db, feedback_round, RaterGroup.SUPERVISOR, {"punctuality": 4})
    answers(db, feedback_round, RaterGroup.COLLEAGUE, *([{"punctuality": 1}] * 2))
    open_points = _same(world)

    # The deadline moves later: the same figures.
    rounds.extend(counsellor, feedback_round, feedback_round.deadline + timedelta(days=3), today())
    db.session.commit()
    assert _same(world) == open_points

    # A colleague's link stopped (answered or not): the same figures.
    colleague = next(i for i in feedback_round.invitations if i.rater_group == "colleague")
    rounds.revoke(counsellor, colleague)
    db.session.commit()
    assert _same(world) == open_points

    # The threshold goes down to 2 while the round is open: still no anonymous group.
    _threshold(db, world, 2)
    assert _same(world) == open_points

    # Closed early: the two colleagues count now (threshold 2).
    rounds.close(counsellor, feedback_round)
    db.session.commit()
    closed_points = _same(world)
    assert closed_points != open_points

    # The threshold up to 3: the two colleagues count nowhere again (the stricter wins).
    _threshold(db, world, 3)
    three = _same(world)
    assert three != closed_points

    # Back down to 2, the round's own: they count again, as their raters were told.
    _threshold(db, world, 2)
    assert _same(world) == closed_points
    _threshold(db, world, 3)
    assert _same(world) == three

    # A late answer (stored after the close) is counted but left out of the figures.
    clock.move_to(feedback_round.closes_at + timedelta(hours=1))
    answers(db, feedback_round, RaterGroup.COLLEAGUE, {"punctuality": 5})
    assert _same(world) == three

    # The file erased: the scores stay as figures.
    trajectories.end(counsellor, world.trajectory, today(), Outcome.TRAINING)
    privacy.anonymise(counsellor, world.client)
    db.session.commit()
    assert _same(world) == three


def test_an_answer_that_vanished_and_another_in_its_place_are_seen(make, db, clock):
    world = make.world()
    feedback_round = world.feedback_round
    answers(db, feedback_round, RaterGroup.SELF, {"punctuality": 2})
    _same(world)
    # The answer is lost with its invitation (as after a failover), then another comes.
    db.session.execute(delete(Invitation).where(Invitation.round_id == feedback_round.id))
    db.session.commit()
    clock.shift(timedelta(minutes=5))
    answers(db, feedback_round, RaterGroup.SELF, {"punctuality": 5})
    _same(world)
