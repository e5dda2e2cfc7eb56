"""A scheduler killed at a random moment of a pass with 600 reminders due (issue 12, item 13).

The scheduler runs in a child process and gets SIGKILL once a number of pushes, drawn from a seeded
generator, has reached the local push service. The next pass after the lease then delivers every
reminder at least once, and no more than one chunk (``IN_FLIGHT``) a second time, each repeat with
the Topic and the notification tag of the first, so that the phone shows one notification.
Runs on SQLite and, with ``FIELDAPP_TEST_DATABASE_URL``, on PostgreSQL.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
from collections import Counter, defaultdict
from datetime import time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from fieldapp.common.time import now_utc
from fieldapp.reminders import devices, preferences, push
from fieldapp.reminders.dispatcher import IN_FLIGHT
from fieldapp.reminders.models import Reminder

REMINDERS = 600
ALWAYS = preferences.Preferences(quiet_from=time(0), quiet_until=time(0), quiet_weekends=False)


def due_reminders(db, make, service) -> set[str]:
    """600 reminders due a minute ago for ten counsellors with a phone each; returns their keys."""
    organisation = make.organisation()
    users = [make.user(organisation) for _ in range(10)]
    for user in users:
        preferences.save(user, ALWAYS)  # any moment of the day, whatever the tests' clock says
        make.signed_in(user)
        devices.subscribe(user, service.subscription(), "phone")
    due = now_utc() - timedelta(minutes=1)
    rows = [
        {
            "organisation_id": organisation.id,
            "key": f"evaluation:{n}:{due:%Y%m%d}",
            "kind": "evaluation",
            "scope": "",
            "subject_id": n,
            "user_id": users[n % len(users)].id,
            "moment": due.date(),
            "event_on": due.date(),
            "next_attempt_at": due,
        }
        for n in range(REMINDERS)
    ]
    db.session.execute(insert(Reminder), rows)
    db.session.commit()
    return {row["key"] for row in rows}


def kill_after(app, service, pushes: int, log: Path) -> int:
    """Start the scheduler, SIGKILL it once ``pushes`` pushes arrived; returns how many had."""
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.reminders.scheduler_process"],
            env={
                **os.environ,
                "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                "FIELDAPP_INSTANCE_PATH": app.instance_path,
            },
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    watcher = threading.Thread(target=lambda: (process.wait(), service.wake()), daemon=True)
    watcher.start()
    try:
        reached = service.wait_until(
            lambda: len(service.received()) >= pushes or process.poll() is not None, timeout=120
        )
        assert reached, log.read_text()
        assert process.poll() is None, log.read_text()  # still sending: not done, not crashed
        process.kill()
        assert process.wait(timeout=30) == -9
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        watcher.join(timeout=10)
    return len(service.received())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_scheduler_killed_mid_pass_resends_at_most_one_chunk(
    app, db, make, service, dispatcher, tmp_path, seed
):
    keys = due_reminders(db, make, service)  # the dispatcher fixture made the VAPID keys
    moment = random.Random(seed).randrange(1, REMINDERS)  # 395, 138, 58
    arrived = kill_after(app, service, moment, tmp_path / "scheduler.log")
    assert arrived < REMINDERS  # killed in the middle of the pass

    lease_ends = db.session.scalar(select(func.max(Reminder.lease_until)))
    dispatcher(lease_ends or now_utc())  # the next pass, once the dead one's lease ran out

    received = service.received()
    tags = Counter(delivery.payload["tag"] for delivery in received)
    assert set(tags) == keys  # every reminder delivered, at least once
    twice = sorted(tag for tag, count in tags.items() if count > 1)
    assert len(twice) <= IN_FLIGHT, (
        f"killed after {arrived} pushes: {len(twice)} of {REMINDERS} pushed twice"
    )
    assert max(tags.values()) <= 2
    topics: dict[str, set[str]] = defaultdict(set)
    for delivery in received:
        topics[delivery.payload["tag"]].add(delivery.headers["topic"])
    assert all(topics[tag] == {push.topic_of(tag)} for tag in twice)  # the phone shows one
    assert service.problems == []
    db.session.expire_all()
    statuses = dict(
        db.session.execute(select(Reminder.status, func.count()).group_by(Reminder.status)).all()
    )
    assert statuses == {"sent": REMINDERS}
