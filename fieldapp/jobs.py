"""The one scheduler process, ``flask --app fieldapp scheduler``: the jobs of every capability.

It sits at the top of the layers with the app factory, beside the pages: it runs the jobs of mail,
accounts, privacy and reminders, and none of them knows about it.

APScheduler runs here and nowhere else: web workers never run jobs. The database is the schedule
(reminder rows, queued mail rows), so the jobs are only "send the reminders that are due" and
"queue the reset links asked for" every half minute, "send queued e-mail" every minute, "plan
every file again" at night, which picks up rule changes and anything planned before a deploy, and
the nightly retention sweep (files past their organisation's retention period are anonymised,
spreadsheet uploads nobody confirmed are dropped, the records of ended sign-ins are deleted), and
each morning the e-mail that reminds floor supervisors of the month's pulse (due links not
reminded this month, each claimed once).
Should a second scheduler run by mistake, the claims of the dispatcher and of the mail pass keep
every reminder and every e-mail single; one killed mid-pass sends at most one chunk of reminders
(``dispatcher.IN_FLIGHT``) and one e-mail again, once their leases have run out. Each pass of a
frequent job ends with its heartbeat row, which ``/healthz`` reads.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType

import click
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from fieldapp.auth import services as auth_services
from fieldapp.auth import sessions
from fieldapp.common.dates import today
from fieldapp.common.time import now_utc
from fieldapp.extensions import db
from fieldapp.health import heartbeat
from fieldapp.imports import services as imports
from fieldapp.mail import delivery
from fieldapp.organisation.models import Organisation
from fieldapp.privacy.services import anonymise_expired
from fieldapp.reminders import agenda
from fieldapp.reminders.dispatcher import Dispatcher
from fieldapp.supervisor_link import services as supervisor_link

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


def beating(job_id: str, every_seconds: int, job: Callable[[], object]) -> Callable[[], None]:
    """``job``, then its heartbeat for ``/healthz`` (one upsert); a pass that fails leaves the
    heartbeat to age, so monitoring sees a job that keeps failing too."""

    def run() -> None:
        job()
        heartbeat.record_pass(job_id, every_seconds)
        db.session.commit()

    return run


def plan_everything() -> None:
    for organisation_id in db.session.scalars(select(Organisation.id)).all():
        agenda.plan_organisation(organisation_id)
        db.session.commit()


def sweep_retention() -> None:
    count = anonymise_expired(today())
    uploads = imports.forget_expired()
    idle = sessions.end_idle(now_utc())
    sign_ins = sessions.forget_ended(now_utc())
    db.session.commit()
    if count:
        log.info("retention: anonymised %d client file(s)", count)
    if uploads:
        log.info("retention: dropped %d unconfirmed spreadsheet upload(s)", uploads)
    if idle:
        log.info("retention: ended %d sign-in(s) unused too long", idle)
    if sign_ins:
        log.info("retention: forgot %d ended sign-in(s)", sign_ins)


def send_requested_resets() -> None:
    mailed = auth_services.send_requested_resets()
    db.session.commit()
    if mailed:
        log.info("password resets: %d link(s) queued for mail", mailed)


def remind_supervisors() -> None:
    queued = supervisor_link.remind_pulses()
    db.session.commit()
    if queued:
        log.info("supervisor pulse: %d reminder(s) queued for mail", queued)


def dispatch(dispatcher: Dispatcher) -> Callable[[], None]:
    def run() -> None:
        report = dispatcher.run_once()
        if report.claimed or report.postponed or report.digests:
            log.info(
                "reminders: %d sent, %d to retry, %d failed, %d held back, %d digests",
                report.sent,
                report.retried,
                report.failed,
                report.postponed,
                report.digests,
            )

    return run


def send_mail() -> None:
    report = delivery.send_due()
    if report.busy:
        log.info(
            "mail: %d sent, %d to retry, %d failed, %d handed back",
            report.sent,
            report.retried,
            report.failed,
            report.handed_back,
        )


def build(app: Flask, dispatcher: Dispatcher) -> BackgroundScheduler:
    """The jobs; the first dispatch, mail pass and planning run at once, for what fell due or
    changed while no scheduler ran."""
    zone = app.config["FIELDAPP_TIMEZONE"]
    scheduler = BackgroundScheduler(timezone=zone)
    common = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 60}
    # Every few seconds, from the start: (id, name, job, the setting with its interval).
    frequent = (
        ("dispatch", "send due reminders", dispatch(dispatcher), "FIELDAPP_DISPATCH_SECONDS"),
        (
            "resets",
            "mail the password reset links asked for",
            send_requested_resets,
            "FIELDAPP_DISPATCH_SECONDS",
        ),
        ("mail", "send queued e-mail", send_mail, "FIELDAPP_MAIL_SECONDS"),
    )
    for job_id, name, job, interval in frequent:
        scheduler.add_job(
            in_app(app, beating(job_id, app.config[interval], job)),
            "interval",
            seconds=app.config[interval],
            next_run_time=now_utc(),
            id=job_id,
            name=name,
            **common,
        )
    nightly = (
        ("plan", "plan every file again", plan_everything, 2, 30),
        ("retention", "anonymise files past the retention period", sweep_retention, 3, 15),
        ("pulse", "remind floor supervisors of the month's pulse", remind_supervisors, 9, 5),
    )
    for job_id, name, job, hour, minute in nightly:
        scheduler.add_job(
            in_app(app, job), "cron", hour=hour, minute=minute, id=job_id, name=name, **common
        )
    # Planning also runs once at start: after an upgrade or a night without a scheduler, every
    # file's moments are there the same morning, not the next.
    scheduler.get_job("plan").modify(next_run_time=now_utc())
    return scheduler


def forget_retired_heartbeats(scheduler: BackgroundScheduler) -> Callable[[], None]:
    def run() -> None:
        heartbeat.forget_all_but({job.id for job in scheduler.get_jobs()})
        db.session.commit()

    return run


def run(app: Flask) -> None:
    """Run until SIGINT or SIGTERM; a pass under way finishes first."""
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        log.info("scheduler stopping (signal %s)", signum)
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    dispatcher = Dispatcher(app)
    scheduler = build(app, dispatcher)
    in_app(app, forget_retired_heartbeats(scheduler))()
    scheduler.start()
    try:
        stopping.wait()
    finally:
        scheduler.shutdown(wait=True)
        dispatcher.close()


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the one scheduler process: sends due reminders, plans every file again at night."""
    logging.getLogger().setLevel(logging.INFO)  # the lines go where create_app sent them
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per half minute
    click.echo("fieldapp scheduler running; stop with Ctrl-C")
    run(current_app._get_current_object())  # type: ignore[attr-defined]
