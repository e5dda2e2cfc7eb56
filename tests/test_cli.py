from __future__ import annotations

import re

from sqlalchemy import func, select

from fieldapp.auth.models import User
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
