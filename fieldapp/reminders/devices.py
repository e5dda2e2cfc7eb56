"""A user's devices: subscribing, listing, removing, and the test notification."""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, delete, select, update
from wtforms import Field, Form
from wtforms.validators import DataRequired, ValidationError

from fieldapp.auth.models import User, UserSession
from fieldapp.auth.sessions import is_live
from fieldapp.common import events
from fieldapp.common.json_forms import JSONForm, Nested, Text
from fieldapp.common.rules import RuleBroken
from fieldapp.common.time import now_utc
from fieldapp.extensions import db
from fieldapp.reminders import endpoints, push
from fieldapp.reminders.models import PushSubscription

MAX_ENDPOINT = 1000
# Devices one person gets notifications on (a phone, a laptop, a new phone...): each is a push the
# server sends, within the request of the test notification and at every reminder, to whatever
# public https address the subscription names. Beyond these, the oldest go.
MOST_DEVICES = 10


UNREADABLE_KEYS = _l("This device's notification keys could not be read.")
UNREADABLE_ADDRESS = _l("This device's notification address could not be read.")


class _KeyOf:
    """A URL-safe base64 key of ``length`` bytes, as browsers give them."""

    def __init__(self, length: int) -> None:
        self.length = length

    def __call__(self, form: Form, field: Field) -> None:
        value = field.data
        if not isinstance(value, str) or len(value) > 200:
            raise ValidationError(str(UNREADABLE_KEYS))
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
        except (binascii.Error, ValueError):
            raise ValidationError(str(UNREADABLE_KEYS)) from None
        if len(raw) != self.length:
            raise ValidationError(str(UNREADABLE_KEYS))


class KeysInput(JSONForm):
    unreadable = UNREADABLE_KEYS
    p256dh = Text(validators=[_KeyOf(65)])
    auth = Text(validators=[_KeyOf(16)])


class SubscriptionInput(JSONForm):
    """What ``PushSubscription.toJSON()`` gives."""

    unreadable = UNREADABLE_KEYS
    endpoint = Text(validators=[DataRequired(UNREADABLE_ADDRESS)])
    keys = Nested(KeysInput)

    def validate_endpoint(self, field: Text) -> None:
        parts = urlsplit(field.data)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise ValidationError(str(UNREADABLE_ADDRESS))
        if len(field.data) > MAX_ENDPOINT:
            raise ValidationError(str(UNREADABLE_ADDRESS))


class EndpointInput(JSONForm):
    """The address of the browser that signs out (``PushSubscription.endpoint``)."""

    unreadable = UNREADABLE_ADDRESS
    endpoint = Text(validators=[DataRequired(UNREADABLE_ADDRESS)])

    def validate_endpoint(self, field: Text) -> None:
        if len(field.data) > MAX_ENDPOINT:
            raise ValidationError(str(UNREADABLE_ADDRESS))


def _digest(endpoint: str) -> str:
    return hashlib.sha256(endpoint.encode("utf-8")).hexdigest()


def subscribe(user: User, payload: Any, label: str) -> PushSubscription:
    """Keep (or move to ``user``) the subscription a browser made; one row per endpoint. It is
    bound to the session ``user`` acts through, and ends with it (:func:`follow_sessions`)."""
    if user.session_record is None:
        raise RuleBroken(_("Sign in on this device to get notifications on it."))
    incoming = SubscriptionInput.read(payload)
    endpoint = incoming.endpoint.data
    if not current_app.config["FIELDAPP_PUSH_PRIVATE_ENDPOINTS"]:
        try:
            endpoints.check(endpoint)
        except endpoints.NotPublic:
            raise RuleBroken(
                _("This device's notification address is not a push service on the internet.")
            ) from None
    p256dh, auth = incoming.keys.data["p256dh"], incoming.keys.data["auth"]
    digest = _digest(endpoint)
    # One row per browser: a phone that changes hands (even to another organisation) moves over.
    db.session.execute(
        delete(PushSubscription)
        .where(PushSubscription.endpoint_hash == digest)
        .execution_options(all_tenants=True, synchronize_session=False)
    )
    subscription = PushSubscription(
        organisation_id=user.organisation_id,
        user_id=user.id,
        session_id=user.session_record.id,
        endpoint=endpoint,
        endpoint_hash=digest,
        p256dh=p256dh,
        auth=auth,
        label=label[:120],
    )
    db.session.add(subscription)
    db.session.flush()
    _forget_oldest(user)
    return subscription


