"""The development plan at the evaluation: the trajectory's goals reviewed (their status changed
there while the record is open, read only once it is closed), a growth point made into a goal once,
and the PDF holding the plan and the competence trend."""

from __future__ import annotations

from sqlalchemy import select

from fieldapp.development_plan.models import Goal
from fieldapp.evaluations import services
from fieldapp.evaluations.models import EvaluationRecord
from tests.evaluations.conftest import SECOND, record_json, visit_with_note
from tests.evaluations.test_document import text_of
from tests.factories import days_from_today

POINT = "Hulp vragen als iets niet lukt"


def draft_record(client, db, setting, **overrides) -> EvaluationRecord:
    response = client.post(setting.url + ".json", json=record_json(**overrides))
    assert response.status_code == 200, response.get_data(as_text=True)
    return db.session.get(EvaluationRecord, response.get_json()["record_id"])


def close(db, setting, record: EvaluationRecord) -> None:
    services.close(setting.world.counsellor, setting.evaluation, record)
    db.session.commit()


def goals(db) -> list[Goal]:
    """The goals made from growth points (the world has a goal by hand too)."""
    db.session.expire_all()
    return list(
        db.session.scalars(select(Goal).where(Goal.source == "growth_point").order_by(Goal.id))
    )


def plan_section(page: str) -> str:
    return page.split("data-evaluation-plan", 1)[1]


def test_the_page_reviews_the_goals_and_a_status_changes_there(client, db, make, signed_in):
    world = signed_in.world
    early = make.goal(world.counsellor, world.trajectory, "Elke dag om 8 uur op de werkvloer")
    other = make.goal(
        world.counsellor, world.trajectory, "Zelf de bus nemen", due_on=days_from_today(40)
    )

    page = client.get(signed_in.url).get_data(as_text=True)
    plan = plan_section(page)
    assert "Elke dag om 8 uur op de werkvloer" in plan
    assert "Zelf de bus nemen" in plan
    assert f'id="goal-status-{early.id}"' in plan
    assert f'value="{signed_in.url}#plan-heading"' in plan  # the change comes back here

    response = client.post(
        f"/goals/{early.id}/status",
        data={"status": "achieved", "next": f"{signed_in.url}#plan-heading"},
    )

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{signed_in.url}#plan-heading")
    db.session.expire_all()
    assert (db.session.get(Goal, early.id).status, db.session.get(Goal, other.id).status) == (
        "achieved",
        "open",
    )
    page = client.get(signed_in.url).get_data(as_text=True)
    assert f'data-goal="{early.id}" data-goal-status="achieved"' in plan_section(page)


def test_a_status_change_never_goes_back_to_another_site(client, db, make, signed_in):
    world = signed_in.world
    goal = make.goal(world.counsellor, world.trajectory)

    response = client.post(
        f"/goals/{goal.id}/status", data={"status": "dropped", "next": "https://evil.example/"}
    )

    assert response.status_code == 303
    assert "evil.example" not in response.headers["Location"]
    assert f"/clients/{world.client.id}" in response.headers["Location"]


def test_a_closed_record_shows_the_goals_read_only(client, db, make, signed_in):
    world = signed_in.world
    goal = make.goal(world.counsellor, world.trajectory, "Zelf de bus nemen")
    close(db, signed_in, draft_record(client, db, signed_in))

    plan = plan_section(client.get(signed_in.url).get_data(as_text=True))

    assert "Zelf de bus nemen" in plan
    assert f"goal-status-{goal.id}" not in plan
    assert "/status" not in plan


def test_a_growth_point_becomes_a_goal_once(client, db, signed_in):
    record = draft_record(client, db, signed_in)
    page = client.get(signed_in.url).get_data(as_text=True)
    assert plan_section(page).count("data-make-goal") == 2  # both growth points

    tap = f"/evaluation-records/{record.id}/goal"
    response = client.post(tap, data={"text": POINT})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{signed_in.url}#plan-heading")
    assert client.post(tap, data={"text": f"  {POINT} "}).status_code == 303  # a second tap

    [goal] = goals(db)
    assert (goal.text, goal.source, goal.source_id) == (POINT, "growth_point", record.id)
    assert (goal.trajectory_id, goal.client_id) == (
        signed_in.world.trajectory.id,
        signed_in.world.client.id,
    )
    assert (goal.actor, goal.status, goal.competence_key) == ("client", "open", SECOND)
    assert goal.due_on == days_from_today(20)  # by the next evaluation
    plan = plan_section(client.get(signed_in.url).get_data(as_text=True))
    made = plan.split("data-growth-point-goals", 1)[1].split(POINT, 1)[1].split("</li>", 1)[0]
    assert "goal made" in made
    assert "data-make-goal" not in made
    assert plan.count("data-make-goal") == 1  # the other growth point


