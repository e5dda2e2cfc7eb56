"""Sending due reminders: claim in a short transaction, send outside it, mark chunk by chunk.

A pass takes due rows in batches. Claiming locks the batch (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so a second dispatcher takes other rows instead of waiting) and sets a lease; the
claim is a conditional update, so on SQLite, which has no row locks, a row still goes to one
dispatcher only. Rows of users in their quiet hours are moved to the end of them; rows of users
who chose the morning digest become one "your reminders" notification a day. An urgent row (a
notice marked urgent, :mod:`fieldapp.reminders.notices`) goes out at once, quiet or not.

Sending happens with no transaction open, several pushes at a time, in chunks of ``in_flight``
reminders: a chunk's answers are marked in a short transaction of its own before the next chunk
is sent. Marking only touches rows that still carry this pass's claim. So a dispatcher that dies
mid-pass leaves at most one chunk sent and not marked; it goes out again when the lease runs out
(delivery is at least once, never lost), with the same Topic and notification tag, so the phone
shows one notification. The rest of the dead pass's batch was never sent and goes out once.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time as clock
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from flask import Flask
from flask_babel import force_locale
from sqlalchemy import delete, or_, select, update

from fieldapp.auth.models import User
from fieldapp.common.rules import RuleBroken
from fieldapp.common.time import local_zone, now_utc
from fieldapp.extensions import db
from fieldapp.feedback import rounds
from fieldapp.feedback.models import FeedbackRound
from fieldapp.mail.services import Message as MailMessage
from fieldapp.mail.services import queue_mail, render_message
from fieldapp.reminders import agenda, endpoints, messages, preferences, push
from fieldapp.reminders.agenda import DIGEST, RATERS, SEND_AT
from fieldapp.reminders.devices import live as live_devices
from fieldapp.reminders.models import PushSubscription, Reminder, ReminderStatus

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
BATCH = 200
MAX_ATTEMPTS = 8
PUSH_WORKERS = 8
# Reminders sent before their marks are committed: all that a crash can make go out twice.
# Two per worker, so that one slow push service leaves the other workers something to do.
IN_FLIGHT = 2 * PUSH_WORKERS
MAX_BACKOFF = timedelta(hours=6)
REMINDER_MAIL = "reminder"  # what a reminder's e-mail is about, in the mail queue


class Channel(StrEnum):
    PUSH = "push"
    # Handed to the mail queue, which sends it on its own schedule; the mail row (about
    # ``("reminder", id)``) says whether it arrived, and a failure shows under Admin -> E-mail.
    MAIL_QUEUE = "mail_queue"
    APP = "app"  # no device and no e-mail wanted: the notification centre only
    DIGEST = "digest"


@dataclass(frozen=True)
class Job:
    """One claimed reminder with everything needed to send it, as plain values."""

    reminder_id: int
    organisation_id: int
    kind: str
    subject_id: int
    attempts: int
    message: push.Message | None = None
    targets: tuple[tuple[int, push.Target], ...] = ()
    email: MailMessage | None = None


@dataclass
class Delivery:
    job: Job
    results: list[tuple[int, push.Result]] = field(default_factory=list)


@dataclass
class PassReport:
    """What one pass did, and how long it held database locks (claiming plus marking): in all,
    and the longest single transaction (what another writer may have waited for)."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    postponed: int = 0
    digests: int = 0
    lock_seconds: float = 0.0
    longest_lock_seconds: float = 0.0

    def held_locks_since(self, started: float) -> None:
        seconds = clock.perf_counter() - started
        self.lock_seconds += seconds
        self.longest_lock_seconds = max(self.longest_lock_seconds, seconds)


def backoff(attempts: int, retry_after: int | None) -> timedelta:
    """1, 2, 4 … minutes up to six hours; never sooner than the push service asked."""
    delay = min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)
    return max(delay, timedelta(seconds=retry_after or 0))


