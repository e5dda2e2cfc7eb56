from __future__ import annotations

import io
import json
import uuid
import zipfile

from sqlalchemy import func, select

from fieldapp.auth.roles import Role
from fieldapp.clients.models import Client, TimelineEvent
from fieldapp.common.dates import add_months, today
from fieldapp.method import Outcome
from fieldapp.referrals.models import Referral
from fieldapp.trajectories import services as trajectories
from fieldapp.trajectories.models import ChecklistAnswer, Trajectory
from fieldapp.visits.models import FollowUp, NoteRevision


def write_note(client, visit_id: int, body: str) -> None:
    note = {"note_uuid": str(uuid.uuid4()), "revision_uuid": str(uuid.uuid4()), "body": body}
    assert client.post(f"/api/visits/{visit_id}/notes", json=note).status_code == 201


def test_subject_access_export(client, auth, make, db):
    world = make.world()
    auth.login(world.counsellor.email)
    client.post(f"/trajectories/{world.trajectory.id}/checklist/1", data={"health": "rugklachten"})
    write_note(client, world.visit.id, "Kwam te laat door de bus.")
    response = client.get(f"/clients/{world.client.id}/export")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = set(archive.namelist())
    assert {
        "client.json",
        "trajectories.csv",
        "referrals.csv",
        "checklist.csv",
        "timeline.csv",
        "visits.csv",
        "visit_notes.csv",
        "follow_ups.csv",
    } <= names
    data = json.loads(archive.read("client.json"))
    assert data["client"]["last_name"] == world.client.last_name
    assert data["checklist"][0]["answer"] == "rugklachten"
    assert data["referrals"][0]["reason"] == "schulden en huisvesting"
    assert "rugklachten" in archive.read("checklist.csv").decode()
    assert data["visit_notes"][0]["body"] == "Kwam te laat door de bus."
    assert data["follow_ups"][0]["text"] == world.follow_up.text


def test_the_export_holds_the_evaluation_records_and_their_judgements(client, auth, make, db):
    world = make.world()
    record = make.evaluation_record(world)
    auth.login(world.counsellor.email)

    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/clients/{world.client.id}/export").data))

    data = json.loads(archive.read("client.json"))
    assert [r["agreements"] for r in data["evaluation_records"]] == [record.agreements]
    assert [(j["competence_key"], j["score"]) for j in data["evaluation_judgements"]] == [
        (world.competence.key, 4)
    ]
    assert {"evaluation_records.csv", "evaluation_judgements.csv"} <= set(archive.namelist())


def test_anonymise_only_after_the_end_and_then_nothing_identifying_remains(client, auth, make, db):
    world = make.world()
    name = world.client.last_name
    auth.login(world.counsellor.email)
    client.post(f"/trajectories/{world.trajectory.id}/checklist/1", data={"health": "rugklachten"})
    write_note(client, world.visit.id, "Kwam te laat door de bus.")
    url = f"/clients/{world.client.id}/anonymise"
    response = client.post(url)
    assert response.status_code == 409
    assert "End the trajectory" in response.get_data(as_text=True)

    client.post(
        f"/trajectories/{world.trajectory.id}/end",
        data={"ended_on": add_months(today(), -1).isoformat(), "outcome": "regular_job"},
    )
    assert client.post(url).status_code == 302
    db.session.expire_all()
    person = db.session.get(Client, world.client.id)
    assert person.anonymised_at is not None
    assert name not in (person.first_name + person.last_name)
    assert db.session.scalar(select(func.count()).select_from(ChecklistAnswer)) == 0
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(TimelineEvent)
            .where(TimelineEvent.client_id == person.id)
        )
        == 0
    )
    assert db.session.get(Referral, world.referral.id).reason == ""
    # What was written during visits says who the client is: gone.
    assert db.session.scalar(select(func.count()).select_from(NoteRevision)) == 0
    assert db.session.scalar(select(func.count()).select_from(FollowUp)) == 0
    trajectory = db.session.get(Trajectory, world.trajectory.id)
    assert (trajectory.scheme, trajectory.outcome) == ("art60", "regular_job")  # for the figures
    # The anonymous file is out of the caseload and cannot be changed any more.
    assert name not in client.get("/clients/").get_data(as_text=True)
    assert client.get(f"/clients/{person.id}/edit").status_code == 410


def test_retention_sweep(app, runner, make, db):
    world = make.world()
    ended_long_ago = add_months(today(), -7)
    trajectories.end(world.counsellor, world.trajectory, ended_long_ago, Outcome.BENEFITS)
    recent = make.client(world.counsellor, "Recent", "Beëindigd")
    still = make.trajectory(world.counsellor, recent)
    trajectories.end(world.counsellor, still, add_months(today(), -1), Outcome.TRAINING)
    world.organisation.retention_months = 6
    db.session.commit()
    result = runner.invoke(args=["anonymise-expired"])
    assert result.exit_code == 0, result.output
    assert "Anonymised" in result.output
    db.session.expire_all()
    assert db.session.get(Client, world.client.id).anonymised_at is not None
    assert db.session.get(Client, recent.id).anonymised_at is None


def test_retention_is_set_by_an_administrator(client, auth, make, db):
    admin = make.user(role=Role.ADMIN, email="admin@example.org")
    auth.login("admin@example.org")
    url = "/admin/organisation"
    response = client.post(
        url, data={"retention_months": "3", "default_language": "nl", "feedback_threshold": "3"}
    )
    assert response.status_code == 422
    assert "between 6 and 240" in response.get_data(as_text=True)
    assert (
        client.post(
            url,
            data={"retention_months": "36", "default_language": "fr", "feedback_threshold": "4"},
        ).status_code
        == 302
    )
    db.session.refresh(admin.organisation)
    assert (admin.organisation.retention_months, admin.organisation.default_language) == (36, "fr")
    assert admin.organisation.feedback_threshold == 4
    bad = {"retention_months": "36", "default_language": "fr", "feedback_threshold": "1"}
    response = client.post(url, data=bad)
    assert response.status_code == 422
    assert "between 2 and 10 answers" in response.get_data(as_text=True)
