"""Sessions end on the server: a cookie copied before signing out, a device ended from the list, a
password change, or an administrator's "end all sessions" leave no way back in with old cookies."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import select, update

from fieldapp.audit.models import AuditEvent
from fieldapp.auth.models import UserSession
from fieldapp.auth.roles import Role
from fieldapp.auth.sessions import device_label
from fieldapp.common.cookie_session import RENEW_EVERY
from fieldapp.common.time import now_utc
from tests.factories import DEFAULT_PASSWORD

EMAIL = "an@example.org"
NEW_PASSWORD = "another sentence nobody guesses"
PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
LAPTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"


def signed_in(app: Flask, email: str = EMAIL, agent: str = PHONE, **extra: str) -> FlaskClient:
    """A device of its own (a cookie jar of its own), signed in."""
    device = app.test_client()
    device.environ_base["HTTP_USER_AGENT"] = agent
    response = device.post("/login", data={"email": email, "password": DEFAULT_PASSWORD, **extra})
    assert response.status_code == 302
    return device


def copy_of(app: Flask, device: FlaskClient, *names: str) -> FlaskClient:
    """Another browser holding copies of ``device``'s cookies (stolen, or kept from a backup)."""
    thief = app.test_client()
    for name in names:
        cookie = device.get_cookie(name)
        assert cookie is not None, name
        thief.set_cookie(name, cookie.value)
    return thief


def works(device: FlaskClient) -> bool:
    response = device.get("/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def open_sessions(db) -> list[UserSession]:
    db.session.rollback()
    return list(db.session.scalars(select(UserSession).where(UserSession.ended_at.is_(None))))


def test_a_session_cookie_copied_before_signing_out_no_longer_works(app, make, db):
    make.user(email=EMAIL)
    phone = signed_in(app)
    copy = copy_of(app, phone, "fieldapp_session")
    assert works(copy)

    phone.post("/logout")

    response = copy.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert copy.get("/api/offline-pages").status_code == 401
    assert open_sessions(db) == []


def test_a_remember_me_cookie_copied_before_signing_out_no_longer_works(app, make, db):
    make.user(email=EMAIL)
    phone = signed_in(app, remember="y")
    copy = copy_of(app, phone, "remember_token")
    assert works(copy)  # the remember-me cookie alone signs a browser in...

    phone.post("/logout")

    assert not works(app.test_client())
    assert not works(copy_of(app, copy, "remember_token"))  # ...until the session ends
    assert copy_of(app, copy, "remember_token").get("/api/offline-pages").status_code == 401


def test_the_cookies_carry_only_a_random_id_and_the_database_only_its_hash(app, make, db):
    user = make.user(email=EMAIL)
    phone = signed_in(app, remember="y")
    key = phone.get_cookie("remember_token").value.split("|")[0]
    assert str(user.id) not in key.split(":")
    assert len(key) >= 40
    (record,) = open_sessions(db)
    assert record.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert record.user_id == user.id
    assert record.device == "Chrome · Android"


def test_ending_a_device_from_the_list_stops_that_device_and_not_this_one(app, make, db):
    make.user(email=EMAIL)
    phone = signed_in(app, agent=PHONE)
    laptop = signed_in(app, agent=LAPTOP)
    page = laptop.get("/settings").get_data(as_text=True)
    assert "Chrome · Android" in page
    assert "Firefox · Windows" in page
    assert "This device" in page
    phone_session = next(s for s in open_sessions(db) if s.device == "Chrome · Android")

    response = laptop.post(f"/settings/devices/{phone_session.id}/end")

    assert response.status_code == 302
    assert not works(phone)
    assert works(laptop)
    assert [s.device for s in open_sessions(db)] == ["Firefox · Windows"]
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "auth.session_ended")
    ).one()
    assert event.detail == {"device": "Chrome · Android"}
    assert "Chrome · Android" not in laptop.get("/settings").get_data(as_text=True)
    # Ended already, or never one's own: a clear 404.
    assert laptop.post(f"/settings/devices/{phone_session.id}/end").status_code == 404


