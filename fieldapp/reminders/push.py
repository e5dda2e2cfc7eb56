"""Sending one Web Push message to one device, and what the push service's answer means.

The payload is small and neutral (a title, a short text, a URL; the detail is behind login). Each
message carries a ``Topic`` derived from the reminder's key, so that a push service replaces an
undelivered earlier copy, and the notification a ``tag`` with the same key, so that a resend after
a crash shows one notification, not two.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from enum import StrEnum

import requests
from flask import Flask
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush

from fieldapp.common.numbers import whole_number
from fieldapp.common.time import now_utc
from fieldapp.reminders import endpoints, vapid
from fieldapp.reminders.models import PushSubscription

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
DEFAULT_TTL = 24 * 60 * 60  # a reminder older than a day is better read in the app


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    url: str
    key: str  # the reminder's key: the notification's tag and the source of the Topic


class Outcome(StrEnum):
    SENT = "sent"
    GONE = "gone"  # 404/410: the browser unsubscribed; forget the device
    RETRY = "retry"  # 429, 5xx or no answer: try again later
    FAILED = "failed"  # anything else (e.g. 400, 413): will not work by retrying


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    status: int | None = None
    retry_after: int | None = None
    reason: str = ""


def topic_of(key: str) -> str:
    """At most 32 characters of the URL-safe base64 alphabet, as RFC 8030 requires."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:32]


def payload_of(message: Message) -> str:
    return json.dumps(
        {"title": message.title, "body": message.body, "url": message.url, "tag": message.key},
        ensure_ascii=False,
    )


def _retry_after(response: requests.Response | None) -> int | None:
    """Seconds to wait, from ``Retry-After`` as seconds or as an HTTP date."""
    value = response.headers.get("Retry-After", "").strip() if response is not None else ""
    if (seconds := whole_number(value)) is not None:
        return seconds
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        return None
    return max(0, int((moment - now_utc()).total_seconds()))


@dataclass(frozen=True)
class Target:
    """Where one device's messages go, as plain values: safe to hand to a sending thread."""

    endpoint: str
    p256dh: str
    auth: str

    @classmethod
    def of(cls, subscription: PushSubscription) -> Target:
        return cls(subscription.endpoint, subscription.p256dh, subscription.auth)


@dataclass(frozen=True)
class Sender:
    """What every send needs from the app: the VAPID key and whom push services can contact."""

    signer: Vapid02 | None
    subject: str

    @classmethod
    def of(cls, app: Flask) -> Sender:
        return cls(vapid.signer(app), app.config["FIELDAPP_VAPID_SUBJECT"])


def send(
    sender: Sender,
    target: Target,
    message: Message,
    *,
    ttl: int = DEFAULT_TTL,
    urgency: str = "normal",
    session: requests.Session,
) -> Result:
    """Encrypt and post ``message`` to ``target``'s push service; never raises for what the
    push service answers. Needs no app context, so threads can send side by side. ``session``
    comes from ``endpoints.session``: it reaches only public push services."""
    if sender.signer is None:
        return Result(Outcome.FAILED, reason="no VAPID key: run flask --app fieldapp vapid-keys")
    claims = {"sub": sender.subject}  # fresh per send: pywebpush adds aud and exp to it
    try:
        webpush(
            {"endpoint": target.endpoint, "keys": {"p256dh": target.p256dh, "auth": target.auth}},
            data=payload_of(message),
            vapid_private_key=sender.signer,
            vapid_claims=claims,
            ttl=ttl,
            timeout=TIMEOUT_SECONDS,
            headers={"Topic": topic_of(message.key), "Urgency": urgency},
            requests_session=session,
        )
    except WebPushException as error:
        response = error.response
        status = response.status_code if response is not None else None
        if status in (404, 410):
            return Result(Outcome.GONE, status)
        if status is None or status == 429 or status >= 500:
            return Result(Outcome.RETRY, status, _retry_after(response), reason=f"HTTP {status}")
        # Only the status: the answer's body comes from a server we do not control.
        log.warning("push refused with HTTP %s", status)
        return Result(Outcome.FAILED, status, reason=f"HTTP {status}")
    except endpoints.NotPublic:
        return Result(Outcome.FAILED, reason="not a public https push service")
    except requests.TooManyRedirects:
        return Result(Outcome.FAILED, reason="the push service redirected: not followed")
    except requests.RequestException as error:
        return Result(Outcome.RETRY, reason=type(error).__name__)
    except ValueError:  # keys that are no point on the curve: this device can never be reached
        return Result(Outcome.FAILED, reason="the device's keys are not valid")
    return Result(Outcome.SENT, 201)
