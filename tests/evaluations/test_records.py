"""A record's life: a draft kept as it is typed, closed once (the moment held, the next one
planned), corrected as a new version that keeps the old one; and what others read from it."""

from __future__ import annotations

from sqlalchemy import func, select

from fieldapp.common.dates import today
from fieldapp.evaluations import services
from fieldapp.evaluations.models import EvaluationRecord, RecordStatus
from fieldapp.method import Outcome, Scheme
from fieldapp.privacy.services import anonymise
from fieldapp.reminders.models import Reminder
from fieldapp.trajectories import services as trajectory_services
from fieldapp.trajectories.models import Evaluation, Trajectory
from tests.evaluations.conftest import FIRST, SECOND, record_json
from tests.factories import days_from_today


def records(db) -> list[EvaluationRecord]:
    db.session.expire_all()
    return list(db.session.scalars(select(EvaluationRecord).order_by(EvaluationRecord.version)))


def test_the_autosave_keeps_one_draft_as_it_is_typed(client, db, signed_in):
    first = client.post(signed_in.url + ".json", json=record_json(agreements="Eerste versie"))
    assert first.status_code == 200
    record_id = first.get_json()["record_id"]
    again = client.post(
        signed_in.url + ".json",
        json=record_json(record_id=record_id, agreements="Tweede versie", scores={FIRST: 2}),
    )
    assert again.status_code == 200
    assert again.get_json()["record_id"] == record_id

    [draft] = records(db)
    assert draft.status == RecordStatus.DRAFT.value
    assert draft.agreements == "Tweede versie"
    assert draft.scores()[FIRST] == 2
    assert draft.scores()[SECOND] == 3  # not sent the second time: kept
    page = client.get(signed_in.url).get_data(as_text=True)
    assert "Tweede versie" in page  # the draft survives a reload


def test_the_plain_form_saves_a_draft_without_javascript(client, db, signed_in):
    response = client.post(
        signed_in.url,
        data={
            "action": "save",
            "held_on": days_from_today(-1).isoformat(),
            "participant": ["client|Mina", "supervisor|Sofie Supervisor"],
            "others": "Jan van de werkplek\n",
            f"score_{FIRST}": "4",
            "growth_text": ["Hulp vragen", ""],
            "growth_competence": [SECOND, ""],
            "agreements": "Elke vrijdag overleg.",
        },
    )
    assert response.status_code == 302
    [draft] = records(db)
    assert draft.participants[-1] == {"kind": "other", "name": "Jan van de werkplek"}
    assert draft.scores()[FIRST] == 4
    assert services.growth_points_of(draft)[0].competence == SECOND
    assert not draft.is_closed


def test_closing_holds_the_moment_and_plans_the_next_on_the_agreed_date(client, db, signed_in):
    client.post(signed_in.url + ".json", json=record_json())
    response = client.post(signed_in.url, data=_form_of(record_json(), action="close"))
    assert response.status_code == 302

    [record] = records(db)
    assert record.is_closed
    evaluation = db.session.get(Evaluation, signed_in.evaluation.id)
    assert evaluation.done_on == days_from_today(-1)
    later = db.session.scalars(
        select(Evaluation)
        .where(Evaluation.trajectory_id == evaluation.trajectory_id, Evaluation.done_on.is_(None))
        .order_by(Evaluation.due_on)
    ).first()
    assert later.due_on == days_from_today(20)
    # The agenda follows: a reminder for the re-dated moment.
    assert db.session.scalar(
        select(func.count())
        .select_from(Reminder)
        .where(Reminder.key.like(f"evaluation:{later.id}:{later.due_on:%Y%m%d}"))
    )


def test_the_agreed_date_stays_when_the_trajectory_is_planned_again(client, db, signed_in):
    client.post(signed_in.url + ".json", json=record_json())
    client.post(signed_in.url, data=_form_of(record_json(), action="close"))
    evaluation = db.session.get(Evaluation, signed_in.evaluation.id)
    trajectory = db.session.get(Trajectory, evaluation.trajectory_id)
    [agreed] = [e for e in trajectory.evaluations if e.due_on == days_from_today(20)]

    trajectory_services.update(
        trajectory.client.counsellor,
        trajectory,
        trajectory_services.TrajectoryPlan(
            Scheme(trajectory.scheme),
            trajectory.started_on,
            trajectory.planned_end_on,
            trajectory.worksite_id,
            trajectory.supervisor_id,
        ),
    )
    db.session.commit()

    db.session.expire_all()
    assert db.session.get(Evaluation, agreed.id).due_on == days_from_today(20)
    planned = [e.due_on for e in trajectory.evaluations if e.done_on is None]
    assert planned.count(days_from_today(20)) == 1


def test_a_closed_record_is_never_edited_in_place(client, db, signed_in):
    client.post(signed_in.url + ".json", json=record_json())
    client.post(signed_in.url, data=_form_of(record_json(), action="close"))
    [closed] = records(db)

    as_json = client.post(
        signed_in.url + ".json", json=record_json(record_id=closed.id, agreements="Stiekem")
    )
    as_form = client.post(signed_in.url, data=_form_of(record_json(agreements="Stiekem")))

    assert as_json.status_code == 409
    assert "closed" in as_json.get_json()["message"]
    assert as_form.status_code == 409
    assert "Make a correction" in as_form.get_data(as_text=True)
    [unchanged] = records(db)
    assert unchanged.agreements == record_json()["agreements"]


