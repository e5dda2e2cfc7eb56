from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from fieldapp.auth import services as auth_services
from fieldapp.auth.models import PasswordResetRequest, User, UserSession, UserToken
from fieldapp.auth.roles import Role
from fieldapp.common.secret_links import hash_token
from fieldapp.common.time import now_utc
from tests.factories import DEFAULT_PASSWORD

NEW_PASSWORD = "een nieuwe zin om te onthouden"


def link_path(message) -> str:
    return re.search(r"http://localhost(/\S+)", message.body).group(1)


def test_reset_link_is_mailed_and_works_once(client, auth, make, sent_mail, db, send_resets):
    make.user(email="an@example.org")
    response = client.post("/password/forgot", data={"email": "an@example.org"})
    send_resets()
    assert response.status_code == 200
    (mail,) = sent_mail()
    assert mail.to == "an@example.org"
    path = link_path(mail)

    # The token leaves the address bar at once (history, Referer): it moves into the session.
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/password/reset"
    response = client.post(
        "/password/reset", data={"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"  # the link proved the mailbox: signed in
    assert client.get("/").status_code == 200
    auth.logout()
    assert auth.login("an@example.org", NEW_PASSWORD).headers["Location"] == "/"

    second = client.get(path)
    assert second.status_code == 410
    assert "already been used" in second.get_data(as_text=True)


def test_only_the_hash_of_a_token_is_stored(client, make, sent_mail, db, send_resets):
    make.user(email="an@example.org")
    client.post("/password/forgot", data={"email": "an@example.org"})
    send_resets()
    raw = link_path(sent_mail()[0]).rsplit("/", 1)[1]
    assert len(raw) >= 43  # 256 bits, URL-safe base64
    stored = db.session.scalars(select(UserToken)).one()
    assert stored.token_hash == hash_token(raw)
    assert raw not in stored.token_hash


def test_unknown_address_gets_the_same_answer_and_no_mail(client, sent_mail, db, send_resets):
    response = client.post("/password/forgot", data={"email": "nobody@example.org"})
    send_resets()
    assert response.status_code == 200
    assert "nobody@example.org" in response.get_data(as_text=True)
    assert sent_mail() == []
    assert db.session.scalars(select(PasswordResetRequest)).all() == []  # forgotten too


def test_malformed_address_is_refused(client):
    response = client.post("/password/forgot", data={"email": "not-an-address"})
    assert response.status_code == 422
    assert "valid e-mail address" in response.get_data(as_text=True)


def test_expired_link_gets_a_clear_page(client, make, sent_mail, db, send_resets):
    make.user(email="an@example.org")
    client.post("/password/forgot", data={"email": "an@example.org"})
    send_resets()
    token = db.session.scalars(select(UserToken)).one()
    token.expires_at = now_utc() - timedelta(minutes=1)
    db.session.commit()
    response = client.get(link_path(sent_mail()[0]))
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)
    assert "Ask for a new link" in response.get_data(as_text=True)


@pytest.mark.parametrize("token", ["garbage", "x" * 300])
def test_tampered_link_gets_a_clear_page(client, token):
    response = client.get(f"/password/reset/{token}")
    assert response.status_code == 404
    assert "not valid" in response.get_data(as_text=True)


def test_reset_form_without_a_link_is_refused(client):
    assert client.get("/password/reset").status_code == 404


def test_a_new_request_voids_the_earlier_link(client, clock, make, sent_mail, send_resets):
    make.user(email="an@example.org")
    client.post("/password/forgot", data={"email": "an@example.org"})
    send_resets()
    clock.shift(auth_services.RESET_AGAIN_AFTER + timedelta(seconds=1))
    client.post("/password/forgot", data={"email": "an@example.org"})
    send_resets()
    assert client.get(link_path(sent_mail()[0])).status_code == 410
    assert client.get(link_path(sent_mail()[1])).status_code == 302


def test_weak_new_password_is_refused_and_link_still_works(client, make, sent_mail, send_resets):
    make.user(email="an@example.org")
    client.post("/password/forgot", data={"email": "an@example.org"})
    send_resets()
    client.get(link_path(sent_mail()[0]))
    response = client.post("/password/reset", data={"password": "short", "confirmation": "short"})
    assert response.status_code == 422
    assert "at least 12" in response.get_data(as_text=True)
    response = client.post(
        "/password/reset", data={"password": NEW_PASSWORD, "confirmation": "something else!"}
    )
    assert response.status_code == 422
    assert "not the same" in response.get_data(as_text=True)
    response = client.post(
        "/password/reset", data={"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD}
    )
    assert response.status_code == 302


def test_reset_signs_out_other_devices(app, client, auth, make, sent_mail, send_resets):
    make.user(email="an@example.org")
    other_device = app.test_client()
    other_device.post(
        "/login", data={"email": "an@example.org", "password": "a sentence nobody guesses"}
    )
    assert other_device.get("/").status_code == 200
    client.post("/password/forgot", data={"email": "an@example.org"})
    send_resets()
    client.get(link_path(sent_mail()[0]))
    client.post("/password/reset", data={"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})
    assert other_device.get("/").status_code == 302


def test_admin_invites_and_the_invitee_signs_up(app, client, auth, make, sent_mail, db):
    admin = make.user(role=Role.ADMIN, email="admin@example.org")
    auth.login("admin@example.org")
    response = client.post(
        "/admin/users/invite",
        data={"name": "Nadia", "email": "Nadia@Example.org", "role": "team_lead", "language": "fr"},
    )
    assert response.status_code == 302
    invitation = sent_mail()[-1]
    assert invitation.to == "nadia@example.org"
    assert invitation.subject == "Vous êtes invité sur fieldapp"
    auth.logout()

    invitee = app.test_client()
    assert invitee.get(link_path(invitation)).status_code == 302
    page = invitee.get("/invitation")
    assert page.status_code == 200
    response = invitee.post(
        "/invitation",
        data={"name": "Nadia B.", "password": NEW_PASSWORD, "confirmation": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert invitee.get("/").status_code == 200
    user = db.session.scalars(select(User).where(User.email == "nadia@example.org")).one()
    assert (user.name, user.role, user.organisation_id) == (
        "Nadia B.",
        "team_lead",
        admin.organisation_id,
    )
    assert invitee.get(link_path(invitation)).status_code == 410


def test_duplicate_invitation_is_refused(client, auth, make):
    admin = make.user(role=Role.ADMIN, email="admin@example.org")
    make.user(email="taken@example.org")  # in another organisation: addresses are global
    auth.login("admin@example.org")
    response = client.post(
        "/admin/users/invite",
        data={"name": "X", "email": "taken@example.org", "role": "counsellor", "language": ""},
    )
    assert response.status_code == 422
    assert "already an account" in response.get_data(as_text=True)
    assert admin.organisation_id


def test_pending_invitee_cannot_sign_in_or_reset(client, auth, make, sent_mail, db, send_resets):
    make.user(role=Role.ADMIN, email="admin@example.org")
    auth.login("admin@example.org")
    client.post(
        "/admin/users/invite",
        data={"name": "P", "email": "pending@example.org", "role": "counsellor", "language": ""},
    )
    auth.logout()
    sent_mail().clear()
    assert auth.login("pending@example.org", "anything at all").status_code == 401
    client.post("/password/forgot", data={"email": "pending@example.org"})
    send_resets()
    assert sent_mail() == []


def test_a_deactivated_invitee_cannot_accept_the_invitation(app, client, auth, make, sent_mail, db):
    make.user(role=Role.ADMIN, email="admin@example.org")
    auth.login("admin@example.org")
    client.post(
        "/admin/users/invite",
        data={"name": "Vera", "email": "vera@example.org", "role": "counsellor", "language": ""},
    )
    invitation = sent_mail()[-1]
    vera = db.session.scalars(select(User).where(User.email == "vera@example.org")).one()
    assert client.post(f"/admin/users/{vera.id}/active").status_code == 302
    db.session.refresh(vera)
    assert not vera.active

    invitee = app.test_client()
    assert invitee.get(link_path(invitation)).status_code == 410
    db.session.refresh(vera)
    assert (vera.active, vera.password_hash) == (False, None)


def test_a_link_opened_before_deactivation_no_longer_lets_anyone_in(
    app, client, auth, make, sent_mail, db
):
    make.user(role=Role.ADMIN, email="admin@example.org")
    auth.login("admin@example.org")
    client.post(
        "/admin/users/invite",
        data={"name": "Vera", "email": "vera@example.org", "role": "counsellor", "language": ""},
    )
    invitee = app.test_client()
    assert invitee.get(link_path(sent_mail()[-1])).status_code == 302  # the form is open
    vera = db.session.scalars(select(User).where(User.email == "vera@example.org")).one()
    client.post(f"/admin/users/{vera.id}/active")
    response = invitee.post(
        "/invitation",
        data={"name": "Vera", "password": NEW_PASSWORD, "confirmation": NEW_PASSWORD},
    )
    assert response.status_code == 410
    db.session.refresh(vera)
    assert not vera.active
    assert invitee.get("/").status_code == 302  # not signed in


def test_deactivation_stops_a_reset_link(app, client, auth, make, sent_mail, db, send_resets):
    admin = make.user(role=Role.ADMIN, email="admin@example.org")
    person = make.user(admin.organisation, email="leaving@example.org")
    client.post("/password/forgot", data={"email": "leaving@example.org"})
    send_resets()
    reset = sent_mail()[-1]
    auth.login("admin@example.org")
    assert client.post(f"/admin/users/{person.id}/active").status_code == 302
    other = app.test_client()
    assert other.get(link_path(reset)).status_code == 410


def test_a_password_change_stops_a_reset_link_mailed_before(
    app, client, auth, make, sent_mail, send_resets
):
    """Someone who read the reset mail (a shared mailbox, a phone left unlocked) cannot use it
    after the owner chose a new password, nor with the link already opened on their device."""
    make.user(email="an@example.org")
    client.post("/password/forgot", data={"email": "an@example.org"})
    send_resets()
    path = link_path(sent_mail()[-1])
    intruder = app.test_client()
    assert intruder.get(path).status_code == 302  # opened before: the link is in its session

    auth.login("an@example.org")
    changed = client.post(
        "/settings/password",
        data={
            "password-current": "a sentence nobody guesses",
            "password-password": NEW_PASSWORD,
            "password-confirmation": NEW_PASSWORD,
        },
    )
    assert changed.status_code == 302

    taken_over = "ik neem dit account over, dank je"
    response = intruder.post(
        "/password/reset", data={"password": taken_over, "confirmation": taken_over}
    )
    assert response.status_code == 410
    assert "already been used" in response.get_data(as_text=True)
    assert app.test_client().get(path).status_code == 410
    auth.logout()
    assert auth.login("an@example.org", taken_over).status_code == 401
    assert auth.login("an@example.org", NEW_PASSWORD).headers["Location"] == "/"


# -- a link opened in a browser signed in to another organisation ------------------------------


def open_sessions(db, user) -> int:
    db.session.rollback()  # what the requests committed
    return len(
        db.session.scalars(
            select(UserSession).where(
                UserSession.user_id == user.id, UserSession.ended_at.is_(None)
            )
        ).all()
    )


def test_a_reset_link_works_where_another_organisation_is_signed_in(
    app, client, auth, make, sent_mail, send_resets, db
):
    """Before, the link's lookup was limited to the signed-in person's organisation: a link of
    another one was unknown (404) on a shared computer until its user signed out by hand."""
    here = make.user(email="an@ocmw-a.example")
    owner = make.user(email="bea@cpas-b.example")
    assert here.organisation_id != owner.organisation_id
    auth.login(here.email)
    app.test_client().post("/password/forgot", data={"email": owner.email})
    send_resets()
    assert client.get(link_path(sent_mail()[-1])).status_code == 302
    assert client.get("/password/reset").status_code == 200

    refused = client.post(
        "/password/reset", data={"password": NEW_PASSWORD, "confirmation": "something else!"}
    )
    assert refused.status_code == 422
    assert "not the same" in refused.get_data(as_text=True)
    assert open_sessions(db, here) == 1  # nothing happened yet

    response = client.post(
        "/password/reset", data={"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert (open_sessions(db, here), open_sessions(db, owner)) == (0, 1)
    assert client.get("/").status_code == 200
    assert auth.login(owner.email, NEW_PASSWORD).status_code == 302
    assert auth.login(here.email).status_code == 302  # their password stays theirs


def test_an_invitation_works_where_another_organisation_is_signed_in(
    app, client, auth, make, sent_mail, db
):
    here = make.user(email="an@ocmw-a.example")
    admin = make.user(role=Role.ADMIN, email="admin@cpas-b.example")
    desk = app.test_client()
    desk.post("/login", data={"email": admin.email, "password": DEFAULT_PASSWORD})
    desk.post(
        "/admin/users/invite",
        data={
            "name": "Nadia",
            "email": "nadia@cpas-b.example",
            "role": "counsellor",
            "language": "",
        },
    )
    auth.login(here.email)
    assert client.get(link_path(sent_mail()[-1])).status_code == 302
    page = client.get("/invitation")
    assert page.status_code == 200
    assert "Nadia" in page.get_data(as_text=True)
    refused = client.post(
        "/invitation", data={"name": "Nadia", "password": "short", "confirmation": "short"}
    )
    assert refused.status_code == 422
    assert open_sessions(db, here) == 1

    response = client.post(
        "/invitation",
        data={"name": "Nadia B.", "password": NEW_PASSWORD, "confirmation": NEW_PASSWORD},
    )
    assert response.status_code == 302
    invitee = db.session.scalars(select(User).where(User.email == "nadia@cpas-b.example")).one()
    assert (invitee.name, invitee.organisation_id) == ("Nadia B.", admin.organisation_id)
    assert (open_sessions(db, here), open_sessions(db, invitee)) == (0, 1)
    assert client.get("/").status_code == 200
