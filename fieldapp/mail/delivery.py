"""The mail pass: send queued mail in small batches, retry with back-off, then give up.

As the reminder dispatcher does, a pass claims a batch of due rows in a short transaction
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so a second pass takes other rows instead of waiting;
on SQLite the claim is a conditional update, so a row still goes to one pass only) and leases them
to itself. It sends with no transaction open and marks each row as soon as the mail server has
answered for it, touching only rows that still carry its claim. A pass that dies between sending
and marking leaves that one row to be sent again when its lease runs out: at least once, never
lost. A pass that runs late hands back what it has not sent before its lease could run out.

A refusal is retried after 1, 2, 4 … minutes (at most an hour) until the row has had
``MAX_ATTEMPTS`` tries; then it is ``failed`` and shown to the organisation's administrators. An
address the server refuses for good (a 5xx answer to the recipient) fails at once. A sent row's
body, which may hold a secret link, is blanked in the update that marks it sent; a failed row keeps
its body for ``FAILED_KEPT``, so that an administrator can have it sent again, and is then blanked.
"""

from __future__ import annotations

import logging
import secrets
import smtplib
import socket
import ssl
import time as clock
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from fieldapp.common.time import now_utc
from fieldapp.extensions import db
from fieldapp.mail.models import MailStatus, OutgoingMail
from fieldapp.mail.services import Message, deliver

log = logging.getLogger(__name__)

BATCH = 20
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
MAX_BACKOFF = timedelta(hours=1)
FAILED_KEPT = timedelta(days=7)
_OPTIONS = {"synchronize_session": False, "all_tenants": True}


@dataclass
class PassReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    handed_back: int = 0  # claimed, but left for the next pass before the lease could run out
    forgotten: int = 0  # bodies of failed rows blanked after FAILED_KEPT

    @property
    def busy(self) -> bool:
        return any((self.sent, self.retried, self.failed, self.handed_back, self.forgotten))


@dataclass(frozen=True)
class Job:
    mail_id: int
    attempts: int  # this one included
    message: Message


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed try: 1, 2, 4 … minutes, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def send_due(
    now: datetime | None = None, *, batch: int = BATCH, lease: timedelta = LEASE
) -> PassReport:
    """Send every queued row that is due, a batch at a time (needs an app context). ``now``
    fixes the clock of the whole pass (tests); by default each step reads the clock."""
    report = PassReport()
    while True:
        token = secrets.token_hex(8)
        found, jobs = _claim(now or now_utc(), token, batch, lease)
        _send(jobs, token, now, lease, report)
        if found < batch:
            break
    report.forgotten = _forget_failed_bodies(now or now_utc())
    db.session.commit()
    return report


