"""The report's arithmetic and its anonymity rules: no single colleague's or network member's
score can be read, directly or by subtracting the named groups from "all others".

The arithmetic is that of a closed round (while a round is open the anonymous groups are withheld
altogether: see test_anonymity.py)."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from fieldapp.common.time import now_utc
from fieldapp.feedback import report as report_service
from fieldapp.feedback import rounds
from fieldapp.feedback.models import FeedbackResponse, Invitation, RaterGroup
from fieldapp.feedback.report import Flag
from tests.factories import CaseloadFactories
from tests.query_counts import queries_for
from tests.spreadsheets import csv_rows

KEY = "punctuality"


@pytest.fixture
def feedback_round(make, db):
    world = make.world()
    return world.feedback_round


def answer(db, feedback_round, group: RaterGroup, score, comment: str = "", overall: str = ""):
    factories = CaseloadFactories(db)
    comments = {KEY: comment} if comment else {}
    factories.feedback_answer(
        feedback_round, group, {KEY: score}, comments=comments, overall=overall
    )


def row_of(feedback_round, threshold=3):
    """The report of ``feedback_round`` closed now (the clock stands still: every answer counts)."""
    feedback_round.closed_at = feedback_round.closed_at or now_utc()
    built = report_service.build(feedback_round, threshold, "en")
    return built, next(row for row in built.rows if row.key == KEY)


def test_means_counts_spread_and_the_gap(db, feedback_round):
    answer(db, feedback_round, RaterGroup.SELF, 5)
    answer(db, feedback_round, RaterGroup.SUPERVISOR, 3)
    answer(db, feedback_round, RaterGroup.COUNSELLOR, 4)
    answer(db, feedback_round, RaterGroup.SUPERVISOR, None)  # cannot judge: not counted
    _, row = row_of(feedback_round)
    assert row.own.mean == 5
    supervisor = row.groups[RaterGroup.SUPERVISOR]
    assert (supervisor.mean, supervisor.count, supervisor.spread) == (3, 1, 0.0)
    assert (row.others.mean, row.others.count, row.others.spread) == (3.5, 2, 0.5)
    assert row.gap == 1.5
    assert row.flag is Flag.BLIND_SPOT


def test_a_hidden_strength(db, feedback_round):
    answer(db, feedback_round, RaterGroup.SELF, 2)
    answer(db, feedback_round, RaterGroup.SUPERVISOR, 4)
    _, row = row_of(feedback_round)
    assert row.flag is Flag.HIDDEN_STRENGTH
    answer(db, feedback_round, RaterGroup.COUNSELLOR, 1)  # others: 2.5, gap -0.5: no flag
    _, row = row_of(feedback_round)
    assert row.flag is None


def test_a_small_anonymous_group_is_neither_shown_nor_counted_in_all_others(db, feedback_round):
    answer(db, feedback_round, RaterGroup.SUPERVISOR, 4)
    answer(db, feedback_round, RaterGroup.COLLEAGUE, 1, comment="Komt vaak te laat")
    answer(db, feedback_round, RaterGroup.COLLEAGUE, 2)
    built, row = row_of(feedback_round)
    colleagues = row.groups[RaterGroup.COLLEAGUE]
    assert not colleagues.shown
    assert colleagues.mean is None
    # Counting them in "all others" would let anyone subtract the supervisor's 4 and read them.
    assert (row.others.mean, row.others.count) == (4, 1)
    assert RaterGroup.COLLEAGUE not in built.comments
    assert RaterGroup.COLLEAGUE not in built.groups_shown


def test_small_groups_together_count_in_all_others_once_they_reach_the_threshold(
    db, feedback_round
):
    answer(db, feedback_round, RaterGroup.SUPERVISOR, 4)
    answer(db, feedback_round, RaterGroup.COLLEAGUE, 1)
    answer(db, feedback_round, RaterGroup.COLLEAGUE, 2)
    answer(db, feedback_round, RaterGroup.NETWORK, 3)
    _, row = row_of(feedback_round)
    assert not row.groups[RaterGroup.COLLEAGUE].shown
    assert not row.groups[RaterGroup.NETWORK].shown
    assert (row.others.mean, row.others.count) == (2.5, 4)


def test_a_group_at_the_threshold_is_shown_with_its_comments(db, feedback_round):
    for score in (2, 3, 4):
        answer(db, feedback_round, RaterGroup.NETWORK, score, comment=f"Score {score}")
    built, row = row_of(feedback_round)
    network = row.groups[RaterGroup.NETWORK]
    assert (network.shown, network.mean, network.count) == (True, 3, 3)
    assert sorted(c.text for c in built.comments[RaterGroup.NETWORK]) == [
        "Score 2",
        "Score 3",
        "Score 4",
    ]
    _, strict = row_of(feedback_round, threshold=4)
    assert not strict.groups[RaterGroup.NETWORK].shown


@pytest.mark.parametrize("threshold", [2, 3, 5])
def test_no_single_anonymous_score_can_be_derived(db, feedback_round, threshold):
    """For every mix of a few answers: whatever is shown, subtracting the named groups' sums from
    "all others" never isolates fewer anonymous answers than the threshold."""
    groups = [RaterGroup.SUPERVISOR, RaterGroup.COLLEAGUE, RaterGroup.NETWORK]
    for mix in itertools.combinations_with_replacement(groups, 4):
        db.session.query(FeedbackResponse).delete()
        db.session.query(Invitation).filter(Invitation.round_id == feedback_round.id).delete()
        db.session.commit()
        for index, group in enumerate(mix):
            answer(db, feedback_round, group, 1 + index % 5)
        _, row = row_of(feedback_round, threshold)
        named = sum(
            row.groups[g].count for g in RaterGroup if not g.anonymous and g.value != "self"
        )
        shown_anonymous = sum(
            row.groups[g].count
            for g in (RaterGroup.COLLEAGUE, RaterGroup.NETWORK)
            if row.groups[g].shown
        )
        hidden_in_others = row.others.count - named - shown_anonymous
        assert hidden_in_others == 0 or hidden_in_others >= threshold, mix
        for group in (RaterGroup.COLLEAGUE, RaterGroup.NETWORK):
            figures = row.groups[group]
            assert not figures.shown or figures.count >= threshold, mix


def test_the_report_page_and_csv(client, auth, db, make):
    world = make.world()
    feedback_round = world.feedback_round
    answer(db, feedback_round, RaterGroup.SELF, 5, overall="Ik doe mijn best")
    answer(db, feedback_round, RaterGroup.SUPERVISOR, 3, comment="Soms te laat")
    answer(db, feedback_round, RaterGroup.COLLEAGUE, 1, comment="Geheim")
    auth.login(world.counsellor.email)
    assert client.post(f"/feedback/rounds/{feedback_round.id}/close").status_code == 302
    page = client.get(f"/feedback/rounds/{feedback_round.id}/report")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "<svg" in body
    assert 'data-flag="blind_spot"' in body
    assert "Soms te laat" in body
    assert "Geheim" not in body
    assert 'data-hidden-group="colleague"' in body
    csv_data = client.get(f"/feedback/rounds/{feedback_round.id}/report.csv").data
    lines = [";".join(row) for row in csv_rows(csv_data)]
    assert lines[0] == "Competence;Who;Average;Answers;Spread;Difference;Signal"
    self_line = (
        "Punctuality and attendance;The client (self-assessment);5.00;1;0.00;2.00;blind spot"
    )
    assert self_line in lines
    assert not any(";Colleague (anonymous);" in line for line in lines)

    assert client.post(f"/feedback/rounds/{feedback_round.id}/release").status_code == 302
    assert client.post(f"/feedback/rounds/{feedback_round.id}/release").status_code == 409
    assert "data-released" in client.get(f"/feedback/rounds/{feedback_round.id}/report").get_data(
        as_text=True
    )


def test_the_trend_shows_the_rounds_up_to_this_one(client, auth, db, make):
    world = make.world()
    first = world.feedback_round
    answer(db, first, RaterGroup.SELF, 2)
    answer(db, first, RaterGroup.SUPERVISOR, 3)
    second, _ = make.feedback_round(world, rounds.Rater(RaterGroup.SELF, "Zelf"))
    answer(db, second, RaterGroup.SELF, 4)
    built, history = report_service.with_history(second, 3, "en")
    assert built.round is second
    assert [r.id for r, _ in history] == [first.id, second.id]
    assert history[0][1][0] == (KEY, 2, 3)  # the first round: self and the supervisor
    assert history[1][1] == built.means
    auth.login(world.counsellor.email)
    assert 'id="trend-heading"' in client.get(f"/feedback/rounds/{second.id}/report").get_data(
        as_text=True
    )
    assert 'id="trend-heading"' not in client.get(f"/feedback/rounds/{first.id}/report").get_data(
        as_text=True
    )


def test_the_trend_orders_the_rounds_by_when_they_started_then_by_id(db, make):
    """A round started earlier comes first whatever its id; rounds started in the same instant
    (the clock stands still here) come by id, a round's trend ending with itself."""
    world = make.world()
    first = world.feedback_round
    second, _ = make.feedback_round(world, rounds.Rater(RaterGroup.SELF, "Zelf"))
    third, _ = make.feedback_round(world, rounds.Rater(RaterGroup.SELF, "Zelf"))
    second.created_at = first.created_at - timedelta(days=30)
    db.session.commit()

    def trend_of(feedback_round):
        return [r.id for r, _ in report_service.with_history(feedback_round, 3, "en")[1]]

    assert trend_of(second) == [second.id]
    assert trend_of(first) == [second.id, first.id]
    assert trend_of(third) == [second.id, first.id, third.id]


