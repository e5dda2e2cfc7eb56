"""Pushes go only to public push services: no request forgery into the server's own network
through a made-up subscription, no redirect followed, and nothing a push service answers shown."""

from __future__ import annotations

import hashlib
import socket

import pytest
from sqlalchemy import func, select

from fieldapp.auth.models import UserSession
from fieldapp.reminders import devices as device_service
from fieldapp.reminders import endpoints, push
from fieldapp.reminders.models import PushSubscription

KEYS = {"p256dh": "B" + "A" * 86, "auth": "A" * 22}
PUBLIC = "93.184.216.34"


def resolving_to(monkeypatch, address: str) -> None:
    """Name resolution, as a DNS server that answers ``address`` for every name would do."""

    def answer(host, port, *args, **kwargs):
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port))]

    monkeypatch.setattr(endpoints.socket, "getaddrinfo", answer)


def stored(db, signed_in_counsellor, endpoint: str, keys: dict[str, str]) -> PushSubscription:
    """A device row as it could have been stored before these checks (or by a DNS trick)."""
    device = PushSubscription(
        organisation_id=signed_in_counsellor.organisation_id,
        user_id=signed_in_counsellor.id,
        session_id=db.session.scalar(
            select(UserSession.id).where(UserSession.user_id == signed_in_counsellor.id)
        ),
        endpoint=endpoint,
        endpoint_hash=hashlib.sha256(endpoint.encode()).hexdigest(),
        **keys,
    )
    db.session.add(device)
    db.session.commit()
    return device


@pytest.mark.parametrize("app_config", [{"FIELDAPP_PUSH_PRIVATE_ENDPOINTS": False}])
@pytest.mark.parametrize(
    "endpoint",
    [
        "http://push.example/abc",
        "https://127.0.0.1/push",
        "https://127.0.0.1:8443/push",
        "https://10.1.2.3/push",
        "https://192.168.0.10/push",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/push",
        "https://[fd00::1]/push",
        "https://0.0.0.0/push",
        "https://localhost/push",
        "https://push.example:99999/push",
    ],
)
def test_a_device_whose_endpoint_is_not_a_public_https_address_is_refused(
    client, db, signed_in_counsellor, endpoint
):
    response = client.post("/api/push/subscriptions", json={"endpoint": endpoint, "keys": KEYS})
    assert response.status_code == 422
    assert "not a push service on the internet" in response.get_json()["message"]
    assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0


@pytest.mark.parametrize("app_config", [{"FIELDAPP_PUSH_PRIVATE_ENDPOINTS": False}])
def test_a_name_that_resolves_to_a_private_address_is_refused(
    client, db, signed_in_counsellor, monkeypatch
):
    resolving_to(monkeypatch, "10.0.0.5")
    endpoint = {"endpoint": "https://push.example/abc", "keys": KEYS}
    assert client.post("/api/push/subscriptions", json=endpoint).status_code == 422
    resolving_to(monkeypatch, PUBLIC)
    assert client.post("/api/push/subscriptions", json=endpoint).status_code == 201


@pytest.mark.parametrize("app_config", [{"FIELDAPP_PUSH_PRIVATE_ENDPOINTS": False}])
def test_sending_checks_the_address_again_and_connects_to_what_it_checked(
    app, db, signed_in_counsellor, service, monkeypatch
):
    """A name that resolved to a public address when the device subscribed, and to the server's
    own network when the push goes out (DNS rebinding), gets nothing; nor does a stored http or
    loopback endpoint."""
    port = service.origin.rsplit(":", 1)[1]
    rows = [
        stored(db, signed_in_counsellor, endpoint, service.subscription()["keys"])
        for endpoint in (
            f"https://push.example:{port}/push/rebound",
            f"https://127.0.0.1:{port}/push/x",
            f"{service.origin}/push/y",
        )
    ]
    resolving_to(monkeypatch, "127.0.0.1")
    with app.test_request_context():
        results = device_service.send_test(signed_in_counsellor, "/")
        db.session.commit()
    assert [r.outcome for r in results] == [push.Outcome.FAILED] * 3
    assert service.deliveries == []  # not one request reached the local service
    for row in rows:
        db.session.refresh(row)
        assert row.last_error == "not a public https push service"


def test_what_a_push_service_answers_is_never_shown(app, client, db, signed_in_counsellor, service):
    device = client.post("/api/push/subscriptions", json=service.subscription())
    assert device.status_code == 201
    service.answer_next(400, body=b"internal: db password hunter2")
    assert client.post("/settings/notifications/test").status_code in (200, 302)
    (row,) = db.session.scalars(select(PushSubscription)).all()
    assert row.last_error == "HTTP 400"
    page = client.get("/settings/notifications").get_data(as_text=True)
    assert "hunter2" not in page
    assert "HTTP 400" in page


def test_a_redirect_from_a_push_service_is_not_followed(
    app, client, db, signed_in_counsellor, service
):
    client.post("/api/push/subscriptions", json=service.subscription())
    service.answer_next(307, Location=f"{service.origin}/elsewhere")
    client.post("/settings/notifications/test")
    assert len(service.deliveries) == 1
    (row,) = db.session.scalars(select(PushSubscription)).all()
    assert "redirected" in row.last_error