def test_nobody_ends_another_persons_device(app, make, db):
    an = make.user(email=EMAIL)
    make.user(an.organisation, email="bram@example.org")
    phone = signed_in(app)
    bram = signed_in(app, "bram@example.org", agent=LAPTOP)
    ans = next(s for s in open_sessions(db) if s.user_id == an.id)
    assert bram.post(f"/settings/devices/{ans.id}/end").status_code == 404
    assert bram.post("/settings/devices/99999999999/end").status_code == 404
    assert works(phone)


def test_sign_out_everywhere_else_keeps_this_device(app, make, db):
    make.user(email=EMAIL)
    phone = signed_in(app, agent=PHONE)
    tablet = signed_in(app, agent=PHONE, remember="y")
    stolen = copy_of(app, tablet, "remember_token")
    laptop = signed_in(app, agent=LAPTOP)

    assert laptop.post("/settings/devices/end-others").status_code == 302

    assert (works(phone), works(tablet), works(stolen), works(laptop)) == (
        False,
        False,
        False,
        True,
    )
    assert len(open_sessions(db)) == 1


def test_a_password_change_ends_every_other_session_and_keeps_this_device(app, make, db):
    """As before sessions were kept on the server: every copied cookie stops working, even one
    of the device where the password was changed, and that device stays signed in."""
    make.user(email=EMAIL)
    phone = signed_in(app, remember="y")
    stolen = copy_of(app, phone, "fieldapp_session", "remember_token")
    laptop = signed_in(app, agent=LAPTOP, remember="y")
    laptop_copy = copy_of(app, laptop, "fieldapp_session", "remember_token")

    response = laptop.post(
        "/settings/password",
        data={
            "password-current": DEFAULT_PASSWORD,
            "password-password": NEW_PASSWORD,
            "password-confirmation": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert works(laptop)
    assert works(copy_of(app, laptop, "remember_token"))  # its remember-me cookie is renewed
    assert not works(laptop_copy)
    assert not works(phone)
    assert not works(stolen)
    assert len(open_sessions(db)) == 1


def test_signing_in_again_after_a_session_ended_works(app, make, db):
    make.user(email=EMAIL)
    phone = signed_in(app)
    phone.post("/logout")
    assert not works(phone)
    phone.post("/login", data={"email": EMAIL, "password": DEFAULT_PASSWORD})
    assert works(phone)


def test_last_seen_is_written_at_most_every_few_minutes(app, make, db, clock):
    make.user(email=EMAIL)
    phone = signed_in(app)
    (record,) = open_sessions(db)
    signed_in_at = record.last_seen_at

    clock.shift(timedelta(minutes=4))
    assert works(phone)
    assert open_sessions(db)[0].last_seen_at == signed_in_at

    clock.shift(timedelta(minutes=2))
    assert works(phone)
    assert open_sessions(db)[0].last_seen_at == signed_in_at + timedelta(minutes=6)


def test_an_administrator_ends_all_sessions_of_a_person(app, make, db):
    admin = make.user(role=Role.ADMIN, email="admin@example.org")
    an = make.user(admin.organisation, email=EMAIL, name="An Peeters")
    phone = signed_in(app, remember="y")
    stolen = copy_of(app, phone, "remember_token")
    laptop = signed_in(app, agent=LAPTOP)
    office = signed_in(app, "admin@example.org", agent=LAPTOP)
    page = office.get(f"/admin/users/{an.id}").get_data(as_text=True)
    assert "End all sessions" in page

    response = office.post(f"/admin/users/{an.id}/sessions/end", follow_redirects=True)

    assert response.status_code == 200
    assert "2 sessions of An" in response.get_data(as_text=True)
    assert (works(phone), works(stolen), works(laptop), works(office)) == (
        False,
        False,
        False,
        True,
    )
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.sessions_ended")
    ).one()
    assert (event.actor_id, event.target_id, event.detail) == (admin.id, an.id, {"sessions": 2})


def test_only_an_administrator_of_the_persons_organisation_ends_their_sessions(app, make, db):
    admin = make.user(role=Role.ADMIN, email="admin@example.org")
    an = make.user(admin.organisation, email=EMAIL)
    make.user(role=Role.ADMIN, email="admin@elsewhere.example")
    phone = signed_in(app)
    intruder = signed_in(app, "admin@elsewhere.example", agent=LAPTOP)

    assert intruder.get(f"/admin/users/{an.id}").status_code == 404
    assert intruder.post(f"/admin/users/{an.id}/sessions/end").status_code == 404
    assert works(phone)
    assert not db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "user.sessions_ended")
    ).all()

    office = signed_in(app, "admin@example.org", agent=LAPTOP)
    assert office.post(f"/admin/users/{an.id}/sessions/end").status_code == 302
    assert not works(phone)