class Dispatcher:
    def __init__(
        self,
        app: Flask,
        *,
        batch: int = BATCH,
        lease: timedelta = LEASE,
        workers: int = PUSH_WORKERS,
        in_flight: int = IN_FLIGHT,
    ) -> None:
        self.app = app
        self.batch = batch
        self.lease = lease
        self.in_flight = in_flight
        self.sender = push.Sender.of(app)
        self._private_endpoints = app.config["FIELDAPP_PUSH_PRIVATE_ENDPOINTS"]
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="push")
        self._local = threading.local()

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    def run_once(self, now: datetime | None = None) -> PassReport:
        """Send everything that is due (needs an app and a request context, for links)."""
        report = PassReport()
        while True:
            moment = now or now_utc()
            token = secrets.token_hex(8)
            found, jobs = self.claim(moment, token, report)
            if jobs:
                self.deliver(token, jobs, moment, report)
            if not found:
                return report

    # --- claiming --------------------------------------------------------------------------

    def claim(self, now: datetime, token: str, report: PassReport) -> tuple[int, list[Job]]:
        """Lock a batch of due rows, move or fold what must wait, lease the rest to ``token``."""
        started = clock.perf_counter()
        due = (
            select(
                Reminder.id,
                Reminder.user_id,
                Reminder.kind,
                Reminder.organisation_id,
                Reminder.urgent,
            )
            .where(
                Reminder.status == ReminderStatus.PENDING.value,
                Reminder.next_attempt_at <= now,
                Reminder.done_at.is_(None),
                or_(Reminder.lease_until.is_(None), Reminder.lease_until <= now),
            )
            .order_by(Reminder.next_attempt_at, Reminder.id)
            .limit(self.batch)
            .execution_options(all_tenants=True)
        )
        if agenda.on_postgresql():
            due = due.with_for_update(skip_locked=True)
        rows = db.session.execute(due).all()
        if not rows:
            db.session.commit()
            report.held_locks_since(started)
            return 0, []
        wanted = preferences.of_users({row.user_id for row in rows if row.user_id is not None})
        to_claim: list[int] = []
        waiting: dict[datetime, list[int]] = defaultdict(list)
        digests: dict[int, tuple[int, list[int]]] = {}
        for row in rows:
            prefs = wanted.get(row.user_id) if row.user_id is not None else None
            if row.urgent:  # an urgent notice waits for no quiet hours and joins no digest
                to_claim.append(row.id)
                continue
            quiet_end = prefs.quiet_ends(now) if prefs else None
            if quiet_end is not None:
                waiting[quiet_end].append(row.id)
            elif prefs and prefs.digest and row.kind != DIGEST:
                digests.setdefault(row.user_id, (row.organisation_id, []))[1].append(row.id)
            else:
                to_claim.append(row.id)
        for user_id, (organisation_id, ids) in digests.items():
            if self._fold_into_digest(user_id, organisation_id, ids, now):
                report.digests += 1
            else:
                waiting[wanted[user_id].next_morning(now, SEND_AT)].extend(ids)
        for until, ids in waiting.items():
            _update(ids, next_attempt_at=until)
            report.postponed += len(ids)
        if to_claim:
            db.session.execute(
                update(Reminder)
                .where(
                    Reminder.id.in_(to_claim),
                    Reminder.status == ReminderStatus.PENDING.value,
                    or_(Reminder.lease_until.is_(None), Reminder.lease_until <= now),
                )
                .values(
                    lease_until=now + self.lease, claimed_by=token, attempts=Reminder.attempts + 1
                )
                .execution_options(synchronize_session=False, all_tenants=True)
            )
        db.session.commit()
        report.held_locks_since(started)
        jobs = self._jobs(token, wanted) if to_claim else []
        db.session.rollback()  # only read: the rows are leased to us now, no lock is needed
        report.claimed += len(jobs)
        return len(rows), jobs

    def _fold_into_digest(
        self, user_id: int, organisation_id: int, ids: list[int], now: datetime
    ) -> bool:
        """Make (or join) today's digest for the user; False when today's went out already."""
        day = now.astimezone(local_zone()).date()
        key = f"{DIGEST}:{user_id}:{day:%Y%m%d}"
        agenda.insert_new(
            [
                {
                    "organisation_id": organisation_id,
                    "key": key,
                    "kind": DIGEST,
                    "scope": f"user:{user_id}",
                    "subject_id": user_id,
                    "user_id": user_id,
                    "moment": day,
                    "event_on": day,
                    "next_attempt_at": now,
                }
            ]
        )
        status = db.session.scalar(
            select(Reminder.status).where(Reminder.key == key).execution_options(all_tenants=True)
        )
        if status != ReminderStatus.PENDING.value:
            return False
        _update(
            ids,
            status=ReminderStatus.SENT.value,
            channel=Channel.DIGEST.value,
            sent_at=now,
            lease_until=None,
        )
        return True

    def _jobs(self, token: str, wanted: dict[int, preferences.Preferences]) -> list[Job]:
        """The leased rows as jobs; ``wanted`` holds their users' preferences (read while
        claiming)."""
        claimed = db.session.scalars(
            select(Reminder).where(Reminder.claimed_by == token).execution_options(all_tenants=True)
        ).all()
        user_ids = {reminder.user_id for reminder in claimed if reminder.user_id is not None}
        users = {
            user.id: user
            for user in db.session.scalars(
                select(User).where(User.id.in_(user_ids)).execution_options(all_tenants=True)
            )
        }
        devices: dict[int, list[PushSubscription]] = defaultdict(list)
        for device in db.session.scalars(
            live_devices()
            .where(PushSubscription.user_id.in_(user_ids))
            .execution_options(all_tenants=True)
        ):
            devices[device.user_id].append(device)
        jobs = []
        for reminder in claimed:
            job = Job(
                reminder.id,
                reminder.organisation_id,
                reminder.kind,
                reminder.subject_id,
                reminder.attempts,
            )
            user = users.get(reminder.user_id) if reminder.user_id is not None else None
            if user is not None and user.may_sign_in:  # not deactivated, a role this release knows
                with force_locale(user.language or user.organisation.default_language):
                    message = push.Message(
                        messages.title_of(reminder),
                        messages.text_of(reminder),
                        messages.url_of(reminder),
                        reminder.key,
                    )
                    if devices[user.id]:
                        targets = tuple(
                            (device.id, push.Target.of(device)) for device in devices[user.id]
                        )
                        job = replace(job, message=message, targets=targets)
                    elif wanted[user.id].email_fallback and user.email:
                        job = replace(job, email=self._email(user, reminder, message))
            jobs.append(job)
        return jobs

    @staticmethod
    def _email(user: User, reminder: Reminder, message: push.Message) -> MailMessage:
        return render_message(
            user.email,
            user.language or user.organisation.default_language,
            "reminder",
            name=user.name,
            title=message.title,
            body=message.body,
            link=messages.url_of(reminder, _external=True),
        )

    # --- sending, outside any transaction, chunk by chunk ----------------------------------

    def deliver(self, token: str, jobs: list[Job], now: datetime, report: PassReport) -> None:
        """Send ``jobs`` in chunks of ``in_flight``, marking each chunk (and committing) as soon
        as its answers are back and before the next chunk goes out. The jobs of later chunks
        keep their lease meanwhile: this pass sends them, or, should it die, the next one after
        the lease."""
        for start in range(0, len(jobs), self.in_flight):
            chunk = jobs[start : start + self.in_flight]
            self.finish(token, list(self._pool.map(self.send, chunk)), now, report)

    def send(self, job: Job) -> Delivery:
        """Push one reminder to each of its devices (an e-mail or app-only job sends nothing
        here: it is settled when marked)."""
        delivery = Delivery(job)
        for device_id, target in job.targets:
            delivery.results.append((device_id, self._push(target, job)))
        return delivery

    def _push(self, target: push.Target, job: Job) -> push.Result:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = endpoints.session(self._private_endpoints)
        assert job.message is not None
        try:
            return push.send(self.sender, target, job.message, session=session)
        except Exception as error:  # one bad device must not stop the pass: it fails, is shown
            log.exception("sending a push failed unexpectedly")
            return push.Result(push.Outcome.FAILED, reason=f"unexpected {type(error).__name__}")

    # --- marking ---------------------------------------------------------------------------

    def finish(
        self, token: str, deliveries: list[Delivery], now: datetime, report: PassReport
    ) -> None:
        """Mark what came back in one short transaction: what went out in a few grouped
        statements, retries and failures one by one (they are few)."""
        started = clock.perf_counter()
        sent: dict[Channel, list[int]] = defaultdict(list)
        device_results: dict[int, push.Result] = {}
        for delivery in deliveries:
            device_results.update(delivery.results)
            outcome = self._mark(token, delivery, now, sent)
            if outcome is ReminderStatus.SENT and delivery.job.kind == RATERS:
                report.sent += 1  # marked on its own, with the e-mails it queued
            elif outcome is ReminderStatus.FAILED:
                report.failed += 1
            elif outcome is ReminderStatus.PENDING:
                report.retried += 1
        for channel, ids in sent.items():
            report.sent += _sent(token, ids, channel, now)
        _note_on_devices(device_results, now)
        db.session.commit()
        report.held_locks_since(started)

    def _mark(
        self, token: str, delivery: Delivery, now: datetime, sent: dict[Channel, list[int]]
    ) -> ReminderStatus | None:
        """Settle one reminder; a delivered one is only added to ``sent`` (marked in bulk)."""
        job = delivery.job
        if job.kind == RATERS:
            return self._remind_raters(token, job, now)
        if job.email is not None:
            queue_mail(
                db.session(),
                job.email,
                organisation_id=job.organisation_id,
                about=(REMINDER_MAIL, job.reminder_id),
            )
            sent[Channel.MAIL_QUEUE].append(job.reminder_id)
            return ReminderStatus.SENT
        if not job.targets:
            sent[Channel.APP].append(job.reminder_id)
            return ReminderStatus.SENT
        results = [result for _, result in delivery.results]
        if any(result.outcome is push.Outcome.SENT for result in results):
            sent[Channel.PUSH].append(job.reminder_id)
            return ReminderStatus.SENT
        retries = [result for result in results if result.outcome is push.Outcome.RETRY]
        if retries and job.attempts < MAX_ATTEMPTS:
            wait = max(backoff(job.attempts, result.retry_after) for result in retries)
            reason = retries[0].reason or f"HTTP {retries[0].status}"
            return _settle(token, job, ReminderStatus.PENDING, now + wait, error=reason)
        if all(result.outcome is push.Outcome.GONE for result in results):
            # Every device unsubscribed: try again now, by e-mail or in the app only.
            return _settle(token, job, ReminderStatus.PENDING, now, error="", count=False)
        reasons = "; ".join(sorted({result.reason for result in results if result.reason}))
        if retries:
            reasons = f"gave up after {job.attempts} attempts: {reasons}"
        return _settle(token, job, ReminderStatus.FAILED, now, error=reasons)

    @staticmethod
    def _remind_raters(token: str, job: Job, now: datetime) -> ReminderStatus | None:
        feedback_round = db.session.get(FeedbackRound, job.subject_id)
        if feedback_round is None:
            return _settle(token, job, ReminderStatus.CANCELLED, now)
        try:
            rounds.remind(None, feedback_round, now.astimezone(local_zone()).date())
        except RuleBroken as broken:
            return _settle(token, job, ReminderStatus.CANCELLED, now, error=broken.message)
        return _settle(token, job, ReminderStatus.SENT, now, channel=Channel.MAIL_QUEUE)


