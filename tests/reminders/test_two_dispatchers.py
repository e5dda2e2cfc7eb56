"""Two schedulers at once (a deploy overlap, a mistake): every reminder goes out, none twice.

Runs on SQLite and, with ``FIELDAPP_TEST_DATABASE_URL``, on PostgreSQL, where the claims use
``FOR UPDATE SKIP LOCKED``.
"""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import func, insert, select

from fieldapp.reminders import devices, vapid
from fieldapp.reminders.dispatcher import Dispatcher, PassReport
from fieldapp.reminders.models import Reminder
from tests.reminders.conftest import TUESDAY_9

REMINDERS = 1000


def test_two_dispatchers_deliver_a_thousand_reminders_each_once(app, db, make, service):
    vapid.create(app)
    organisation = make.organisation()
    users = [make.user(organisation) for _ in range(10)]
    for user in users:
        make.signed_in(user)
        devices.subscribe(user, service.subscription(), "phone")
    db.session.execute(
        insert(Reminder),
        [
            {
                "organisation_id": organisation.id,
                "key": f"evaluation:{n}:20261124",
                "kind": "evaluation",
                "scope": "",
                "subject_id": n,
                "user_id": users[n % len(users)].id,
                "moment": TUESDAY_9.date(),
                "event_on": TUESDAY_9.date(),
                "next_attempt_at": TUESDAY_9,
            }
            for n in range(REMINDERS)
        ],
    )
    db.session.commit()

    start = threading.Barrier(2)
    reports: list[PassReport] = []
    errors: list[BaseException] = []

    def run() -> None:
        dispatcher = Dispatcher(app, batch=50, workers=4)
        try:
            with app.app_context(), app.test_request_context():
                start.wait()
                reports.append(dispatcher.run_once(TUESDAY_9))
        except BaseException as error:  # surfaced below, with the thread's own traceback lost
            errors.append(error)
        finally:
            dispatcher.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert not any(thread.is_alive() for thread in threads)

    tags = Counter(delivery.payload["tag"] for delivery in service.received())
    assert len(tags) == REMINDERS
    assert set(tags.values()) == {1}
    assert service.problems == []
    assert sum(report.sent for report in reports) == REMINDERS
    assert all(report.sent > 0 for report in reports)  # both did part of the work
    db.session.expire_all()
    statuses = dict(
        db.session.execute(select(Reminder.status, func.count()).group_by(Reminder.status)).all()
    )
    assert statuses == {"sent": REMINDERS}
