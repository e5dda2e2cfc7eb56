"""A goal from a 360° report's blind spot in one tap (once), and a goal's due moment in the one
agenda: there while the goal is open, gone once it is achieved or dropped."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from fieldapp.common.dates import today
from fieldapp.development_plan.models import Goal
from fieldapp.feedback import rounds
from fieldapp.feedback.models import RaterGroup
from fieldapp.method import Outcome
from fieldapp.reminders import agenda
from fieldapp.reminders.models import Reminder
from fieldapp.trajectories import services as trajectories
from tests.factories import days_from_today


@pytest.fixture(autouse=True)
def links(app):
    """Starting a round mails links: build them as in a request."""
    with app.test_request_context():
        yield


@pytest.fixture
def report(make, db):
    """A round where the client scores the first competence 5 and the supervisor 2 (a blind
    spot), and the second one 3 against 3 (none)."""
    world = make.world()
    feedback_round, _ = make.feedback_round(
        world, rounds.Rater(RaterGroup.SELF, "Mina"), rounds.Rater(RaterGroup.SUPERVISOR, "Sofie")
    )
    blind, plain = (c["key"] for c in feedback_round.competences[:2])
    make.feedback_answer(feedback_round, RaterGroup.SELF, {blind: 5, plain: 3})
    make.feedback_answer(feedback_round, RaterGroup.SUPERVISOR, {blind: 2, plain: 3})
    return world, feedback_round, blind, plain


def blind_spot_goals(db, round_id: int) -> list[Goal]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Goal).where(Goal.source == "blind_spot", Goal.source_id == round_id)
        )
    )


def test_a_blind_spot_becomes_a_goal_once(client, auth, db, report):
    world, feedback_round, blind, plain = report
    auth.login(world.counsellor.email)
    url = f"/feedback/rounds/{feedback_round.id}/report"
    page = client.get(url).get_data(as_text=True)
    row = page.split(f'data-competence="{blind}"', 1)[1].split("</tr>", 1)[0]
    assert 'data-flag="blind_spot"' in row
    assert "data-make-goal" in row
    other = page.split(f'data-competence="{plain}"', 1)[1].split("</tr>", 1)[0]
    assert "data-make-goal" not in other

    tap = f"/feedback/rounds/{feedback_round.id}/goal"
    response = client.post(tap, data={"competence": blind})
    assert response.status_code == 303
    assert client.post(tap, data={"competence": blind}).status_code == 303  # a second tap
    [goal] = blind_spot_goals(db, feedback_round.id)
    assert (goal.trajectory_id, goal.client_id) == (world.trajectory.id, world.client.id)
    assert (goal.actor, goal.status, goal.competence_key) == ("client", "open", blind)
    assert goal.due_on == today() + timedelta(weeks=4)
    assert goal.text.startswith("Work on “")

    page = client.get(url).get_data(as_text=True)
    row = page.split(f'data-competence="{blind}"', 1)[1].split("</tr>", 1)[0]
    assert "data-goal-made" in row
    assert "goal made" in row
    assert "data-make-goal" not in row
    file = client.get(f"/clients/{world.client.id}").get_data(as_text=True)
    assert goal.text in file.split("data-development-plan", 1)[1]


def test_only_a_blind_spot_of_an_open_trajectory_becomes_a_goal(client, auth, db, report):
    world, feedback_round, blind, plain = report
    auth.login(world.counsellor.email)
    tap = f"/feedback/rounds/{feedback_round.id}/goal"
    for competence in (plain, "juggling", ""):
        response = client.post(tap, data={"competence": competence})
        assert response.status_code == 422
        assert "not a blind spot" in response.get_data(as_text=True)
    trajectories.end(world.counsellor, world.trajectory, today(), Outcome.TRAINING)
    db.session.commit()
    response = client.post(tap, data={"competence": blind})
    assert response.status_code == 422
    assert "no open trajectory" in response.get_data(as_text=True)
    assert blind_spot_goals(db, feedback_round.id) == []


def goal_rows(db, goal: Goal) -> list[Reminder]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Reminder).where(Reminder.kind == "goal", Reminder.subject_id == goal.id)
        )
    )


def open_goal_rows(db, goal: Goal) -> list[Reminder]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Reminder).where(
                Reminder.kind == "goal", Reminder.subject_id == goal.id, agenda.is_open()
            )
        )
    )


def test_a_due_goal_is_in_the_agenda_until_it_is_achieved(client, auth, db, make):
    world = make.world()
    [row] = open_goal_rows(db, world.goal)
    assert (row.moment, row.event_on) == (world.goal.due_on, world.goal.due_on)
    assert (row.user_id, row.client_id) == (world.counsellor.id, world.client.id)

    auth.login(world.counsellor.email)
    client.post(f"/goals/{world.goal.id}/status", data={"status": "achieved"})
    assert open_goal_rows(db, world.goal) == []
    client.post(f"/goals/{world.goal.id}/status", data={"status": "open"})
    assert len(open_goal_rows(db, world.goal)) == 1
    client.post(f"/goals/{world.goal.id}/status", data={"status": "dropped"})
    assert open_goal_rows(db, world.goal) == []


def test_a_goal_due_today_needs_attention_and_rings_the_bell(client, auth, db, make):
    world = make.world()
    counsellor = make.user(world.organisation, email="quiet@example.org")
    mina = make.client(counsellor, "Mina", "Zonderzorgen")
    # 20 days in: the first evaluation (a month in) is still ahead, even after a short February.
    trajectory = make.trajectory(counsellor, mina, started_on=days_from_today(-20))
    auth.login(counsellor.email)
    assert "Zonderzorgen" not in client.get("/clients/?attention=y").get_data(as_text=True)
    goal = make.goal(counsellor, trajectory, "Vandaag: cv afwerken", due_on=today())
    assert len(open_goal_rows(db, goal)) == 1
    assert "Zonderzorgen" in client.get("/clients/?attention=y").get_data(as_text=True)
    bell = client.get("/notifications").get_data(as_text=True)
    assert "Development goal" in bell
    assert "Zonderzorgen" in bell
    home = client.get("/").get_data(as_text=True)
    assert "Goal: Vandaag: cv afwerken" in home.split("week-heading", 1)[1]

    client.post(f"/goals/{goal.id}/status", data={"status": "achieved"})
    assert open_goal_rows(db, goal) == []
    assert "Zonderzorgen" not in client.get("/clients/?attention=y").get_data(as_text=True)
    assert "cv afwerken" not in client.get("/").get_data(as_text=True)


def test_the_end_of_the_trajectory_takes_its_goals_out_of_the_agenda(db, make):
    world = make.world()
    assert open_goal_rows(db, world.goal)
    trajectories.end(world.counsellor, world.trajectory, today(), Outcome.REGULAR_JOB)
    db.session.commit()
    assert open_goal_rows(db, world.goal) == []
    assert goal_rows(db, world.goal)  # cancelled, not deleted
