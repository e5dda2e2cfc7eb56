"""What the home page asks before it offers to turn notifications on again: whether this browser's
sign-in has them (a subscription ends with the sign-in it was made in), and the key to subscribe
with. The offer itself is tested in the browser (tests/e2e/test_push.py)."""

from __future__ import annotations

import pytest

from fieldapp.reminders import vapid
from tests.factories import DEFAULT_PASSWORD
from tests.reminders.test_devices_end_with_sessions import allowed, signed_in

THIS_DEVICE = "/api/push/subscriptions/this-device"


def test_a_new_sign_in_has_no_notifications_until_it_subscribes(app, make, service):
    vapid.create(app)
    person = make.user(email="an@example.org")
    phone = signed_in(app, person.email)

    before = phone.get(THIS_DEVICE)
    allowed(phone, service)
    after = phone.get(THIS_DEVICE)

    assert before.status_code == 200
    assert before.json == {"subscribed": False, "key": vapid.application_server_key(app)}
    assert after.json["subscribed"] is True


def test_notifications_of_another_sign_in_are_not_this_devices(app, make, service):
    """An's laptop has notifications; her phone, signed in apart, has none of its own."""
    vapid.create(app)
    person = make.user(email="an@example.org")
    laptop = signed_in(app, person.email)
    allowed(laptop, service)
    phone = signed_in(app, person.email)

    assert phone.get(THIS_DEVICE).json["subscribed"] is False
    assert laptop.get(THIS_DEVICE).json["subscribed"] is True


def test_signing_in_again_on_the_same_browser_starts_without_notifications(app, make, service):
    vapid.create(app)
    person = make.user(email="an@example.org")
    phone = signed_in(app, person.email)
    allowed(phone, service)

    phone.post("/logout")
    signing_in = phone.post("/login", data={"email": person.email, "password": DEFAULT_PASSWORD})

    assert signing_in.status_code == 302
    assert phone.get(THIS_DEVICE).json["subscribed"] is False


@pytest.mark.own_app  # its instance folder starts without a key pair
def test_without_push_keys_there_is_nothing_to_offer(app, make):
    person = make.user(email="an@example.org")
    phone = signed_in(app, person.email)

    assert phone.get(THIS_DEVICE).json == {"subscribed": False, "key": None}


def test_only_a_signed_in_person_is_told(client):
    response = client.get(THIS_DEVICE)

    assert response.status_code in (302, 401)
