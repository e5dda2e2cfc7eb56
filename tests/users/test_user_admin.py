from __future__ import annotations

import pytest
from sqlalchemy import select

from fieldapp.audit.models import AuditEvent
from fieldapp.auth.models import User
from fieldapp.auth.roles import Role

ADMIN_PAGES = ["/admin/users/", "/admin/users/invite", "/admin/audit/"]


@pytest.mark.parametrize("role", [Role.COUNSELLOR, Role.TEAM_LEAD])
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_only_admins_reach_administration(client, auth, make, role, path):
    make.user(role=role, email="someone@example.org")
    auth.login("someone@example.org")
    response = client.get(path)
    assert response.status_code == 403
    assert "do not have access" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_need_sign_in(client, path):
    assert client.get(path).status_code == 302


def test_admin_sees_the_people_of_their_organisation_only(client, auth, make):
    admin = make.user(role=Role.ADMIN, email="admin@example.org", name="Alice Admin")
    make.user(admin.organisation, name="Bram Begeleider")
    make.user(name="Someone Elsewhere")
    auth.login("admin@example.org")
    page = client.get("/admin/users/").get_data(as_text=True)
    assert "Bram Begeleider" in page
    assert "Someone Elsewhere" not in page


def test_role_change_is_audited(client, auth, make, db):
    admin = make.user(role=Role.ADMIN, email="admin@example.org")
    user = make.user(admin.organisation)
    auth.login("admin@example.org")
    response = client.post(f"/admin/users/{user.id}", data={"role": "team_lead"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.role == "team_lead"
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.role_changed")
    ).one()
    assert (event.actor_id, event.target_id) == (admin.id, user.id)
    assert event.detail == {"from": "counsellor", "to": "team_lead"}
    assert event.ip == "127.0.0.1"


def test_unknown_role_is_refused(client, auth, make, db):
    admin = make.user(role=Role.ADMIN, email="admin@example.org")
    user = make.user(admin.organisation)
    auth.login("admin@example.org")
    response = client.post(f"/admin/users/{user.id}", data={"role": "superuser"})
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_the_last_admin_cannot_be_removed(client, auth, make, db):
    admin = make.user(role=Role.ADMIN, email="admin@example.org")
    auth.login("admin@example.org")
    response = client.post(f"/admin/users/{admin.id}", data={"role": "counsellor"})
    assert response.status_code == 422
    assert "at least one active administrator" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.role == "admin"


def test_deactivate_and_reactivate(app, client, auth, make, db):
    admin = make.user(role=Role.ADMIN, email="admin@example.org")
    user = make.user(admin.organisation, email="an@example.org")
    device = app.test_client()
    device.post("/login", data={"email": "an@example.org", "password": "a sentence nobody guesses"})
    auth.login("admin@example.org")

    assert client.post(f"/admin/users/{user.id}/active").status_code == 302
    assert device.get("/").status_code == 302  # signed out at once
    db.session.expire_all()
    assert db.session.get(User, user.id).active is False
    assert client.post(f"/admin/users/{user.id}/active").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).active is True
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.target_id == user.id)
    ).all()
    assert "user.deactivated" in actions
    assert "user.reactivated" in actions


def test_sole_admin_cannot_deactivate_themselves(client, auth, make):
    admin = make.user(role=Role.ADMIN, email="admin@example.org")
    auth.login("admin@example.org")
    response = client.post(f"/admin/users/{admin.id}/active")
    assert response.status_code == 409
    assert "at least one active administrator" in response.get_data(as_text=True)


def test_invitation_can_be_sent_again(client, auth, make, sent_mail, db):
    make.user(role=Role.ADMIN, email="admin@example.org")
    auth.login("admin@example.org")
    client.post(
        "/admin/users/invite",
        data={"name": "P", "email": "p@example.org", "role": "counsellor", "language": "nl"},
    )
    pending = db.session.scalars(select(User).where(User.email == "p@example.org")).one()
    assert client.post(f"/admin/users/{pending.id}/invitation").status_code == 302
    assert [m.to for m in sent_mail()] == ["p@example.org", "p@example.org"]


def test_settings_change_name_language_and_password(client, auth, make, db):
    user = make.user(email="an@example.org")
    auth.login("an@example.org")
    response = client.post("/settings", data={"settings-name": "An V.", "settings-language": "fr"})
    assert response.status_code == 302
    assert 'lang="fr"' in client.get("/settings").get_data(as_text=True)

    response = client.post(
        "/settings/password",
        data={
            "password-current": "wrong one entirely",
            "password-password": "een nieuwe lange zin",
            "password-confirmation": "een nieuwe lange zin",
        },
    )
    assert response.status_code == 422
    assert "mot de passe actuel n&#39;est pas correct" in response.get_data(as_text=True)
    response = client.post(
        "/settings/password",
        data={
            "password-current": "a sentence nobody guesses",
            "password-password": "een nieuwe lange zin",
            "password-confirmation": "een nieuwe lange zin",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this device stays signed in
    db.session.refresh(user)
    assert user.name == "An V."
