"""When a person's sessions end from elsewhere (a password changed after a theft, a lost phone,
an administrator's "end all sessions", a deactivation), nothing else keeps acting or reading as
them: not the address of their calendar feed."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from fieldapp.auth.models import User
from fieldapp.auth.roles import Role
from tests.factories import DEFAULT_PASSWORD

NEW_PASSWORD = "een nieuwe zin om te onthouden"
PHONE = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0.0.0 Mobile Safari/537.36"


def signed_in(app: Flask, email: str) -> FlaskClient:
    """A device of its own (a cookie jar of its own), signed in."""
    device = app.test_client()
    device.environ_base["HTTP_USER_AGENT"] = PHONE
    response = device.post("/login", data={"email": email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return device


def feed_path(device: FlaskClient) -> str:
    page = device.post("/visits/calendar", data={"action": "new"}).get_data(as_text=True)
    return re.search(r'value="http://localhost(/calendar/[^"]+\.ics)"', page).group(1)


def change_password(app: Flask, person: User, **_: object) -> None:
    signed_in(app, person.email).post(
        "/settings/password",
        data={
            "password-current": DEFAULT_PASSWORD,
            "password-password": NEW_PASSWORD,
            "password-confirmation": NEW_PASSWORD,
        },
    )


def reset_password(app: Flask, person: User, sent_mail, send_resets, **_: object) -> None:
    browser = app.test_client()
    browser.post("/password/forgot", data={"email": person.email})
    send_resets()
    link = re.search(r"http://localhost(/\S+)", sent_mail()[-1].body).group(1)
    browser.get(link)
    browser.post("/password/reset", data={"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})


def end_other_sessions(app: Flask, person: User, **_: object) -> None:
    signed_in(app, person.email).post("/settings/devices/end-others")


def end_all_sessions_as_admin(app: Flask, person: User, admin: User, **_: object) -> None:
    signed_in(app, admin.email).post(f"/admin/users/{person.id}/sessions/end")


def deactivate_and_reactivate(app: Flask, person: User, admin: User, **_: object) -> None:
    office = signed_in(app, admin.email)
    office.post(f"/admin/users/{person.id}/active")
    office.post(f"/admin/users/{person.id}/active")


ENDINGS: list[Callable[..., None]] = [
    change_password,
    reset_password,
    end_other_sessions,
    end_all_sessions_as_admin,
    deactivate_and_reactivate,
]


@pytest.mark.parametrize("end", ENDINGS, ids=lambda end: end.__name__)
def test_the_calendar_feed_stops_when_all_sessions_end(app, make, db, sent_mail, send_resets, end):
    """The address is a secret that reads the person's visits (times and worksites) with no
    session: it was left working after "my phone was stolen, change everything"."""
    person = make.user(email="an@example.org")
    admin = make.user(person.organisation, role=Role.ADMIN, email="admin@example.org")
    phone = signed_in(app, person.email)
    path = feed_path(phone)
    assert app.test_client().get(path).status_code == 200

    end(app, person, admin=admin, sent_mail=sent_mail, send_resets=send_resets)

    assert db.session.get(User, person.id).active
    assert app.test_client().get(path).status_code == 404  # as an address one stopped


def test_after_the_feed_stopped_the_settings_page_makes_a_new_address(app, make, db):
    person = make.user(email="an@example.org")
    laptop = signed_in(app, person.email)
    old = feed_path(laptop)
    laptop.post("/settings/devices/end-others")

    assert 'value="stop"' not in laptop.get("/visits/calendar").get_data(as_text=True)
    new = feed_path(laptop)
    assert app.test_client().get(old).status_code == 404
    assert app.test_client().get(new).status_code == 200


def test_signing_out_everywhere_else_says_the_calendar_address_stopped_too(app, make, db):
    """The address stopped silently: the person's calendar app went empty with no word why."""
    person = make.user(email="an@example.org")
    person.language = "nl"
    db.session.commit()
    laptop = signed_in(app, person.email)
    feed_path(laptop)

    told = laptop.post("/settings/devices/end-others", follow_redirects=True)

    page = told.get_data(as_text=True)
    assert "Je bent afgemeld op elk ander toestel. Ook je agenda-adres werkt niet meer" in page
    assert "Bezoeken, In mijn agenda" in page
    # Said once: a second time there is no address left to stop.
    again = laptop.post("/settings/devices/end-others", follow_redirects=True)
    assert "Je bent afgemeld op elk ander toestel." in again.get_data(as_text=True)
    assert "agenda-adres" not in again.get_data(as_text=True)


def test_without_a_calendar_address_signing_out_everywhere_else_does_not_mention_one(app, make, db):
    person = make.user(email="an@example.org")
    person.language = "fr"
    db.session.commit()
    laptop = signed_in(app, person.email)

    page = laptop.post("/settings/devices/end-others", follow_redirects=True)

    assert "Vous êtes déconnecté sur tous les autres appareils." in page.get_data(as_text=True)
    assert "adresse d'agenda" not in page.get_data(as_text=True)