def _forget_oldest(user: User) -> None:
    kept = (
        select(PushSubscription.id)
        .where(PushSubscription.user_id == user.id)
        .order_by(PushSubscription.id.desc())
        .limit(MOST_DEVICES)
    )
    db.session.execute(
        delete(PushSubscription)
        .where(PushSubscription.user_id == user.id, PushSubscription.id.not_in(kept))
        .execution_options(synchronize_session=False)
    )


def live() -> Select[tuple[PushSubscription]]:
    """The subscriptions whose session is still live: only these are ever pushed to."""
    return select(PushSubscription).join(PushSubscription.session).where(is_live(now_utc()))


def of_user(user: User) -> list[PushSubscription]:
    return list(
        db.session.scalars(
            live().where(PushSubscription.user_id == user.id).order_by(PushSubscription.created_at)
        )
    )


def on_this_device(user: User) -> bool:
    """Whether the sign-in ``user`` acts through has notifications: a session's subscriptions end
    with it, so a browser that allowed them before gets none after signing in again (or after an
    upgrade that bound them to sign-ins) until it is subscribed in this one."""
    record = user.session_record
    if record is None:
        return False
    return (
        db.session.scalar(
            select(PushSubscription.id).where(PushSubscription.session_id == record.id).limit(1)
        )
        is not None
    )


def _end_with(user: User, sessions: list[UserSession], **_: object) -> None:
    """The devices whose sessions ended (from here or elsewhere) get no more notifications."""
    if sessions:
        db.session.execute(
            delete(PushSubscription)
            .where(PushSubscription.session_id.in_([record.id for record in sessions]))
            .execution_options(synchronize_session=False)
        )


def _move_with(user: User, previous: UserSession, current: UserSession, **_: object) -> None:
    """The device that signed in afresh keeps its notifications."""
    db.session.execute(
        update(PushSubscription)
        .where(PushSubscription.session_id == previous.id)
        .values(session_id=current.id)
        .execution_options(synchronize_session=False)
    )


def follow_sessions() -> None:
    """A session's subscriptions end with it, and move with the device that signs in afresh
    (``fieldapp.common.events``)."""
    events.sessions_ended.connect(_end_with)
    events.session_renewed.connect(_move_with)


def forget(user: User, payload: Any) -> None:
    """Stop notifications to the browser that signs ``user`` out: a shared phone must not show
    the next person whose visit is due. Only ``user``'s own subscription goes; an address that is
    not theirs, or no longer kept, changes nothing."""
    endpoint = EndpointInput.read(payload).endpoint.data
    db.session.execute(
        delete(PushSubscription)
        .where(
            PushSubscription.endpoint_hash == _digest(endpoint),
            PushSubscription.user_id == user.id,
        )
        .execution_options(synchronize_session=False)
    )


def remove(subscription: PushSubscription) -> None:
    db.session.delete(subscription)
    db.session.flush()


def deliver(subscription: PushSubscription, message: push.Message) -> push.Result:
    """Send and note the outcome on the device: a device the push service forgot is removed."""
    sender = push.Sender.of(current_app._get_current_object())  # type: ignore[attr-defined]
    private = current_app.config["FIELDAPP_PUSH_PRIVATE_ENDPOINTS"]
    with endpoints.session(private) as session:
        result = push.send(sender, push.Target.of(subscription), message, session=session)
    if result.outcome is push.Outcome.SENT:
        subscription.last_sent_at = now_utc()
        subscription.last_error = ""
    elif result.outcome is push.Outcome.GONE:
        db.session.delete(subscription)
    else:
        subscription.last_error = (result.reason or f"HTTP {result.status}")[:300]
    db.session.flush()
    return result


def send_test(user: User, url: str) -> list[push.Result]:
    message = push.Message(
        _("fieldapp"),
        _("Notifications work on this device."),
        url,
        key=f"test-{user.id}-{int(now_utc().timestamp())}",
    )
    return [deliver(subscription, message) for subscription in of_user(user)]
