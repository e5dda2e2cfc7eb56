"""A device gets notifications only while the sign-in it allowed them in lasts: when that session
ends, from the device or from elsewhere, the phone no longer gets reminders naming clients."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from fieldapp.auth import sessions
from fieldapp.auth.models import User, UserSession
from fieldapp.auth.roles import Role
from fieldapp.common.time import now_utc
from fieldapp.reminders import vapid
from fieldapp.reminders.models import PushSubscription
from tests.factories import DEFAULT_PASSWORD
from tests.reminders.conftest import due_reminder

NEW_PASSWORD = "een nieuwe zin om te onthouden"


def signed_in(app: Flask, email: str, **extra: str) -> FlaskClient:
    """A device of its own (a cookie jar of its own), signed in (``remember="y"``: kept)."""
    device = app.test_client()
    response = device.post("/login", data={"email": email, "password": DEFAULT_PASSWORD, **extra})
    assert response.status_code == 302
    return device


def allowed(device: FlaskClient, service) -> str:
    """Notifications allowed on ``device``; returns the path the push service gets them at."""
    subscription = service.subscription()
    assert device.post("/api/push/subscriptions", json=subscription).status_code == 201
    return subscription["endpoint"].removeprefix(service.origin)


def endpoints(db) -> set[str]:
    db.session.expire_all()
    return set(db.session.scalars(select(PushSubscription.endpoint)))


class Scene:
    """An's phone and laptop, both allowed notifications, and an administrator's desk."""

    def __init__(self, app: Flask, make, service) -> None:
        vapid.create(app)
        self.app = app
        self.person = make.user(email="an@example.org")
        self.admin = make.user(self.person.organisation, role=Role.ADMIN, email="admin@example.org")
        self.phone = signed_in(app, self.person.email)
        self.phone_path = allowed(self.phone, service)
        self.laptop = signed_in(app, self.person.email)
        self.laptop_path = allowed(self.laptop, service)

    def desk(self) -> FlaskClient:
        return signed_in(self.app, self.admin.email)


def sign_out_without_the_page_script(scene: Scene, **_: object) -> None:
    scene.phone.post("/logout")


def end_the_phone_from_the_list(scene: Scene, db, **_: object) -> None:
    phone_session = min(sessions.open_sessions(db.session.get(User, scene.person.id)), key=id_of)
    scene.laptop.post(f"/settings/devices/{phone_session.id}/end")


def id_of(record: UserSession) -> int:
    return record.id


def sign_out_everywhere_else(scene: Scene, **_: object) -> None:
    scene.laptop.post("/settings/devices/end-others")


def change_the_password_on_the_laptop(scene: Scene, **_: object) -> None:
    scene.laptop.post(
        "/settings/password",
        data={
            "password-current": DEFAULT_PASSWORD,
            "password-password": NEW_PASSWORD,
            "password-confirmation": NEW_PASSWORD,
        },
    )


def reset_the_password(scene: Scene, sent_mail, send_resets, **_: object) -> None:
    browser = scene.app.test_client()
    browser.post("/password/forgot", data={"email": scene.person.email})
    send_resets()
    link = re.search(r"http://localhost(/\S+)", sent_mail()[-1].body).group(1)
    browser.get(link)
    browser.post("/password/reset", data={"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})


def an_administrator_ends_all_sessions(scene: Scene, **_: object) -> None:
    scene.desk().post(f"/admin/users/{scene.person.id}/sessions/end")


def deactivated_and_reactivated(scene: Scene, **_: object) -> None:
    desk = scene.desk()
    desk.post(f"/admin/users/{scene.person.id}/active")
    desk.post(f"/admin/users/{scene.person.id}/active")


# How each way of ending sessions ends, and which device keeps its notifications.
ENDINGS: list[tuple[Callable[..., None], bool]] = [
    (sign_out_without_the_page_script, True),
    (end_the_phone_from_the_list, True),
    (sign_out_everywhere_else, True),
    (change_the_password_on_the_laptop, True),  # it signs in afresh and keeps them
    (reset_the_password, False),
    (an_administrator_ends_all_sessions, False),
    (deactivated_and_reactivated, False),
]


@pytest.mark.parametrize(("end", "laptop_keeps"), ENDINGS, ids=[e.__name__ for e, _ in ENDINGS])
def test_a_device_whose_session_ended_gets_no_more_reminders(
    app, db, make, service, dispatcher, sent_mail, send_resets, end, laptop_keeps
):
    scene = Scene(app, make, service)

    end(scene, db=db, sent_mail=sent_mail, send_resets=send_resets)

    kept = {service.origin + scene.laptop_path} if laptop_keeps else set()
    assert endpoints(db) == kept
    due_reminder(db, db.session.get(User, scene.person.id))
    dispatcher()
    received = [delivery.path for delivery in service.received()]
    assert received == ([scene.laptop_path] if laptop_keeps else [])


def test_the_dispatcher_pushes_only_to_devices_of_live_sessions(app, db, make, service, dispatcher):
    """Even when a session ends without its subscriptions going (a row ended by hand, a sign-in
    nobody used past its longest), nothing is pushed to its device."""
    scene = Scene(app, make, service)
    phone_session, laptop_session = sorted(
        sessions.open_sessions(db.session.get(User, scene.person.id)), key=id_of
    )
    db.session.execute(
        update(UserSession).where(UserSession.id == phone_session.id).values(ended_at=now_utc())
    )
    db.session.commit()
    due_reminder(db, db.session.get(User, scene.person.id))
    assert dispatcher().sent == 1
    assert [delivery.path for delivery in service.received()] == [scene.laptop_path]

    outlived = now_utc() - app.config["REMEMBER_COOKIE_DURATION"] - timedelta(minutes=1)
    db.session.execute(
        update(UserSession).where(UserSession.id == laptop_session.id).values(created_at=outlived)
    )
    db.session.commit()
    due_reminder(db, db.session.get(User, scene.person.id))
    assert dispatcher().sent == 1  # shown in the app only
    assert [delivery.path for delivery in service.received()] == [scene.laptop_path]


def test_forgetting_outlived_sign_ins_forgets_their_devices(app, db, make, service, clock):
    scene = Scene(app, make, service)
    clock.shift(app.config["REMEMBER_COOKIE_DURATION"] + timedelta(minutes=1))
    with app.app_context():
        sessions.forget_ended(now_utc())
        db.session.commit()
    assert endpoints(db) == set()
    assert scene.phone.get("/").status_code == 302


def test_a_sign_in_not_kept_gets_no_more_reminders_once_unused_as_long_as_its_cookie(
    app, db, make, service, dispatcher, clock
):
    """An's phone was signed in without "keep me signed in", her laptop with it. Neither is used
    for longer than a session lasts: the phone's sign-in is over (its cookie too), so it gets
    nothing, even before anything ends its row; the laptop's goes on. The nightly sweep then ends
    the phone's sign-in as any other ending does: its devices go, the list no longer shows it."""
    from fieldapp import jobs

    vapid.create(app)
    person = make.user(email="an@example.org")
    phone = signed_in(app, person.email)
    phone_path = allowed(phone, service)
    laptop = signed_in(app, person.email, remember="y")
    laptop_path = allowed(laptop, service)

    clock.shift(app.permanent_session_lifetime + timedelta(minutes=1))
    due_reminder(db, db.session.get(User, person.id))
    dispatcher()

    assert [delivery.path for delivery in service.received()] == [laptop_path]
    assert endpoints(db) == {service.origin + phone_path, service.origin + laptop_path}
    jobs.in_app(app, jobs.sweep_retention)()
    assert endpoints(db) == {service.origin + laptop_path}
    assert laptop.get("/").status_code == 200  # signed in again by "keep me signed in"
    assert phone.get("/").status_code == 302
    page = laptop.get("/settings").get_data(as_text=True)
    listed = re.search(r"data-signed-in-devices>(.*?)</ul>", page, re.DOTALL).group(1)
    assert listed.count("<li") == listed.count("<li data-this-device") == 1
