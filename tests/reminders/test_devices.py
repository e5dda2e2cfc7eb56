"""Devices that get notifications: allowing, listing, removing, the test notification, and what
each answer of the push service does (against a local push service that checks VAPID and
decrypts)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from fieldapp.auth.roles import Role
from fieldapp.reminders import devices as device_service
from fieldapp.reminders import push, vapid
from fieldapp.reminders.models import PushSubscription
from tests.factories import DEFAULT_PASSWORD


def signed_in(app: Flask, email: str) -> FlaskClient:
    """Another browser (a cookie jar of its own), signed in as ``email``."""
    browser = app.test_client()
    response = browser.post("/login", data={"email": email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return browser


def devices(db) -> list[PushSubscription]:
    db.session.expire_all()
    return db.session.scalars(select(PushSubscription)).all()


def test_allow_a_device_and_get_a_test_notification(app, client, db, signed_in_counsellor, service):
    page = client.get("/settings/notifications").get_data(as_text=True)
    assert f'data-push-subscribe="{vapid.application_server_key(app)}"' in page

    subscription = service.subscription()
    assert client.post("/api/push/subscriptions", json=subscription).status_code == 201
    assert client.post("/api/push/subscriptions", json=subscription).status_code == 201
    assert len(devices(db)) == 1  # the same browser twice is one device

    response = client.post("/settings/notifications/test")
    assert response.status_code == 302
    assert service.problems == []
    (delivery,) = service.received()
    assert delivery.vapid_key == vapid.application_server_key(app)
    assert delivery.payload["url"] == "/settings/notifications"
    assert delivery.payload["title"] == "fieldapp"
    assert delivery.payload["tag"].startswith(f"test-{signed_in_counsellor.id}-")
    assert len(delivery.headers["topic"]) <= 32
    assert delivery.headers["urgency"] == "normal"
    assert int(delivery.headers["ttl"]) > 0
    assert devices(db)[0].last_sent_at is not None


@pytest.mark.parametrize("status", [404, 410])
def test_a_device_the_push_service_forgot_is_removed(
    client, db, signed_in_counsellor, service, status
):
    client.post("/api/push/subscriptions", json=service.subscription())
    service.answer_next(status)
    client.post("/settings/notifications/test")
    assert devices(db) == []


@pytest.mark.parametrize(
    ("status", "headers", "outcome", "retry_after"),
    [
        (429, {"Retry-After": "120"}, push.Outcome.RETRY, 120),
        (500, {}, push.Outcome.RETRY, None),
        (413, {}, push.Outcome.FAILED, None),
    ],
)
def test_busy_failing_and_refusing_push_services(
    app, db, make, signed_in_counsellor, service, status, headers, outcome, retry_after
):
    make.signed_in(signed_in_counsellor)
    with app.test_request_context():
        device = device_service.subscribe(signed_in_counsellor, service.subscription(), "Telefoon")
        db.session.commit()
        service.answer_next(status, **headers)
        message = push.Message("fieldapp", "Evaluatie morgen", "/", key="r-1")
        result = device_service.deliver(device, message)
        db.session.commit()
    assert (result.outcome, result.status, result.retry_after) == (outcome, status, retry_after)
    (kept,) = devices(db)
    assert str(status) in kept.last_error or kept.last_error.startswith("HTTP")


@pytest.mark.parametrize(
    "payload",
    [
        None,
        {"endpoint": "javascript:alert(1)", "keys": {"p256dh": "x", "auth": "y"}},
        {"endpoint": "https://push.example/abc", "keys": {"p256dh": "bm9wZQ", "auth": "bm9wZQ"}},
        {"endpoint": "https://push.example/" + "a" * 1000, "keys": {}},
    ],
)
def test_bad_subscriptions_get_a_reason(client, db, signed_in_counsellor, payload):
    response = client.post("/api/push/subscriptions", json=payload)
    assert response.status_code == 422
    assert response.json["message"]
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ("p256dh", "keys could not be read"),
        ({"p256dh": 65, "auth": "bm9wZQ"}, "keys could not be read"),
    ],
)
def test_a_bad_key_is_named_in_the_refusal_and_nothing_is_saved(
    client, db, signed_in_counsellor, keys, message
):
    payload = {"endpoint": "https://push.example/abc", "keys": keys}
    response = client.post("/api/push/subscriptions", json=payload)
    assert response.status_code == 422
    assert (response.json["field"], message in response.json["message"]) == ("keys", True)
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0


def test_only_ones_own_devices_can_be_removed(app, client, db, make, signed_in_counsellor, service):
    client.post("/api/push/subscriptions", json=service.subscription())
    (device,) = devices(db)
    colleague = make.user(signed_in_counsellor.organisation, email="colleague@example.org")
    intruder = signed_in(app, colleague.email)
    assert intruder.post(f"/settings/notifications/devices/{device.id}/remove").status_code == 404
    assert client.post(f"/settings/notifications/devices/{device.id}/remove").status_code == 302
    assert devices(db) == []
    # The one removed from the list, which need not be the device in hand.
    assert "That device no longer gets notifications." in client.get(
        "/settings/notifications"
    ).get_data(as_text=True)


@pytest.mark.own_app  # its instance folder must start without a key pair
def test_the_key_pair_is_made_once(app, runner):
    first = runner.invoke(args=["vapid-keys"])
    assert "Made" in first.output
    key = vapid.application_server_key(app)
    again = runner.invoke(args=["vapid-keys"])
    assert "Kept" in again.output
    assert vapid.application_server_key(app) == key


def test_retry_after_as_an_http_date_is_understood():
    from datetime import UTC, datetime, timedelta
    from email.utils import format_datetime

    import requests

    response = requests.Response()
    later = datetime.now(UTC) + timedelta(minutes=10)
    response.headers["Retry-After"] = format_datetime(later, usegmt=True)
    assert 590 <= push._retry_after(response) <= 600
    response.headers["Retry-After"] = "120"
    assert push._retry_after(response) == 120
    response.headers["Retry-After"] = "soon"
    assert push._retry_after(response) is None


def test_a_person_keeps_a_few_devices_the_latest(client, db, signed_in_counsellor, service):
    """Each subscription is a push the server sends, in the request of the test notification and
    at every reminder: an account posting thousands (to any public https address) would keep a
    worker busy for hours and make the server post wherever it says. The oldest go."""
    sent = [service.subscription() for _ in range(device_service.MOST_DEVICES + 5)]
    for subscription in sent:
        assert client.post("/api/push/subscriptions", json=subscription).status_code == 201

    kept = {device.endpoint for device in devices(db)}
    assert kept == {s["endpoint"] for s in sent[-device_service.MOST_DEVICES :]}
    client.post("/settings/notifications/test")
    assert len(service.received()) == device_service.MOST_DEVICES


def test_signing_out_on_a_device_stops_its_notifications_only(
    app, client, db, make, signed_in_counsellor, service
):
    """The page hands over this browser's address before it signs out: a shared phone must not
    get the person's reminders afterwards. Their other devices keep theirs, and an address that
    belongs to someone else is not touched."""
    phone, laptop = service.subscription(), service.subscription()
    client.post("/api/push/subscriptions", json=phone)
    on_laptop = signed_in(app, signed_in_counsellor.email)
    on_laptop.post("/api/push/subscriptions", json=laptop)
    colleague = make.user(signed_in_counsellor.organisation, email="colleague@example.org")
    forgotten = signed_in(app, colleague.email).post(
        "/api/push/subscriptions/forget", json={"endpoint": phone["endpoint"]}
    )
    assert forgotten.status_code == 204
    assert len(devices(db)) == 2  # not the colleague's to stop

    forget = {"endpoint": phone["endpoint"]}
    assert client.post("/api/push/subscriptions/forget", json=forget).status_code == 204
    assert [device.endpoint for device in devices(db)] == [laptop["endpoint"]]
    on_laptop.post("/settings/notifications/test")
    assert [delivery.path for delivery in service.received()] == [
        laptop["endpoint"].removeprefix(service.origin)
    ]


@pytest.mark.parametrize("payload", [None, [], {}, {"endpoint": 7}, {"endpoint": "x" * 1001}])
def test_a_bad_address_to_forget_gets_a_reason(client, db, signed_in_counsellor, payload):
    response = client.post("/api/push/subscriptions/forget", json=payload)
    assert response.status_code == 422
    assert "notification address could not be read" in response.json["message"]


@pytest.mark.own_app  # its instance folder starts without a key pair
def test_without_push_keys_a_counsellor_is_told_to_ask_an_administrator(client, auth, make):
    """The command that makes the keys is for whoever runs the server: a counsellor reads whom
    to ask, an administrator what to run."""
    organisation = make.organisation()
    counsellor = make.user(organisation, email="an@example.org")
    admin = make.user(organisation, role=Role.ADMIN, email="admin@example.org")
    auth.login(counsellor.email)
    page = client.get("/settings/notifications").get_data(as_text=True)
    assert "not set up on this server yet: ask your administrator." in page
    assert "flask --app" not in page
    auth.logout()
    auth.login(admin.email)
    assert "flask --app fieldapp vapid-keys" in client.get("/settings/notifications").get_data(
        as_text=True
    )
