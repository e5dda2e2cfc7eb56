"""The evaluation page reads the same number of queries however long the client's history."""

from __future__ import annotations

from tests.evaluations.conftest import FIRST, SECOND, correct_note, record_json, visit_with_note
from tests.query_counts import queries_for


def add_history(db, setting, notes: int) -> None:
    for number in range(notes):
        revision = visit_with_note(db, setting.world, 1 + number % 150, {FIRST: 1 + number % 5})
        if number % 3 == 0:
            correct_note(db, revision, {FIRST: 3, SECOND: 4})


def test_the_evaluation_page_stays_flat_as_history_grows(app, client, db, signed_in):
    client.post(signed_in.url + ".json", json=record_json())
    add_history(db, signed_in, 5)
    few = queries_for(app, client, signed_in.url)
    add_history(db, signed_in, 45)
    many = queries_for(app, client, signed_in.url)
    assert few == many


def test_the_evaluation_page_stays_flat_as_the_plan_grows(app, client, db, make, signed_in):
    """Goals to review and growth points made into goals cost the same queries, few or many."""
    world = signed_in.world
    points = [{"text": f"Groeipunt {n}", "competence": SECOND} for n in range(12)]
    record_id = client.post(signed_in.url + ".json", json=record_json(growth_points=points))
    record_id = record_id.get_json()["record_id"]
    make.goal(world.counsellor, world.trajectory, "Zelf de bus nemen")
    client.post(f"/evaluation-records/{record_id}/goal", data={"text": "Groeipunt 0"})
    few = queries_for(app, client, signed_in.url)
    for n in range(1, 12):
        client.post(f"/evaluation-records/{record_id}/goal", data={"text": f"Groeipunt {n}"})
    for n in range(20):
        make.goal(world.counsellor, world.trajectory, f"Doel {n}")
    many = queries_for(app, client, signed_in.url)
    assert few == many