def _sent(token: str, ids: list[int], channel: Channel, at: datetime) -> int:
    """Mark delivered reminders that still carry this pass's claim; returns how many."""
    done = db.session.execute(
        update(Reminder)
        .where(Reminder.id.in_(ids), Reminder.claimed_by == token)
        .values(
            status=ReminderStatus.SENT.value,
            sent_at=at,
            channel=channel.value,
            lease_until=None,
            claimed_by="",
            last_error="",
        )
        .execution_options(synchronize_session=False, all_tenants=True)
    )
    return done.rowcount


def _update(ids: list[int], **values: object) -> None:
    db.session.execute(
        update(Reminder)
        .where(Reminder.id.in_(ids))
        .values(**values)
        .execution_options(synchronize_session=False, all_tenants=True)
    )


def _settle(
    token: str,
    job: Job,
    status: ReminderStatus,
    at: datetime,
    *,
    channel: Channel | None = None,
    error: str = "",
    count: bool = True,
) -> ReminderStatus | None:
    """Record the outcome, unless another dispatcher took the row over after our lease ran out."""
    values: dict[str, object] = {
        "status": status.value,
        "lease_until": None,
        "claimed_by": "",
        "last_error": error[:300],
    }
    if status is ReminderStatus.SENT:
        values.update(sent_at=at, channel=channel.value if channel else "")
    elif status is ReminderStatus.PENDING:
        values["next_attempt_at"] = at
        if not count:
            values["attempts"] = Reminder.attempts - 1
    done = db.session.execute(
        update(Reminder)
        .where(Reminder.id == job.reminder_id, Reminder.claimed_by == token)
        .values(**values)
        .execution_options(synchronize_session=False, all_tenants=True)
    )
    return status if done.rowcount else None


def _note_on_devices(results: dict[int, push.Result], now: datetime) -> None:
    """Devices the push service forgot are removed; the others keep their last success or
    error. A device's latest answer among them counts."""
    gone = [i for i, r in results.items() if r.outcome is push.Outcome.GONE]
    fine = [i for i, r in results.items() if r.outcome is push.Outcome.SENT]
    options = {"synchronize_session": False, "all_tenants": True}
    if gone:
        statement = delete(PushSubscription).where(PushSubscription.id.in_(gone))
        db.session.execute(statement.execution_options(**options))
    if fine:
        statement = (
            update(PushSubscription)
            .where(PushSubscription.id.in_(fine))
            .values(last_sent_at=now, last_error="")
        )
        db.session.execute(statement.execution_options(**options))
    for device_id, result in results.items():
        if result.outcome in (push.Outcome.RETRY, push.Outcome.FAILED):
            reason = (result.reason or f"HTTP {result.status}")[:300]
            statement = (
                update(PushSubscription)
                .where(PushSubscription.id == device_id)
                .values(last_error=reason)
            )
            db.session.execute(statement.execution_options(**options))
