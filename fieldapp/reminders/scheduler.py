"""The one scheduler process: ``flask --app fieldapp scheduler``.

APScheduler runs here and nowhere else: web workers never run jobs. The database is the schedule
(reminder rows), so the jobs are only "send what is due" every half minute and "plan every file
again" at night, which picks up rule changes and anything planned before a deploy. Should a second
scheduler run by mistake, the dispatcher's claims keep every reminder single.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Callable
from types import FrameType

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy import select

from fieldapp.auth.models import Organisation
from fieldapp.extensions import db
from fieldapp.reminders import schedule
from fieldapp.reminders.dispatcher import Dispatcher

log = logging.getLogger(__name__)


def in_app(app: Flask, job: Callable[[], object]) -> Callable[[], None]:
    """Run ``job`` with the app and a request context for ``FIELDAPP_BASE_URL`` (links in
    e-mails and notifications), and hand its database connection back afterwards."""

    def run() -> None:
        with app.app_context(), app.test_request_context(base_url=app.config["FIELDAPP_BASE_URL"]):
            try:
                job()
            finally:
                db.session.remove()

    return run


def plan_everything() -> None:
    for organisation_id in db.session.scalars(select(Organisation.id)).all():
        schedule.plan_organisation(organisation_id)
        db.session.commit()


def build(app: Flask, dispatcher: Dispatcher) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone=app.config["FIELDAPP_TIMEZONE"])
    common = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 60}
    scheduler.add_job(
        in_app(app, dispatcher.run_once),
        "interval",
        seconds=app.config["FIELDAPP_DISPATCH_SECONDS"],
        id="dispatch",
        **common,
    )
    scheduler.add_job(in_app(app, plan_everything), "cron", hour=2, minute=30, id="plan", **common)
    return scheduler


def run(app: Flask) -> None:
    """Run until SIGINT or SIGTERM; a pass under way finishes first."""
    dispatcher = Dispatcher(app)
    scheduler = build(app, dispatcher)

    def stop(signum: int, frame: FrameType | None) -> None:
        log.info("scheduler stopping (signal %s)", signum)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    in_app(app, dispatcher.run_once)()  # what fell due while no scheduler ran goes out now
    try:
        scheduler.start()
    finally:
        dispatcher.close()
