"""Goals of a development plan: by hand on the client's file, their status, the refusals, the
functions the evaluation page calls, and the goals on the visit page (live and kept offline)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.common.dates import today
from fieldapp.common.requests import COPY_HEADER
from fieldapp.development_plan import services
from fieldapp.development_plan.models import Goal, GoalActor, GoalSource, GoalStatus
from fieldapp.extensions import db as _db
from fieldapp.feedback import shipped
from fieldapp.method import Outcome
from fieldapp.trajectories import services as trajectories
from tests.factories import days_from_today
from tests.query_counts import queries_for

KEY = shipped.COMPETENCES[0]["key"]


def goals(db, trajectory_id: int) -> list[Goal]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Goal).where(Goal.trajectory_id == trajectory_id).order_by(Goal.id)
        )
    )


def new_goal(trajectory_id: int, **overrides: str) -> dict[str, str]:
    return {
        "text": "Zelf de bus nemen naar het werk",
        "actor": "client",
        "due_on": days_from_today(14).isoformat(),
        "competence_key": KEY,
        **overrides,
    }


def test_a_goal_added_by_hand_is_on_the_clients_file(client, auth, db, make):
    world = make.world()
    auth.login(world.counsellor.email)
    url = f"/trajectories/{world.trajectory.id}/goals/new"
    response = client.post(url, data=new_goal(world.trajectory.id, actor="mentor"))
    assert response.status_code == 303
    assert response.location.endswith(f"/clients/{world.client.id}#goals-heading")
    added = goals(db, world.trajectory.id)[-1]
    assert (added.text, added.actor, added.competence_key) == (
        "Zelf de bus nemen naar het werk",
        "mentor",
        KEY,
    )
    assert (added.status, added.source, added.source_id) == ("open", "hand", None)
    assert added.due_on == days_from_today(14)
    assert added.client_id == world.client.id

    page = client.get(f"/clients/{world.client.id}").get_data(as_text=True)
    plan = page.split("data-development-plan", 1)[1].split("</section>", 1)[0]
    assert "Zelf de bus nemen naar het werk" in plan
    assert world.goal.text in plan
    assert "Mentor" in plan
    assert shipped.COMPETENCES[0]["label"]["en"] in plan


def test_a_goals_status_changes_with_its_day(client, auth, db, make):
    world = make.world()
    auth.login(world.counsellor.email)
    page = client.get(f"/clients/{world.client.id}").get_data(as_text=True)
    assert f'data-goal="{world.goal.id}" data-goal-status="open">' in page
    assert '<span class="tag tag--warn">open</span>' in page
    response = client.post(f"/goals/{world.goal.id}/status", data={"status": "achieved"})
    assert response.status_code == 303
    db.session.expire_all()
    goal = db.session.get(Goal, world.goal.id)
    assert (goal.status, goal.status_on) == ("achieved", today())
    page = client.get(f"/clients/{world.client.id}").get_data(as_text=True)
    assert f'data-goal="{goal.id}" data-goal-status="achieved" class="muted"' in page
    day = f'<time datetime="{today().isoformat()}">'
    assert f'<span class="tag">achieved {day}' in page  # no longer open: not marked to act on

    client.post(f"/goals/{world.goal.id}/status", data={"status": "dropped"})
    db.session.expire_all()
    assert db.session.get(Goal, world.goal.id).status == "dropped"
    client.post(f"/goals/{world.goal.id}/status", data={"status": "open"})
    db.session.expire_all()
    goal = db.session.get(Goal, world.goal.id)
    assert (goal.status, goal.status_on) == ("open", None)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"due_on": "before"}, "Choose a date within the trajectory"),
        ({"due_on": "after"}, "Choose a date within the trajectory"),
        ({"actor": "boss"}, "Not a valid choice"),
        ({"competence_key": "juggling"}, "Not a valid choice"),
        ({"text": "   "}, "This field is required."),
        ({"text": "x" * 301}, "Use at most 300 characters."),
    ],
)
def test_a_wrong_goal_is_refused_and_nothing_is_saved(client, auth, db, make, change, message):
    world = make.world()
    trajectory = world.trajectory
    if change.get("due_on") == "before":
        change = {"due_on": (trajectory.started_on - timedelta(days=1)).isoformat()}
    elif change.get("due_on") == "after":
        change = {"due_on": (trajectory.planned_end_on + timedelta(days=1)).isoformat()}
    auth.login(world.counsellor.email)
    before = len(goals(db, trajectory.id))
    response = client.post(f"/trajectories/{trajectory.id}/goals/new", data=new_goal(0, **change))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert len(goals(db, trajectory.id)) == before


def test_the_rules_refuse_what_a_form_cannot_catch(app, db, make):
    """The services refuse on their own, for the evaluation page that calls them directly."""
    world = make.world()
    with app.test_request_context():
        for draft, field in [
            (services.GoalDraft("Op tijd", "boss"), "actor"),
            (services.GoalDraft("Op tijd", "client", competence_key="juggling"), "competence_key"),
            (services.GoalDraft("Op tijd", "client", days_from_today(-4000)), "due_on"),
            (services.GoalDraft("", "client"), "text"),
        ]:
            with pytest.raises(services.RuleBroken) as refused:
                services.add_goal(world.counsellor, world.trajectory, draft)
            assert refused.value.field == field
        with pytest.raises(services.RuleBroken):
            services.add_goal(
                world.counsellor,
                world.trajectory,
                services.GoalDraft("Uit niets", "client", source="growth_point"),
            )
        with pytest.raises(services.RuleBroken):
            services.change_status(world.counsellor, world.goal, "lost")
    _db.session.rollback()
    assert len(goals(db, world.trajectory.id)) == 1


def test_an_unknown_status_is_refused(client, auth, db, make):
    world = make.world()
    auth.login(world.counsellor.email)
    response = client.post(f"/goals/{world.goal.id}/status", data={"status": "lost"})
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Goal, world.goal.id).status == "open"


def test_a_goal_for_another_clients_trajectory_is_not_found(client, auth, db, make):
    world = make.world()
    colleague = make.user(world.organisation, email="colleague@example.org")
    theirs = make.client(colleague)
    their_trajectory = make.trajectory(colleague, theirs)
    auth.login(world.counsellor.email)
    response = client.post(f"/trajectories/{their_trajectory.id}/goals/new", data=new_goal(0))
    assert response.status_code == 404
    colleague_goal = make.goal(colleague, their_trajectory)
    response = client.post(f"/goals/{colleague_goal.id}/status", data={"status": "dropped"})
    assert response.status_code == 404
    assert goals(db, their_trajectory.id)[0].status == "open"
    assert len(goals(db, their_trajectory.id)) == 1


def test_an_ended_trajectory_takes_no_new_goals(client, auth, db, make):
    world = make.world()
    trajectories.end(world.counsellor, world.trajectory, today(), Outcome.TRAINING)
    db.session.commit()
    auth.login(world.counsellor.email)
    response = client.post(f"/trajectories/{world.trajectory.id}/goals/new", data=new_goal(0))
    assert response.status_code == 422
    assert "This trajectory has ended" in response.get_data(as_text=True)
    assert len(goals(db, world.trajectory.id)) == 1


def test_what_the_evaluation_page_calls(app, db, make):
    """``add_goal`` with a growth point as source, and ``goals_of``: open ones first, by due day."""
    world = make.world()
    with app.test_request_context():
        later = make.goal(world.counsellor, world.trajectory, "Later", due_on=days_from_today(30))
        undated = services.add_goal(
            world.counsellor,
            world.trajectory,
            services.GoalDraft(
                "  Vragen   stellen ",
                GoalActor.SUPERVISOR.value,
                competence_key=KEY,
                source=GoalSource.GROWTH_POINT.value,
                source_id=77,
            ),
        )
        _db.session.commit()
        assert (undated.text, undated.source, undated.source_id) == (
            "Vragen stellen",
            "growth_point",
            77,
        )
        services.change_status(world.counsellor, world.goal, GoalStatus.ACHIEVED.value)
        _db.session.commit()
        listed = services.goals_of(world.trajectory)
    assert [goal.id for goal in listed] == [later.id, undated.id, world.goal.id]


def test_the_visit_page_shows_the_goals_also_in_the_copy_kept_offline(client, auth, db, make):
    world = make.world()
    make.goal(world.counsellor, world.trajectory, "Werkkledij zelf wassen", GoalActor.CLIENT)
    auth.login(world.counsellor.email)
    client.post(f"/goals/{world.goal.id}/status", data={"status": "achieved"})
    for headers in ({}, {COPY_HEADER: "offline"}):
        page = client.get(f"/visits/{world.visit.id}", headers=headers).get_data(as_text=True)
        goals_part = page.split("data-visit-goals", 1)[1].split("</section>", 1)[0]
        assert "Werkkledij zelf wassen" in goals_part
        assert world.goal.text in goals_part
        assert 'data-goal-status="achieved"' in goals_part
        assert "achieved" in goals_part
        assert "/status" not in goals_part  # read on site; changed on the client's file


def test_the_clients_page_costs_the_same_queries_with_many_goals(app, client, auth, db, make):
    """The client's file and the visit page: as many SQL statements for 1 goal as for 31."""
    world = make.world()
    auth.login(world.counsellor.email)
    urls = (f"/clients/{world.client.id}", f"/visits/{world.visit.id}")
    for url in urls:  # opened once before: the file's 360° round is read once, then kept
        assert client.get(url).status_code == 200
    few = [queries_for(app, client, url) for url in urls]
    for number in range(30):
        make.goal(world.counsellor, world.trajectory, f"Doel {number}", GoalActor.MENTOR)
    assert db.session.scalar(select(func.count()).select_from(Goal)) == 31
    assert [queries_for(app, client, url) for url in urls] == few
