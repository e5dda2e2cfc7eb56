"""Reminder fan-out in ``make bench``: 10,000 due reminders sent by one dispatcher pass to the local
push service (which checks every VAPID signature and decrypts every payload, in a process of its
own), next to a floor: the same number of payloads encrypted and posted in a plain loop, without
the app or its database. Also how long that pass held database locks (claiming and marking), in
all and at most at once."""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from dataclasses import dataclass
from datetime import time as clock_time
from multiprocessing.connection import Connection
from typing import Any

import requests
from flask import Flask
from pywebpush import webpush
from sqlalchemy import delete, insert

from fieldapp.auth import sessions
from fieldapp.auth.models import User
from fieldapp.common.time import now_utc
from fieldapp.extensions import db
from fieldapp.reminders import devices, push, vapid
from fieldapp.reminders.dispatcher import Dispatcher
from fieldapp.reminders.models import NotificationSettings, Reminder
from tests.push_service import PushService

REMINDERS = 10_000
USERS = 100


def _serve(connection: Connection, subscribers: int) -> None:
    """The push service, in its own process so that it does not share a core with the sender."""
    with PushService() as service:
        connection.send([service.subscription() for _ in range(subscribers)])
        while connection.recv() != "stop":
            connection.send(Counter(d.payload["tag"] for d in service.received() if d.payload))
        connection.send((len(service.received()), service.problems[:3]))


class PushServiceProcess:
    def __init__(self, subscribers: int) -> None:
        self._connection, child = multiprocessing.Pipe()
        self._process = multiprocessing.Process(target=_serve, args=(child, subscribers))
        self._process.start()
        self.subscriptions: list[dict[str, Any]] = self._connection.recv()

    def tags(self) -> Counter[str]:
        self._connection.send("count")
        return self._connection.recv()

    def stop(self) -> tuple[int, list[str]]:
        self._connection.send("stop")
        result = self._connection.recv()
        self._process.join()
        return result


@dataclass(frozen=True)
class FanOut:
    floor_per_second: float
    app_per_second: float
    app_seconds: float
    lock_seconds: float
    longest_lock_seconds: float
    delivered_once: bool


def _floor(app: Flask, subscriptions: list[dict[str, Any]]) -> float:
    """Encrypt and post 10,000 payloads in a plain loop: pywebpush and HTTP only."""
    sender = push.Sender.of(app)
    session = requests.Session()
    started = time.perf_counter()
    for n in range(REMINDERS):
        message = push.Message("Evaluation moment", "An evaluation moment is due.", "/x", f"f{n}")
        webpush(
            subscriptions[n % len(subscriptions)],
            data=push.payload_of(message),
            vapid_private_key=sender.signer,
            vapid_claims={"sub": sender.subject},
            ttl=push.DEFAULT_TTL,
            timeout=push.TIMEOUT_SECONDS,
            headers={"Topic": push.topic_of(message.key), "Urgency": "normal"},
            requests_session=session,
        )
    return REMINDERS / (time.perf_counter() - started)


def fan_out(app: Flask, organisation_id: int) -> FanOut:
    with app.app_context():
        vapid.create(app)
    service = PushServiceProcess(USERS)
    try:
        floor = _floor(app, service.subscriptions)
        with app.app_context(), app.test_request_context():
            users = db.session.query(User).filter_by(organisation_id=organisation_id).limit(USERS)
            users = list(users)
            for user, subscription in zip(users, service.subscriptions, strict=False):
                sessions.open_session(user)  # a device subscribes in the sign-in it allows
                devices.subscribe(user, subscription, "bench")
                db.session.add(
                    NotificationSettings(
                        organisation_id=organisation_id,
                        user_id=user.id,
                        quiet_from=clock_time(0),
                        quiet_until=clock_time(0),
                        quiet_weekends=False,
                    )
                )
            # The pass must carry exactly the bench's reminders: the generated files' own
            # moments (planned by the agenda, in both organisations) are left out.
            db.session.execute(delete(Reminder))
            now = now_utc()
            db.session.execute(
                insert(Reminder),
                [
                    {
                        "organisation_id": organisation_id,
                        "key": f"evaluation:{9_000_000 + n}:{now:%Y%m%d}",
                        "kind": "evaluation",
                        "scope": "",
                        "subject_id": 9_000_000 + n,
                        "user_id": users[n % len(users)].id,
                        "moment": now.date(),
                        "event_on": now.date(),
                        "next_attempt_at": now,
                    }
                    for n in range(REMINDERS)
                ],
            )
            db.session.commit()
            dispatcher = Dispatcher(app)
            started = time.perf_counter()
            report = dispatcher.run_once(now)
            seconds = time.perf_counter() - started
            dispatcher.close()
        tags = service.tags()
        app_tags = {tag: n for tag, n in tags.items() if tag.startswith("evaluation:")}
        once = len(app_tags) == REMINDERS and set(app_tags.values()) == {1}
        assert report.sent == REMINDERS, report
    finally:
        received, problems = service.stop()
    assert problems == [], problems
    assert received == 2 * REMINDERS, received
    return FanOut(
        floor, REMINDERS / seconds, seconds, report.lock_seconds, report.longest_lock_seconds, once
    )
