"""The scheduler process: ``flask --app fieldapp scheduler`` sends what is due when it starts,
and stops cleanly on SIGTERM (as a process manager stops it)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import time, timedelta
from pathlib import Path

from sqlalchemy import delete, func, select

from fieldapp.auth.models import PasswordResetRequest
from fieldapp.common.dates import add_months, today
from fieldapp.common.time import now_utc
from fieldapp.mail.services import sent_messages
from fieldapp.reminders import preferences
from fieldapp.reminders.models import Reminder
from tests.reminders.conftest import due_reminder, refreshed


def test_the_scheduler_sends_what_is_due_and_stops_on_sigterm(app, db, make, tmp_path: Path):
    user = make.user()
    preferences.save(
        user, preferences.Preferences(quiet_from=time(0), quiet_until=time(0), quiet_weekends=False)
    )
    db.session.commit()
    reminder: Reminder = due_reminder(db, user, at=now_utc() - timedelta(minutes=1))
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "test",
        "FIELDAPP_INSTANCE_PATH": str(tmp_path),
        "FIELDAPP_DISPATCH_SECONDS": "3600",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.frozen_process", "--app", "fieldapp", "scheduler"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    sent = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if "1 sent" in line:
                sent.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert sent.wait(timeout=60), "".join(lines)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, "".join(lines)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        reader.join(timeout=10)
        assert process.stdout is not None
        process.stdout.close()
    fresh = refreshed(db, reminder)
    assert (fresh.status, fresh.channel) == ("sent", "app")


def test_the_scheduler_has_its_jobs_and_they_run(app, db, make):
    from fieldapp import jobs
    from fieldapp.reminders.dispatcher import Dispatcher

    dispatcher = Dispatcher(app, workers=1)
    scheduled = {job.id: job for job in jobs.build(app, dispatcher).get_jobs()}
    dispatcher.close()
    assert set(scheduled) == {"dispatch", "resets", "mail", "plan", "retention", "pulse"}
    assert scheduled["dispatch"].trigger.interval == timedelta(seconds=30)
    assert scheduled["resets"].trigger.interval == timedelta(seconds=30)
    assert scheduled["mail"].trigger.interval == timedelta(minutes=1)
    assert scheduled["dispatch"].max_instances == 1
    assert str(scheduled["plan"].trigger) == "cron[hour='2', minute='30']"
    assert scheduled["plan"].next_run_time == now_utc()  # once at start, then every night
    assert str(scheduled["pulse"].trigger) == "cron[hour='9', minute='5']"

    start = today() - timedelta(days=10)
    counsellor = make.user()
    client = make.client(counsellor)
    make.trajectory(counsellor, client, started_on=start, planned_end_on=add_months(start, 12))
    db.session.execute(delete(Reminder))
    db.session.commit()
    jobs.in_app(app, jobs.plan_everything)()
    jobs.in_app(app, jobs.sweep_retention)()
    jobs.in_app(app, jobs.remind_supervisors)()
    db.session.add(PasswordResetRequest(email=counsellor.email))
    db.session.commit()
    jobs.in_app(app, jobs.send_requested_resets)()
    assert sent_messages(app) == []  # queued: the mail job sends it
    jobs.in_app(app, jobs.send_mail)()
    assert [message.to for message in sent_messages(app)] == [counsellor.email]
    assert db.session.scalar(select(func.count()).select_from(Reminder)) > 0