def test_growth_points_of_a_closed_record_and_its_correction_make_no_double_goals(
    client, db, signed_in
):
    record = draft_record(client, db, signed_in)
    client.post(f"/evaluation-records/{record.id}/goal", data={"text": POINT})
    close(db, signed_in, record)

    response = client.post(
        f"/evaluation-records/{record.id}/goal", data={"text": "Rijbewijs halen"}
    )
    assert response.status_code == 303
    correction = services.correct(signed_in.world.counsellor, signed_in.evaluation)
    db.session.commit()
    for text in (POINT, "Rijbewijs halen"):
        client.post(f"/evaluation-records/{correction.id}/goal", data={"text": text})

    assert sorted(goal.text for goal in goals(db)) == [POINT, "Rijbewijs halen"]
    plan = plan_section(client.get(signed_in.url).get_data(as_text=True))
    assert plan.count("data-goal-made") == 2
    assert "data-make-goal" not in plan


def test_only_a_growth_point_of_the_record_becomes_a_goal(client, db, signed_in):
    record = draft_record(client, db, signed_in)

    for text in ("Iets anders", ""):
        response = client.post(f"/evaluation-records/{record.id}/goal", data={"text": text})
        assert response.status_code == 422
        assert "not a growth point" in response.get_data(as_text=True)
    assert goals(db) == []


def test_a_growth_point_of_another_clients_record_is_not_found(client, db, make, signed_in):
    other_world = make.world(signed_in.world.organisation)  # a colleague's client
    others = make.evaluation_record(other_world)
    others.growth_points = [{"text": POINT, "competence": None}]
    elsewhere = make.evaluation_record(make.world())  # another organisation
    elsewhere.growth_points = [{"text": POINT, "competence": None}]
    db.session.commit()

    for record in (others, elsewhere):
        response = client.post(f"/evaluation-records/{record.id}/goal", data={"text": POINT})
        assert response.status_code == 404
    assert goals(db) == []


def test_an_ended_trajectory_takes_no_goal_from_a_growth_point(client, db, signed_in):
    record = draft_record(client, db, signed_in)
    close(db, signed_in, record)
    signed_in.world.trajectory.ended_on = days_from_today(0)
    db.session.commit()

    response = client.post(f"/evaluation-records/{record.id}/goal", data={"text": POINT})

    assert response.status_code == 422
    assert goals(db) == []


def test_the_pdf_holds_the_plan_and_the_trend(client, db, make, signed_in):
    world = signed_in.world
    visit_with_note(db, world, 12, {"punctuality": 4, "instructions": 2})
    make.goal(world.counsellor, world.trajectory, "Zelf de bus nemen", due_on=days_from_today(30))
    record = draft_record(client, db, signed_in)
    client.post(f"/evaluation-records/{record.id}/goal", data={"text": POINT})
    close(db, signed_in, record)

    response = client.get(f"/evaluation-records/{record.id}/document.pdf")

    assert response.status_code == 200
    text = text_of(response.data)
    plan = text.split("Ontwikkelingsplan", 1)[1]
    for expected in ("Zelf de bus nemen", POINT, "Cliënt", "open"):
        assert expected in plan, expected
    trend = text.split("Verloop van de competenties", 1)[1].split("Handtekeningen", 1)[0]
    for expected in ("Bezoeknotitie", "Op tijd en aanwezig", "Volgt afspraken en instructies"):
        assert expected in trend, expected  # the chart's legend and competences, drawn as text
    assert "Werkvloerbegeleider: Sofie Supervisor" in text  # the signature lines still follow