def test_a_correction_is_a_new_version_and_the_old_one_stays(client, db, signed_in):
    client.post(signed_in.url + ".json", json=record_json())
    client.post(signed_in.url, data=_form_of(record_json(), action="close"))
    assert client.post(signed_in.url + "/correct").status_code == 302

    corrected = record_json(agreements="Overleg op maandag.", scores={FIRST: 5, SECOND: 3})
    client.post(signed_in.url + ".json", json=corrected)
    client.post(signed_in.url, data=_form_of(corrected, action="close"))

    old, new = records(db)
    assert (old.version, new.version) == (1, 2)
    assert old.is_closed
    assert new.is_closed
    assert old.agreements == record_json()["agreements"]
    assert new.agreements == "Overleg op maandag."
    page = client.get(signed_in.url).get_data(as_text=True)
    assert f"/evaluation-records/{old.id}" in page  # the old version is listed, and readable:
    assert "Elke vrijdag" in client.get(f"/evaluation-records/{old.id}").get_data(as_text=True)
    # Only the newest version counts for the trend and the agreements.
    judgements = services.judgements_of(signed_in.world.client)
    assert (days_from_today(-1), FIRST, 5) in judgements
    assert (days_from_today(-1), FIRST, 4) not in judgements
    assert services.latest_agreements(signed_in.world.trajectory) == "Overleg op maandag."


def test_a_draft_cannot_be_corrected(client, db, signed_in):
    client.post(signed_in.url + ".json", json=record_json())
    assert client.post(signed_in.url + "/correct").status_code == 409
    assert len(records(db)) == 1


def test_what_other_packages_read(client, db, signed_in):
    assert services.judgements_of(signed_in.world.client) == []
    assert services.latest_agreements(signed_in.world.trajectory) is None
    client.post(signed_in.url + ".json", json=record_json())
    assert services.judgements_of(signed_in.world.client) == []  # a draft is not a judgement
    client.post(signed_in.url, data=_form_of(record_json(), action="close"))

    [record] = records(db)
    assert sorted(services.judgements_of(signed_in.world.client)) == sorted(
        [(days_from_today(-1), FIRST, 4), (days_from_today(-1), SECOND, 3)]
    )
    assert [(p.text, p.competence) for p in services.growth_points_of(record)] == [
        ("Hulp vragen als iets niet lukt", SECOND),
        ("Rijbewijs halen", None),
    ]
    assert services.latest_agreements(signed_in.world.trajectory) == record.agreements


def _form_of(payload: dict, action: str = "save") -> dict:
    """The plain form that sends ``payload``."""
    return {
        "action": action,
        "held_on": payload["held_on"] or "",
        "participant": [f"{p['kind']}|{p['name']}" for p in payload["participants"]],
        **{f"score_{key}": str(score) for key, score in payload["scores"].items() if score},
        "strengths": payload["strengths"],
        "growth_text": [p["text"] for p in payload["growth_points"]],
        "growth_competence": [p["competence"] or "" for p in payload["growth_points"]],
        "agreements": payload["agreements"],
        "decision": payload["decision"],
        "next_on": payload["next_on"] or "",
    }


def test_links_and_reminders_to_the_moment_lead_to_the_record_page(client, db, signed_in):
    response = client.get(f"/evaluations/{signed_in.evaluation.id}")
    assert response.status_code == 302
    assert response.location.endswith(signed_in.url)
    file_page = client.get(f"/clients/{signed_in.world.client.id}").get_data(as_text=True)
    assert f'href="{signed_in.url}"' in file_page
    assert f'href="/evaluations/{signed_in.held.id}/record"' in file_page  # held ones too


def test_anonymising_erases_who_took_part_and_what_was_said(client, db, signed_in):
    client.post(signed_in.url + ".json", json=record_json())
    closing = client.post(signed_in.url, data=_form_of(record_json(), action="close"))
    assert closing.status_code == 302, closing.get_data(as_text=True)
    assert len(records(db)) == 1
    world = signed_in.world
    trajectory_services.end(world.counsellor, world.trajectory, today(), Outcome.REGULAR_JOB)
    anonymise(world.counsellor, world.client)
    db.session.commit()

    [record] = records(db)
    assert (record.participants, record.strengths, record.agreements) == ([], "", "")
    assert record.growth_points == []
    assert record.scores()[FIRST] == 4  # the figures stay, without a person


def test_two_first_saves_at_once_make_one_draft(client, db, signed_in, monkeypatch):
    """The second of two first saves (it did not see the other's draft yet) is told to reload."""
    assert client.post(signed_in.url + ".json", json=record_json()).status_code == 200
    monkeypatch.setattr(services, "versions_of", lambda evaluation: [])  # as if read earlier

    response = client.post(signed_in.url + ".json", json=record_json(agreements="Tweede tab"))

    assert response.status_code == 409
    assert "saved elsewhere" in response.get_json()["message"]
    [draft] = records(db)
    assert draft.agreements == record_json()["agreements"]
