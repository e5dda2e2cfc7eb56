from __future__ import annotations

import re

from sqlalchemy import func, select

from fieldapp.auth.models import User
from fieldapp.clients.models import Client
from fieldapp.common.dates import today
from fieldapp.contact_moments.rhythm import due_contacts
from fieldapp.evaluations.models import EvaluationRecord
from fieldapp.method import rhythm as organisation_rhythm
from fieldapp.organisation.models import Organisation


def test_create_organisation_and_first_admin(runner, db):
    result = runner.invoke(args=["create-organisation", "OCMW Gent", "--slug", "ocmw-gent"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=[
            "create-user",
            "--organisation",
            "ocmw-gent",
            "--email",
            "Admin@Gent.example",
            "--name",
            "Admin Gent",
            "--password",
            "een lange zin voor gent",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User)).one()
    assert (user.email, user.role) == ("admin@gent.example", "admin")


def test_cli_refuses_bad_input_with_a_message(runner, db):
    result = runner.invoke(args=["create-organisation", "X", "--slug", "Not A Slug"])
    assert result.exit_code != 0
    assert "slug" in result.output
    runner.invoke(args=["create-organisation", "OCMW Gent", "--slug", "ocmw-gent"])
    result = runner.invoke(args=["create-organisation", "Again", "--slug", "ocmw-gent"])
    assert "exists already" in result.output
    result = runner.invoke(
        args=[
            "create-user",
            "--organisation",
            "ocmw-gent",
            "--email",
            "a@b.example",
            "--name",
            "A",
            "--password",
            "short",
        ]
    )
    assert result.exit_code != 0
    assert "12" in result.output
    result = runner.invoke(
        args=[
            "create-user",
            "--organisation",
            "nowhere",
            "--email",
            "a@b.example",
            "--name",
            "A",
            "--password",
            "een lange zin voor gent",
        ]
    )
    assert "no organisation" in result.output


def test_demo_data_prints_logins_once_that_work(app, runner, client, db):
    app.config["FIELDAPP_BASE_URL"] = "http://127.0.0.1:8123"  # make run PORT=8123
    result = runner.invoke(args=["demo-data", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123/dev/outbox" in result.output
    logins = re.findall(r"(\S+@demostad\.example)\s+(\S+)", result.output)
    assert len(logins) == 4
    roles = db.session.scalars(select(User.role).order_by(User.id)).all()
    assert roles == ["admin", "team_lead", "counsellor", "counsellor"]
    email, password = logins[2]
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302

    again = runner.invoke(args=["demo-data", "--if-empty"])
    assert again.exit_code == 0
    assert again.output == ""
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 1


def test_demo_client_shows_the_evaluation_cycle(runner, client, db):
    """The demo client's file: a competence trend with several points from the notes, the closed
    evaluation with its judgements and agreements, the goals, the contacts and the rhythm."""
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    email, password = re.findall(r"(an@demostad\.example)\s+(\S+)", result.output)[0]
    client.post("/login", data={"email": email, "password": password})
    amina = db.session.scalars(select(Client).where(Client.first_name == "Amina")).one()
    page = client.get(f"/clients/{amina.id}").get_data(as_text=True)

    assert "data-trend-chart" in page
    # Per competence with scores, the notes' series: the first four competences have nine notes.
    note_series = re.findall(r'<g data-source="note">(.*?)</g>', page, re.S)
    assert len(note_series) >= 4
    assert max(series.count("<circle") for series in note_series) >= 9
    assert "Een korte uitleg over de hygiëneregels op de werkpost" in page
    assert "De werkdag zelf plannen met de checklist" in page
    assert "Gesprek over de planning." in page  # the latest contacts
    pulses = page.split("data-pulses")[1].split("</table>")[0]
    assert pulses.count('data-rating="1"') == 1  # four months of pulses, one attendance worry
    assert "The whole timeline" in page
    history = client.get(f"/clients/{amina.id}/timeline").get_data(as_text=True)
    assert "Pulse from the floor supervisor" in history

    record = db.session.scalars(
        select(EvaluationRecord).where(EvaluationRecord.client_id == amina.id)
    ).one()
    assert record.is_closed
    assert len([s for s in record.scores().values() if s]) >= 4
    shown = client.get(f"/evaluations/{record.evaluation_id}/record").get_data(as_text=True)
    assert f"/evaluation-records/{record.id}" in shown  # closed: read it, or download the PDF
    version = client.get(f"/evaluation-records/{record.id}")
    assert version.status_code == 200
    assert "Amina plant elke maandag haar week met Sofie." in version.get_data(as_text=True)
    assert "De hygiëneregels volgen zonder herinnering" in version.get_data(as_text=True)

    assert organisation_rhythm.of_organisation(amina.organisation_id)[4] == 14
    # Elif (phase 4, no contact recorded) is past the rhythm; Amina, seen this week, is not.
    elif_ = db.session.scalars(select(Client).where(Client.first_name == "Elif")).one()
    due = {
        d.client_id
        for d in due_contacts(amina.organisation_id, [amina.id, elif_.id])
        if d.moment <= today()
    }
    assert due == {elif_.id}
