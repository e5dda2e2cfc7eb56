"""What an attacker's second review found: each test shows a weakness that is now closed."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from fieldapp.auth.models import UserSession
from fieldapp.auth.roles import Role
from fieldapp.reminders import vapid
from fieldapp.reminders.models import PushSubscription
from tests.factories import DEFAULT_PASSWORD
from tests.push_service import PushService

NEW_PASSWORD = "een nieuwe zin om te onthouden"


def _signed_in_with_notifications(app: Flask, email: str, service: PushService) -> FlaskClient:
    """A shared phone: signed in with "keep me signed in", notifications allowed."""
    phone = app.test_client()
    response = phone.post(
        "/login", data={"email": email, "password": DEFAULT_PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    assert phone.post("/api/push/subscriptions", json=service.subscription()).status_code == 201
    return phone


def _reset_on(phone: FlaskClient, email: str, sent_mail, send_resets) -> None:
    phone.post("/password/forgot", data={"email": email})
    send_resets()
    link = re.search(r"http://localhost(/\S+)", sent_mail()[-1].body).group(1)
    phone.get(link)
    response = phone.post(
        "/password/reset", data={"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD}
    )
    assert response.status_code == 302


def _invited_on(phone: FlaskClient, app: Flask, make, sent_mail, organisation) -> None:
    admin = make.user(organisation, role=Role.ADMIN, email="admin@ocmw.example")
    desk = app.test_client()
    desk.post("/login", data={"email": admin.email, "password": DEFAULT_PASSWORD})
    desk.post(
        "/admin/users/invite",
        data={
            "name": "Bea Colleague",
            "email": "bea@cpas.example",
            "role": "counsellor",
            "language": "",
        },
    )
    link = re.search(r"http://localhost(/invitation/\S+)", sent_mail()[-1].body).group(1)
    phone.get(link)
    response = phone.post(
        "/invitation",
        data={"name": "Bea Colleague", "password": NEW_PASSWORD, "confirmation": NEW_PASSWORD},
    )
    assert response.status_code == 302


def _signed_in_as(phone: FlaskClient, db, user_id: int) -> bool:
    response = phone.get("/")
    if response.status_code != 200:
        return False
    db.session.rollback()
    return user_id in set(
        db.session.scalars(select(UserSession.user_id).where(UserSession.ended_at.is_(None)))
    )


def test_a_reset_link_used_on_a_phone_signed_in_as_someone_else_ends_their_sign_in(
    app, db, make, sent_mail, send_resets
):
    """Before, the reset link signed the phone in as its owner but left the previous person's
    sign-in open: their notifications (naming their clients) kept arriving on the phone now used
    by someone else, and their remember-me cookie signed the phone back in as them once the new
    session cookie was gone."""
    vapid.create(app)
    first = make.user(email="an@ocmw.example")
    second = make.user(first.organisation, email="bea@ocmw.example")
    with PushService() as service:
        phone = _signed_in_with_notifications(app, first.email, service)

        _reset_on(phone, second.email, sent_mail, send_resets)

        db.session.rollback()
        assert list(db.session.scalars(select(PushSubscription))) == []
        first_sessions = select(UserSession).where(
            UserSession.user_id == first.id, UserSession.ended_at.is_(None)
        )
        assert list(db.session.scalars(first_sessions)) == []
        # The new session cookie gone (ten hours unused, the browser closed): nobody is signed in.
        phone.delete_cookie(app.config["SESSION_COOKIE_NAME"])
        assert not _signed_in_as(phone, db, first.id)


def test_an_invitation_accepted_on_a_phone_signed_in_as_someone_else_ends_their_sign_in(
    app, db, make, sent_mail
):
    vapid.create(app)
    first = make.user(email="an@ocmw.example")
    with PushService() as service:
        phone = _signed_in_with_notifications(app, first.email, service)

        _invited_on(phone, app, make, sent_mail, first.organisation)

        db.session.rollback()
        assert list(db.session.scalars(select(PushSubscription))) == []
        phone.delete_cookie(app.config["SESSION_COOKIE_NAME"])
        assert not _signed_in_as(phone, db, first.id)
