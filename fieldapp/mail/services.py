"""E-mail: rendered here, queued as a row in the transaction that caused it, delivered later.

:func:`queue_mail` adds an :class:`~fieldapp.mail.models.OutgoingMail` row to the caller's session:
it is committed with the change it describes and rolled back with it, and no request ever talks to
a mail server. The scheduler's mail pass (:mod:`fieldapp.mail.delivery`) hands each row to
:func:`deliver`. That goes through SMTP when ``MAIL_SERVER`` is set. Without it the message is
written to the log, and in development also to a folder in the instance path that the outbox page
shows, so that a newcomer can follow an invitation or reset link without a mail server. Tests use
the ``memory`` backend: they run the mail pass and read ``sent_messages``.
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
from sqlalchemy import select
from sqlalchemy.orm import Session

from fieldapp.common.time import now_utc
from fieldapp.config import DEVELOPMENT
from fieldapp.extensions import db
from fieldapp.mail.models import MailStatus, OutgoingMail

log = logging.getLogger(__name__)


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


def queue_mail(
    session: Session,
    message: Message,
    *,
    organisation_id: int,
    about: tuple[str, int] | None = None,
) -> OutgoingMail:
    """Add ``message`` to ``session`` as a queued row of ``organisation_id``: it is sent by the
    scheduler's next mail pass once the session commits, and never if it rolls back. ``about``
    names what caused it (``("invitation", invitation.id)``), for pages that show delivery."""
    kind, ident = about or ("", None)
    row = OutgoingMail(
        organisation_id=organisation_id,
        recipient=message.to,
        subject=message.subject,
        body=message.body,
        status=MailStatus.QUEUED.value,
        attempts=0,
        next_attempt_at=now_utc(),
        about_kind=kind,
        about_id=ident,
    )
    session.add(row)
    return row


def mails_about(kind: str, ids: list[int]) -> dict[int, list[OutgoingMail]]:
    """The mail about each of ``ids`` (of ``kind``) that has any, oldest first, in one query."""
    found: dict[int, list[OutgoingMail]] = {}
    if ids:
        for row in db.session.scalars(
            select(OutgoingMail)
            .where(OutgoingMail.about_kind == kind, OutgoingMail.about_id.in_(ids))
            .order_by(OutgoingMail.id)
        ):
            found.setdefault(row.about_id or 0, []).append(row)
    return found


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
        # The body may hold a secret link, the address and the subject name a person: none of
        # them goes to the log.
        log.info("mail not sent (no MAIL_SERVER is set)")
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
