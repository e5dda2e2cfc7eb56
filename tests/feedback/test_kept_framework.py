"""The framework in use, kept by each app server per organisation and framework stamp
(``feedback.frameworks.framework_in_use``): read once, and read again by every server after any
change of the organisation's frameworks."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from bench.measure import counting_queries
from fieldapp import create_app
from fieldapp.auth.roles import Role
from fieldapp.common.tenancy import CrossTenantRead, activate_tenant
from fieldapp.extensions import db as _db
from fieldapp.feedback import frameworks
from fieldapp.feedback.models import Competence, Framework
from tests.conftest import IsolatedClient, base_config
from tests.factories import DEFAULT_PASSWORD


def signed_in(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": DEFAULT_PASSWORD}).status_code
    return client


def statements_of(app: Flask, client: FlaskClient, url: str) -> list[str]:
    with app.app_context():
        engine = _db.engine
    with counting_queries(engine) as statements:
        assert client.get(url).status_code == 200
    return statements


def test_a_clients_file_reads_the_framework_in_use_once(app, make, db):
    world = make.world()
    db.session.commit()
    counsellor = signed_in(app, world.counsellor.email)
    url = f"/clients/{world.client.id}"

    first = statements_of(app, counsellor, url)
    again = statements_of(app, counsellor, url)

    assert any("FROM framework" in statement for statement in first)
    assert not any("FROM framework" in statement for statement in again)


def test_a_kept_framework_is_given_to_its_own_organisation_only(app, make, db):
    ours, theirs = make.organisation(), make.organisation()
    db.session.commit()
    with app.test_request_context():
        frameworks.framework_in_use(theirs.id, "en")  # kept, read by the system (no tenant)
        activate_tenant(ours.id)
        assert frameworks.framework_in_use(ours.id, "en").id is None
        with pytest.raises(CrossTenantRead):
            frameworks.framework_in_use(theirs.id, "en")


def test_every_app_server_shows_what_an_administrator_changed_through_another(
    app, make, db, database_url, tmp_path
):
    """Two servers of one organisation: the second keeps the shipped framework from an earlier
    page, and shows the administrator's own framework as soon as it is in use, changed further, and
    given up again, each time on the next page."""
    world = make.world()
    admin = make.user(organisation=world.organisation, role=Role.ADMIN, email="admin@example.org")
    db.session.commit()
    other_server = create_app(base_config(database_url, tmp_path))
    other_server.test_client_class = IsolatedClient
    counsellor = signed_in(other_server, world.counsellor.email)
    administrator = signed_in(app, admin.email)
    visit = f"/visits/{world.visit.id}"

    def shown() -> str:
        return counsellor.get(visit).get_data(as_text=True)

    assert "Teamwork" in shown()  # the shipped framework, now kept by the other server

    assert administrator.post("/admin/frameworks/copy").status_code == 302
    own = db.session.scalars(select(Framework).order_by(Framework.id.desc())).first()
    first = own.competences[0]
    renamed = {"label_nl": "Stiptheid", "label_en": "On time", "label_fr": ""}
    renamed |= {f"description_{code}": "" for code in ("nl", "fr", "en")}
    assert administrator.post(f"/admin/frameworks/competences/{first.id}", data=renamed)
    assert "On time" not in shown()  # copied, not yet in use

    administrator.post("/admin/frameworks/use", data={"framework": own.id})
    assert "On time" in shown()

    renamed["label_en"] = "Never late"
    administrator.post(f"/admin/frameworks/competences/{first.id}", data=renamed)
    page = shown()
    assert "Never late" in page
    assert "On time" not in page

    administrator.post("/admin/frameworks/use")  # back to the shipped framework
    page = shown()
    assert "Never late" not in page
    assert "Teamwork" in page
    with other_server.app_context():
        _db.engine.dispose()


def own_framework_in_use(organisation_id: int) -> Framework:
    framework = Framework(organisation_id=organisation_id, name="Own", in_use=True)
    framework.competences = [
        Competence(
            organisation_id=organisation_id,
            key="on-time",
            position=0,
            label={"nl": "Stipt", "en": "On time"},
            description={},
        )
    ]
    return framework


def test_a_change_not_yet_flushed_is_in_the_framework_in_use(app, make, db):
    """As before the framework was kept: its query flushed the session first (autoflush)."""
    organisation = make.organisation()
    with app.test_request_context():
        assert frameworks.framework_in_use(organisation.id, "en").id is None  # kept
        db.session.add(own_framework_in_use(organisation.id))
        assert frameworks.framework_in_use(organisation.id, "en").name == "Own"


def test_a_framework_rolled_back_is_never_kept_for_the_organisation(app, make, db):
    """A framework read with a change that is then rolled back is not given afterwards under the
    stamp the organisation still has."""
    organisation = make.organisation()
    with app.test_request_context():
        db.session.add(own_framework_in_use(organisation.id))
        assert frameworks.framework_in_use(organisation.id, "en").name == "Own"
        db.session.rollback()
    with app.test_request_context():
        assert frameworks.framework_in_use(organisation.id, "en").id is None
