"""Queue e-mail on the database session; deliver it once that session commits.

Delivery goes through SMTP when ``MAIL_SERVER`` is set. Without it the message is written to the
log, and in development also to a folder in the instance path that the outbox page shows, so that a
newcomer can follow an invitation or reset link without a mail server. Tests use the ``memory``
backend and read ``sent_messages``.
"""

from __future__ import annotations

import json
import logging
import secrets
import smtplib
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from flask import Flask, current_app, render_template
from flask_babel import force_locale
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from fieldapp.common.time import now_utc
from fieldapp.config import DEVELOPMENT

log = logging.getLogger(__name__)
_PENDING = "fieldapp_pending_mail"


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str


def render_message(to: str, language: str, template: str, **context: Any) -> Message:
    """Render ``templates/mail/<template>.txt`` in the recipient's language.

    The first line of the rendered text is the subject; the rest is the body.
    """
    with force_locale(language):
        text = render_template(f"mail/{template}.txt", **context)
    subject, _, body = text.strip().partition("\n")
    return Message(to=to, subject=one_line(subject), body=body.strip() + "\n")


def one_line(text: str) -> str:
    """``text`` with every run of white space, line breaks of any kind included (CR, LF, U+2028),
    as one space: what a person typed in a name cannot break or add an e-mail header."""
    return " ".join(text.split())


def send_after_commit(session: Session, message: Message) -> None:
    """Queue ``message``; it is delivered when ``session`` commits and dropped if it rolls back."""
    if not session.in_transaction():
        session.begin()  # so that a rollback, even with no SQL run yet, discards the message
    session.info.setdefault(_PENDING, []).append(message)


def backend(app: Flask) -> str:
    if app.config.get("FIELDAPP_MAIL_BACKEND"):
        return app.config["FIELDAPP_MAIL_BACKEND"]
    if app.config["MAIL_SERVER"]:
        return "smtp"
    return "outbox" if app.config["FIELDAPP_ENV"] == DEVELOPMENT else "log"


def outbox_dir(app: Flask) -> Path:
    return Path(app.instance_path) / "mail-outbox"


def sent_messages(app: Flask) -> list[Message]:
    """Messages delivered by the ``memory`` backend (tests)."""
    return app.extensions.setdefault("fieldapp_sent_mail", [])


def deliver(message: Message) -> None:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    kind = backend(app)
    if kind == "memory":
        sent_messages(app).append(message)
    elif kind == "smtp":
        _deliver_smtp(app, message)
    else:
        # The body may hold a secret link: only its subject and recipient go to the log.
        log.info("mail not sent (no MAIL_SERVER is set)")  # no address, no subject: personal
        if kind == "outbox":
            _write_outbox(app, message)


def as_email(message: Message, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to
    email["Subject"] = message.subject
    email.set_content(message.body)
    return email


def _deliver_smtp(app: Flask, message: Message) -> None:
    config = app.config
    email = as_email(message, config["MAIL_DEFAULT_SENDER"])
    smtp_class = smtplib.SMTP_SSL if config["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(
        config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]
    ) as s:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            s.starttls()
        if config["MAIL_USERNAME"]:
            s.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        s.send_message(email)


def _write_outbox(app: Flask, message: Message) -> None:
    folder = outbox_dir(app)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{now_utc():%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}.json"
    record = {"sent_at": now_utc().isoformat(), **asdict(message)}
    (folder / name).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


def read_outbox(app: Flask, limit: int = 50) -> list[dict[str, str]]:
    folder = outbox_dir(app)
    if not folder.is_dir():
        return []
    paths = sorted(folder.glob("*.json"), reverse=True)[:limit]
    return [json.loads(path.read_text(encoding="utf-8")) for path in paths]


def _after_commit(session: Session) -> None:
    for message in session.info.pop(_PENDING, []):
        try:
            deliver(message)
        except (OSError, smtplib.SMTPException) as error:
            # The change is committed; a mail that fails is logged, never turned into a 500. Not
            # the address, the subject or the server's answer: they name the person and the client.
            log.error("could not deliver mail: %s", type(error).__name__)


def _after_soft_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    """Forget queued mail when the change it describes is rolled back (savepoints excepted)."""
    if not previous_transaction.nested:
        session.info.pop(_PENDING, None)


def install(session_class: type[Session]) -> None:
    if not event.contains(session_class, "after_commit", _after_commit):
        event.listen(session_class, "after_commit", _after_commit)
        event.listen(session_class, "after_soft_rollback", _after_soft_rollback)
