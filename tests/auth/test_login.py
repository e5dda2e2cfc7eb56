from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from fieldapp.audit.models import AuditEvent
from fieldapp.auth.models import User
from fieldapp.auth.roles import Role


def actions(db) -> list[str]:
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_sign_in_and_out(client, auth, make, db):
    user = make.user(email="an@example.org")
    response = auth.login("AN@example.org ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Person" in home.get_data(as_text=True)

    assert client.get("/logout").status_code == 405  # signing out changes state: POST only
    response = auth.logout()
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert client.get("/").status_code == 302
    assert actions(db) == ["user.created", "auth.login", "auth.logout"]
    db.session.refresh(user)
    assert user.last_login_at is not None


def test_wrong_password_gets_a_clear_message_and_401(auth, make, db):
    make.user(email="an@example.org")
    response = auth.login("an@example.org", "not the right one")
    assert response.status_code == 401
    assert "is not correct" in response.get_data(as_text=True)
    assert actions(db)[-1] == "auth.login_failed"


def test_unknown_account_looks_like_a_wrong_password(auth):
    response = auth.login("nobody@example.org", "whatever it is")
    assert response.status_code == 401
    assert "is not correct" in response.get_data(as_text=True)


def test_empty_form_is_refused_with_field_messages(client):
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 422
    assert "This field is required." in response.get_data(as_text=True)


def test_deactivated_user_cannot_sign_in(auth, make, db):
    user = make.user(email="gone@example.org")
    user.active = False
    db.session.commit()
    assert auth.login("gone@example.org").status_code == 401


def test_sign_in_is_held_back_after_repeated_failures_from_one_address(app, auth, make, db):
    make.user(email="an@example.org")
    threshold = app.config["FIELDAPP_LOCKOUT_THRESHOLD"]
    statuses = [
        auth.login("an@example.org", f"wrong guess {i}").status_code for i in range(threshold)
    ]
    assert statuses == [401] * (threshold - 1) + [429]
    # Even the right password is refused from this address while it is held back.
    response = auth.login("an@example.org")
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)
    assert "auth.locked" in actions(db)


def test_being_held_back_ends_after_the_window(app, auth, make, clock):
    make.user(email="an@example.org")
    for i in range(app.config["FIELDAPP_LOCKOUT_THRESHOLD"]):
        auth.login("an@example.org", f"wrong guess {i}")
    assert auth.login("an@example.org").status_code == 429
    clock.shift(timedelta(minutes=app.config["FIELDAPP_LOCKOUT_MINUTES"] + 1))
    assert auth.login("an@example.org").status_code == 302


@pytest.mark.parametrize("app_config", [{"FIELDAPP_LOGIN_LIMIT": "3 per minute"}])
def test_sign_in_attempts_are_throttled_per_address(auth, make):
    make.user(email="an@example.org")
    responses = [auth.login("an@example.org", "wrong") for _ in range(4)]
    assert [r.status_code for r in responses] == [401, 401, 401, 429]
    assert "Too many attempts in a short time" in responses[-1].get_data(as_text=True)


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/settings", "/settings"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
    ],
)
def test_only_local_next_urls_are_followed(auth, make, next_url, expected):
    make.user(email="an@example.org")
    response = auth.login("an@example.org", next=next_url)
    assert response.headers["Location"] == expected


def test_session_cookie_flags(client, auth, make):
    make.user(email="an@example.org")
    response = auth.login("an@example.org", remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("fieldapp_session="))
    remember_cookie = next(c for c in cookies if c.startswith("remember_token="))
    for cookie in (session_cookie, remember_cookie):
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
    assert (
        "Expires=" in session_cookie
    )  # a permanent session that ends after FIELDAPP_SESSION_HOURS


@pytest.mark.parametrize(
    "app_config", [{"SESSION_COOKIE_SECURE": True, "REMEMBER_COOKIE_SECURE": True}]
)
def test_cookies_are_secure_outside_development(auth, make):
    make.user(email="an@example.org")
    cookies = auth.login("an@example.org", remember="y").headers.getlist("Set-Cookie")
    assert all("Secure" in c for c in cookies)


def test_deactivation_ends_existing_sessions(client, auth, make, db):
    admin = make.user(role=Role.ADMIN)
    user = make.user(admin.organisation, email="an@example.org")
    auth.login("an@example.org")
    assert client.get("/").status_code == 200
    user = db.session.get(User, user.id)
    user.active = False
    db.session.commit()
    assert client.get("/").status_code == 302