@pytest.mark.parametrize(
    ("agent", "label"),
    [
        (PHONE, "Chrome · Android"),
        (LAPTOP, "Firefox · Windows"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            "Safari · iOS",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge · Windows",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
            "Samsung Internet · Android",
        ),
        ("curl/8.5.0", ""),
        (None, ""),
    ],
)
def test_the_device_label_names_browser_and_system_only(agent, label):
    assert device_label(agent) == label


def session_cookie_sent(response) -> str | None:
    return next(
        (c for c in response.headers.getlist("Set-Cookie") if c.startswith("fieldapp_session=")),
        None,
    )


def test_a_session_in_use_lasts_and_its_cookie_is_sent_again_only_every_few_minutes(
    app, make, clock
):
    """The cookie is renewed, not on every page (bytes and CPU for an expiry that moves by
    seconds), but once the last renewal is a few minutes old; a session used within its
    lifetime goes on, one unused for that long ends."""
    make.user(email=EMAIL)
    device = signed_in(app)
    assert session_cookie_sent(device.get("/")) is None
    clock.shift(RENEW_EVERY)
    renewed = session_cookie_sent(device.get("/"))
    assert renewed is not None
    assert "Expires=" in renewed
    assert session_cookie_sent(device.get("/clients/")) is None
    clock.shift(RENEW_EVERY)
    with app.test_request_context():
        stylesheet = url_for("static", filename="css/app.css")
    kept_by_anyone = device.get(stylesheet)
    assert kept_by_anyone.cache_control.public
    assert session_cookie_sent(kept_by_anyone) is None  # a shared cache would hand it on
    kept_by_anyone.close()
    assert session_cookie_sent(device.get("/")) is not None
    lifetime = app.permanent_session_lifetime
    for _ in range(3):  # used a little before its lifetime runs out, each time
        clock.shift(lifetime - timedelta(minutes=1))
        assert device.get("/").status_code == 200
    clock.shift(lifetime + timedelta(minutes=1))
    assert device.get("/").status_code == 302


def test_signing_out_also_forgets_keep_me_signed_in(app, make):
    make.user(email=EMAIL)
    device = signed_in(app, remember="y")
    assert device.get_cookie("remember_token") is not None
    response = device.post("/logout")
    forgotten = next(c for c in response.headers.getlist("Set-Cookie") if "remember_token=" in c)
    assert forgotten.startswith("remember_token=;")
    assert device.get_cookie("remember_token") is None
    assert device.get("/").status_code == 302


def test_a_sign_in_lasts_no_longer_than_keep_me_signed_in_however_often_it_is_used(
    app, make, db, clock
):
    """Used every few hours, a session's cookie is renewed again and again: the sign-in still
    ends when "keep me signed in" would have (FIELDAPP_REMEMBER_DAYS), and the person signs in
    again."""
    make.user(email=EMAIL)
    phone = signed_in(app, remember="y")
    longest = app.config["REMEMBER_COOKIE_DURATION"]
    used_for = timedelta(0)
    while used_for + timedelta(hours=9) < longest:
        clock.shift(timedelta(hours=9))
        used_for += timedelta(hours=9)
        assert works(phone)
    clock.shift(longest - used_for)
    assert not works(phone)
    assert open_sessions(db) == []
    assert signed_in(app).get("/").status_code == 200


