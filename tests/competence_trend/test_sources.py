"""Where the trend's points come from: the newest revision of each note, and the 360° rounds as
their report may show them."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from bench.measure import counting_queries
from fieldapp.common.dates import local_date, today
from fieldapp.common.time import now_utc
from fieldapp.competence_trend.services import trend_of
from fieldapp.competence_trend.sources import Point, Scope, SourceKind, points_of
from fieldapp.feedback import rounds
from fieldapp.feedback.models import RaterGroup
from tests.competence_trend.conftest import answers, note


def day(days: int):
    return today() + timedelta(days=days)


def test_only_the_newest_revision_of_a_note_counts(make, db):
    world = make.world()
    first = note(db, world, {"competence:punctuality": 2}, -30)
    note(db, world, {"competence:punctuality": 4}, -29, parent=first)
    note(db, world, {"competence:teamwork": 3, "attendance": 5, "punctuality": 1}, -10)

    assert points_of(Scope(world.client)) == [
        Point(day(-29), "punctuality", 4, SourceKind.NOTE),
        Point(day(-10), "teamwork", 3, SourceKind.NOTE),
    ]


def test_of_two_heads_the_newer_counts_and_a_replacing_revision_wins(make, db):
    world = make.world()
    first = note(db, world, {"competence:quality": 1}, -20)
    left = note(db, world, {"competence:quality": 2}, -19, parent=first)
    right = note(db, world, {"competence:quality": 3}, -18, parent=first)
    assert [p.score for p in points_of(Scope(world.client))] == [3]

    note(db, world, {"competence:quality": 5}, -17, parent=left, replaces=(right,))
    assert [p.score for p in points_of(Scope(world.client))] == [5]


def test_another_clients_notes_do_not_count(make, db):
    world = make.world()
    other = make.world(world.organisation)
    note(db, other, {"competence:quality": 2}, -5)
    assert points_of(Scope(world.client)) == []


def test_a_trajectory_holds_the_notes_written_while_it_ran(make, db):
    world = make.world()
    note(db, world, {"competence:quality": 2}, -400)  # before the trajectory started
    note(db, world, {"competence:quality": 4}, -100)
    assert [p.score for p in points_of(Scope(world.client, world.trajectory))] == [4]
    assert len(points_of(Scope(world.client))) == 2


def test_an_open_round_shows_self_and_named_groups_but_no_anonymous_group(make, db):
    world = make.world()
    feedback_round = world.feedback_round  # open until its deadline
    answers(db, feedback_round, RaterGroup.SELF, {"punctuality": 2})
    answers(db, feedback_round, RaterGroup.SUPERVISOR, {"punctuality": 4})
    answers(db, feedback_round, RaterGroup.COLLEAGUE, *([{"punctuality": 1}] * 3))

    points = [p for p in points_of(Scope(world.client)) if p.competence == "punctuality"]
    started = local_date(feedback_round.created_at)
    assert {(p.source, p.score) for p in points} == {(SourceKind.SELF, 2), (SourceKind.OTHERS, 4)}
    assert {p.on for p in points} == {started}

    feedback_round.closed_at = now_utc()  # closed: the three colleagues count in "others"
    db.session.commit()
    points = [p for p in points_of(Scope(world.client)) if p.competence == "punctuality"]
    assert {(p.source, p.score) for p in points} == {
        (SourceKind.SELF, 2),
        (SourceKind.OTHERS, round((4 + 1 + 1 + 1) / 4, 2)),
    }


def test_a_closed_round_keeps_a_small_anonymous_group_out(make, db):
    world = make.world()
    feedback_round = world.feedback_round
    answers(db, feedback_round, RaterGroup.SUPERVISOR, {"teamwork": 5})
    answers(db, feedback_round, RaterGroup.NETWORK, {"teamwork": 1}, {"teamwork": 1})
    feedback_round.closed_at = now_utc()
    db.session.commit()

    points = points_of(Scope(world.client))
    assert [(p.source, p.score) for p in points if p.competence == "teamwork"] == [
        (SourceKind.OTHERS, 5)
    ]
    assert not any(p.source is SourceKind.SELF for p in points)


def test_a_closed_rounds_small_group_stays_out_after_the_threshold_went_down(app, make, db):
    """The round started under a threshold of 3: its two network members stay out of "others"
    once the organisation's threshold is 2, as in the round's report, whether the trend reads the
    rounds' records, the rounds as the client's page lists them (kept), or draws the chart."""
    world = make.world()
    feedback_round = world.feedback_round
    answers(db, feedback_round, RaterGroup.SUPERVISOR, {"teamwork": 5})
    answers(db, feedback_round, RaterGroup.NETWORK, {"teamwork": 1}, {"teamwork": 1})
    feedback_round.closed_at = now_utc()
    world.organisation.feedback_threshold = 2
    db.session.commit()

    listed = _listed(world).rounds
    for scope in (
        Scope(world.client, threshold=2),
        Scope(world.client, threshold=2, rounds=listed),
    ):
        points = points_of(scope)
        assert [(p.source, p.score) for p in points if p.competence == "teamwork"] == [
            (SourceKind.OTHERS, 5)
        ]
    with app.test_request_context():
        chart = trend_of(world.client, "en", rounds=listed)
    assert [row.score for row in chart.rows if row.source is SourceKind.OTHERS] == [5]


def test_a_new_source_is_one_function(make, db):
    world = make.world()

    def judgements(scope: Scope) -> list[Point]:
        return [Point(day(-1), "quality", 4, SourceKind.EVALUATION)]

    assert points_of(Scope(world.client), [judgements]) == [
        Point(day(-1), "quality", 4, SourceKind.EVALUATION)
    ]


def test_the_agreed_judgements_of_closed_records_are_a_source(make, db):
    world = make.world()
    record = make.evaluation_record(world)

    points = points_of(Scope(world.client))

    assert [p for p in points if p.source is SourceKind.EVALUATION] == [
        Point(record.held_on, world.competence.key, 4, SourceKind.EVALUATION)
    ]
    # A trajectory that ended before the meeting does not carry its judgement.
    ended = SimpleNamespace(
        id=world.trajectory.id, started_on=world.trajectory.started_on, ended_on=day(-30)
    )
    earlier = Scope(world.client, ended)
    assert not [p for p in points_of(earlier) if p.source is SourceKind.EVALUATION]


def _listed(world) -> Scope:
    """The scope the client's page gives: its rounds as listed, with their answer counts."""
    listed = tuple(summary.round for summary in rounds.of_client(world.client))
    return Scope(world.client, rounds=listed)


