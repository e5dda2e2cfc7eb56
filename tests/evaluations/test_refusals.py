"""Bad input gets a clear message and a 4xx, and nothing is saved."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from fieldapp.evaluations.models import EvaluationRecord
from tests.evaluations.conftest import FIRST, record_json
from tests.factories import days_from_today


def count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(EvaluationRecord))


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"held_on": 1}, "held_on", "in the future"),
        ({"held_on": -400}, "held_on", "before the start"),
        ({"held_on": "gisteren"}, "held_on", "could not be read"),
        ({"next_on": -3}, "next_on", "after this one"),
        ({"next_on": 300}, "next_on", "by the end"),
        ({"participants": [{"kind": "neighbour", "name": "X"}]}, "participants", "Unknown"),
        ({"participants": "Mina"}, "participants", "participants"),
        ({"scores": {"charm": 3}}, "scores", "Unknown competence"),
        ({"scores": {FIRST: 7}}, "scores", "from 1 to 5"),
        ({"scores": {FIRST: 0}}, "scores", "from 1 to 5"),
        ({"scores": {FIRST: "4"}}, "scores", "from 1 to 5"),
        ({"scores": {FIRST: True}}, "scores", "from 1 to 5"),
        (
            {"growth_points": [{"text": "Sneller", "competence": "charm"}]},
            "growth_points",
            "Unknown competence",
        ),
        ({"decision": "maybe"}, "decision", "continue, adjust or end"),
        ({"record_id": 999_999}, "record_id", "another evaluation"),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_nothing_saved(
    client, db, signed_in, overrides, field, message
):
    overrides = {  # days from today for the dates
        key: days_from_today(value).isoformat()
        if key.endswith("_on") and isinstance(value, int)
        else value
        for key, value in overrides.items()
    }
    response = client.post(signed_in.url + ".json", json=record_json(**overrides))

    assert response.status_code == 422
    body = response.get_json()
    assert body["field"] == field
    assert message in body["message"]
    assert count(db) == 0


def test_a_body_that_is_no_object_is_refused(client, db, signed_in):
    response = client.post(signed_in.url + ".json", data="[1]", content_type="application/json")
    assert response.status_code == 422
    assert count(db) == 0


def test_the_plain_form_shows_the_refusal_and_keeps_what_was_typed(client, db, signed_in):
    response = client.post(
        signed_in.url,
        data={
            "action": "save",
            "held_on": days_from_today(2).isoformat(),
            "agreements": "Wat we typten",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "cannot be held in the future" in page
    assert "Wat we typten" in page
    assert count(db) == 0


def test_closing_needs_a_decision_and_the_next_date(client, db, signed_in):
    client.post(signed_in.url + ".json", json=record_json(decision="", next_on=None))
    response = client.post(
        signed_in.url,
        data={
            "action": "close",
            "held_on": days_from_today(-1).isoformat(),
            "participant": "client|Mina",
        },
    )
    assert response.status_code == 422
    assert "Choose a decision" in response.get_data(as_text=True)
    [record] = db.session.scalars(select(EvaluationRecord))
    db.session.refresh(record)
    assert not record.is_closed


def test_an_evaluation_can_end_without_a_next_date(client, db, signed_in):
    response = client.post(
        signed_in.url,
        data={
            "action": "close",
            "held_on": days_from_today(-1).isoformat(),
            "participant": "client|Mina",
            "decision": "end",
            "next_on": days_from_today(10).isoformat(),  # ignored when the trajectory ends
        },
    )
    assert response.status_code == 302
    [record] = db.session.scalars(select(EvaluationRecord))
    assert record.is_closed
    assert record.next_on is None


def test_records_of_another_file_or_organisation_are_404(client, make, db, signed_in):
    world = signed_in.world
    other_client = make.client(make.user(world.organisation, email="other@example.org"))
    other_trajectory = make.trajectory(other_client.counsellor, other_client)
    foreign = make.world()  # another organisation
    for evaluation in (other_trajectory.evaluations[0], foreign.evaluation):
        assert client.get(f"/evaluations/{evaluation.id}/record").status_code == 404
        post = client.post(f"/evaluations/{evaluation.id}/record.json", json=record_json())
        assert post.status_code == 404
    # A record of a client one may not open, by its own address.
    record = EvaluationRecord(
        organisation_id=world.organisation.id,
        evaluation_id=other_trajectory.evaluations[0].id,
        trajectory_id=other_trajectory.id,
        client_id=other_client.id,
    )
    db.session.add(record)
    db.session.commit()
    assert client.get(f"/evaluation-records/{record.id}").status_code == 404
    assert client.get(f"/evaluation-records/{record.id}/document.pdf").status_code == 404
    assert count(db) == 1


def test_a_record_of_another_evaluation_cannot_be_saved_through_this_one(client, db, signed_in):
    other = client.post(
        f"/evaluations/{signed_in.held.id}/record.json",
        json=record_json(held_on=signed_in.held.done_on.isoformat(), next_on=None),
    )
    assert other.status_code == 200
    other_id = other.get_json()["record_id"]

    response = client.post(signed_in.url + ".json", json=record_json(record_id=other_id))

    assert response.status_code == 422
    assert "another evaluation" in response.get_json()["message"]
    assert count(db) == 1


def test_an_unknown_participant_from_the_plain_form_is_refused(client, db, signed_in):
    response = client.post(
        signed_in.url, data={"action": "save", "participant": ["neighbour|Jan", "-1"]}
    )
    assert response.status_code == 422
    assert "Unknown participant" in response.get_data(as_text=True)
    assert count(db) == 0