def test_the_nightly_sweep_forgets_ended_and_outlived_sign_ins(app, make, db, clock):
    from fieldapp import jobs

    make.user(email=EMAIL)
    make.user(email="other@example.org")
    outlived = signed_in(app, email="other@example.org")
    clock.shift(app.config["REMEMBER_COOKIE_DURATION"])
    signed_out = signed_in(app, agent=LAPTOP)
    signed_out.post("/logout")
    phone = signed_in(app)

    jobs.in_app(app, jobs.sweep_retention)()

    db.session.rollback()
    (kept,) = db.session.scalars(select(UserSession)).all()
    assert kept.device == device_label(PHONE)
    assert kept.ended_at is None
    assert works(phone)
    assert not works(outlived)


def devices_listed(device: FlaskClient) -> str:
    """The settings page's list of signed-in devices, as ``device`` sees it."""
    page = device.get("/settings").get_data(as_text=True)
    return re.search(r"data-signed-in-devices>(.*?)</ul>", page, re.DOTALL).group(1)


def test_a_sign_in_not_kept_ends_on_the_server_once_unused_as_long_as_its_cookie_lasts(
    app, make, db
):
    """Without "keep me signed in", a sign-in lasts as long as its session cookie: unused for that
    long, it is over on the server too, however fresh the cookie that comes with it (the server
    does not count on a browser dropping an old cookie, nor on a copy of it being old). The
    sign-in kept on the laptop, unused as long, goes on."""
    make.user(email=EMAIL)
    phone = signed_in(app)
    laptop = signed_in(app, agent=LAPTOP, remember="y")
    db.session.execute(
        update(UserSession).values(last_seen_at=now_utc() - app.permanent_session_lifetime)
    )
    db.session.commit()

    response = phone.get("/clients/")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert "Please sign in to see this page." in phone.get("/login").get_data(as_text=True)
    (kept,) = open_sessions(db)
    assert kept.device == device_label(LAPTOP)
    assert works(laptop)


def test_a_sign_in_not_kept_and_used_regularly_lasts_as_long_as_a_kept_one(app, make, db, clock):
    """Used every few hours, a sign-in without "keep me signed in" lasts until the longest any
    sign-in lasts (FIELDAPP_REMEMBER_DAYS); the one left unused beside it leaves the list of
    devices once unused as long as a session lasts. The list says which device stays signed in."""
    make.user(email=EMAIL)
    phone = signed_in(app)
    signed_in(app, agent=LAPTOP)
    signed_in(app, agent=LAPTOP, remember="y")
    listed = devices_listed(phone)
    assert listed.count("signs out after 10 hours unused") == 2
    assert listed.count("stays signed in") == 1

    longest = app.config["REMEMBER_COOKIE_DURATION"]
    used_for = timedelta(0)
    while used_for + timedelta(hours=9) < longest:
        clock.shift(timedelta(hours=9))
        used_for += timedelta(hours=9)
        assert works(phone)
    listed = devices_listed(phone)
    assert "signs out after 10 hours unused" in listed
    assert listed.count("<li") == 2  # the phone and the kept laptop, not the laptop left unused
    clock.shift(longest - used_for)
    assert not works(phone)


@pytest.mark.parametrize("remember", [{}, {"remember": "y"}], ids=["not kept", "kept"])
def test_a_password_change_keeps_whether_the_device_stays_signed_in(app, make, db, remember):
    make.user(email=EMAIL)
    phone = signed_in(app, **remember)

    phone.post(
        "/settings/password",
        data={
            "password-current": DEFAULT_PASSWORD,
            "password-password": NEW_PASSWORD,
            "password-confirmation": NEW_PASSWORD,
        },
    )

    (renewed,) = open_sessions(db)
    assert renewed.remembered is bool(remember)