def _punctuality(scope: Scope) -> set[tuple[SourceKind, float]]:
    return {(p.source, p.score) for p in points_of(scope) if p.competence == "punctuality"}


def _answer_reads(db, scope: Scope) -> int:
    with counting_queries(db.engine) as statements:
        points_of(scope)
    return sum("feedback_response" in statement for statement in statements)


def test_a_listed_rounds_points_are_read_again_only_when_an_answer_comes_or_it_closes(
    make, db, clock
):
    world = make.world()
    feedback_round = world.feedback_round  # open until its deadline
    answers(db, feedback_round, RaterGroup.SELF, {"punctuality": 2})
    answers(db, feedback_round, RaterGroup.SUPERVISOR, {"punctuality": 4})
    answers(db, feedback_round, RaterGroup.COLLEAGUE, *([{"punctuality": 1}] * 3))

    assert _punctuality(_listed(world)) == {(SourceKind.SELF, 2), (SourceKind.OTHERS, 4)}
    assert _answer_reads(db, _listed(world)) == 0  # nothing changed: kept

    answers(db, feedback_round, RaterGroup.SUPERVISOR, {"punctuality": 2})
    assert _punctuality(_listed(world)) == {(SourceKind.SELF, 2), (SourceKind.OTHERS, 3)}

    # The deadline passes: the round closes by itself, and the colleagues count now.
    clock.move_to(feedback_round.closes_at + timedelta(minutes=1))
    assert _punctuality(_listed(world)) == {
        (SourceKind.SELF, 2),
        (SourceKind.OTHERS, round((4 + 2 + 1 + 1 + 1) / 5, 2)),
    }
    assert _answer_reads(db, _listed(world)) == 0


def test_the_points_kept_of_a_round_are_those_of_its_own_answers(make, db):
    world = make.world()
    other = make.world(world.organisation)
    answers(db, world.feedback_round, RaterGroup.SELF, {"punctuality": 2})
    answers(db, other.feedback_round, RaterGroup.SELF, {"punctuality": 5})

    assert _punctuality(_listed(world)) == {(SourceKind.SELF, 2)}
    assert _punctuality(_listed(other)) == {(SourceKind.SELF, 5)}
    assert _punctuality(_listed(world)) == {(SourceKind.SELF, 2)}