def test_an_earlier_rounds_anonymous_group_counts_in_the_trend_only_once_it_closed(db, make):
    world = make.world()
    first = world.feedback_round
    answer(db, first, RaterGroup.SELF, 2)
    answer(db, first, RaterGroup.SUPERVISOR, 4)
    for _ in range(3):
        answer(db, first, RaterGroup.COLLEAGUE, 1)
    second, _ = make.feedback_round(world, rounds.Rater(RaterGroup.SELF, "Zelf"))

    def means_of_first():
        history = report_service.with_history(second, 3, "en")[1]
        assert [r.id for r, _ in history] == [first.id, second.id]
        return history[0][1][0]

    assert means_of_first() == (KEY, 2, 4)  # open: the colleagues count nowhere yet
    first.closed_at = now_utc()
    db.session.commit()
    assert means_of_first() == (KEY, 2, 1.75)  # closed: the supervisor and three colleagues


def test_the_report_page_costs_the_same_queries_however_many_rounds_and_answers(
    app, client, auth, db, make
):
    """One answer, or the third round of the trajectory after two with a dozen answers each
    (comments, every group, blind spots): as many SQL statements."""
    world = make.world()
    first = world.feedback_round
    answer(db, first, RaterGroup.SELF, 5)
    auth.login(world.counsellor.email)
    few = queries_for(app, client, f"/feedback/rounds/{first.id}/report")
    answered = [first]
    for _ in range(2):
        later, _ = make.feedback_round(world, rounds.Rater(RaterGroup.SELF, "Zelf"))
        answered.append(later)
    for feedback_round in answered:
        answer(db, feedback_round, RaterGroup.SELF, 5, comment="Ik ben altijd op tijd.")
        for number in range(12):
            group = [RaterGroup.SUPERVISOR, RaterGroup.COLLEAGUE, RaterGroup.NETWORK][number % 3]
            answer(db, feedback_round, group, 1 + number % 3, comment=f"Opmerking {number}")
    assert queries_for(app, client, f"/feedback/rounds/{answered[-1].id}/report") == few
    assert queries_for(app, client, f"/feedback/rounds/{first.id}/report") == few