def _claim(now: datetime, token: str, batch: int, lease: timedelta) -> tuple[int, list[Job]]:
    """Lease up to ``batch`` due rows to ``token``; returns how many were due and the jobs."""
    due = (
        select(OutgoingMail.id)
        .where(
            OutgoingMail.status == MailStatus.QUEUED.value,
            OutgoingMail.next_attempt_at <= now,
            or_(OutgoingMail.lease_until.is_(None), OutgoingMail.lease_until <= now),
        )
        .order_by(OutgoingMail.next_attempt_at, OutgoingMail.id)
        .limit(batch)
        .execution_options(all_tenants=True)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = db.session.scalars(due).all()
    if ids:
        db.session.execute(
            update(OutgoingMail)
            .where(
                OutgoingMail.id.in_(ids),
                OutgoingMail.status == MailStatus.QUEUED.value,
                or_(OutgoingMail.lease_until.is_(None), OutgoingMail.lease_until <= now),
            )
            .values(
                lease_until=now + lease,
                claimed_by=token,
                attempts=OutgoingMail.attempts + 1,
                last_attempt_at=now,
            )
            .execution_options(**_OPTIONS)
        )
    db.session.commit()
    if not ids:
        return 0, []
    rows = db.session.execute(
        select(
            OutgoingMail.id,
            OutgoingMail.attempts,
            OutgoingMail.recipient,
            OutgoingMail.subject,
            OutgoingMail.body,
        )
        .where(OutgoingMail.claimed_by == token)
        .order_by(OutgoingMail.id)
        .execution_options(all_tenants=True)
    ).all()
    db.session.rollback()  # only read: the rows are leased to this pass, no lock is needed
    jobs = [
        Job(row.id, row.attempts, Message(row.recipient, row.subject, row.body)) for row in rows
    ]
    return len(ids), jobs


def _send(
    jobs: list[Job], token: str, now: datetime | None, lease: timedelta, report: PassReport
) -> None:
    """Send the leased jobs one by one, marking each as it goes; stop in time to hand the rest
    back while the lease still holds (a slow server must not let a second pass send them too)."""
    stop_at = clock.monotonic() + lease.total_seconds() / 2
    for index, job in enumerate(jobs):
        if clock.monotonic() > stop_at:
            report.handed_back += _hand_back(jobs[index:], token)
            return
        try:
            deliver(job.message)
        except Exception as error:  # a refusal, or anything unexpected: one row fails, not the pass
            reason, permanent = failure_reason(error)
            _refused(job, token, now or now_utc(), reason, permanent, report)
        else:
            if _mark(job, token, status=MailStatus.SENT.value, sent_at=now or now_utc(), body=""):
                report.sent += 1
        db.session.commit()


def _refused(
    job: Job, token: str, at: datetime, reason: str, permanent: bool, report: PassReport
) -> None:
    # Which row and why, never to whom, about what or the server's own words.
    log.warning(
        "could not deliver mail %d (attempt %d of %d): %s",
        job.mail_id,
        job.attempts,
        MAX_ATTEMPTS,
        reason,
    )
    if permanent or job.attempts >= MAX_ATTEMPTS:
        if _mark(job, token, status=MailStatus.FAILED.value, last_error=reason):
            report.failed += 1
    elif _mark(
        job,
        token,
        status=MailStatus.QUEUED.value,
        next_attempt_at=at + backoff(job.attempts),
        last_error=reason,
    ):
        report.retried += 1


def _mark(job: Job, token: str, **values: object) -> bool:
    """Record the outcome, unless another pass took the row over after this one's lease ran out."""
    done = db.session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id == job.mail_id, OutgoingMail.claimed_by == token)
        .values(lease_until=None, claimed_by="", **values)
        .execution_options(**_OPTIONS)
    )
    return bool(done.rowcount)


def _hand_back(jobs: list[Job], token: str) -> int:
    """Release claimed rows that were not tried: due again at once, the try not counted."""
    done = db.session.execute(
        update(OutgoingMail)
        .where(OutgoingMail.id.in_([job.mail_id for job in jobs]), OutgoingMail.claimed_by == token)
        .values(lease_until=None, claimed_by="", attempts=OutgoingMail.attempts - 1)
        .execution_options(**_OPTIONS)
    )
    db.session.commit()
    return done.rowcount


def _forget_failed_bodies(now: datetime) -> int:
    done = db.session.execute(
        update(OutgoingMail)
        .where(
            OutgoingMail.status == MailStatus.FAILED.value,
            OutgoingMail.body != "",
            OutgoingMail.last_attempt_at <= now - FAILED_KEPT,
        )
        .values(body="")
        .execution_options(**_OPTIONS)
    )
    return done.rowcount


_REFUSALS: tuple[tuple[type[smtplib.SMTPResponseException], str], ...] = (
    (smtplib.SMTPConnectError, "server refused the connection"),
    (smtplib.SMTPHeloError, "server refused the greeting"),
    (smtplib.SMTPAuthenticationError, "server refused the sign-in"),
    (smtplib.SMTPSenderRefused, "sender refused"),
    (smtplib.SMTPDataError, "message refused"),
)


def failure_reason(error: BaseException) -> tuple[str, bool]:
    """A short reason for ``error`` (never the server's text, never an address), and whether
    trying again is pointless (every recipient refused with a permanent 5xx answer)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _text in error.recipients.values()})
        permanent = bool(codes) and all(500 <= code < 600 for code in codes)
        return f"recipient refused ({', '.join(map(str, codes))})", permanent
    if isinstance(error, smtplib.SMTPResponseException):
        label = next(
            (text for kind, text in _REFUSALS if isinstance(error, kind)), "server answered"
        )
        return f"{label} ({error.smtp_code})", False
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "server closed the connection", False
    if isinstance(error, smtplib.SMTPException):
        return f"SMTP {type(error).__name__}", False
    if isinstance(error, ConnectionRefusedError):
        return "connection refused", False
    if isinstance(error, TimeoutError):
        return "timed out", False
    if isinstance(error, socket.gaierror):
        return "server name not found", False
    if isinstance(error, ssl.SSLError):
        return "TLS failed", False
    if isinstance(error, OSError):
        return f"network error {error.errno or ''}".strip(), False
    return f"unexpected {type(error).__name__}", False
