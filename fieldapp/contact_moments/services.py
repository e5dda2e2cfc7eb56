"""Recording contacts with or about a client, once per UUID.

A contact is stored by the UUID the device (or the plain form) made, like a note revision
(``fieldapp.visits.notes``): sending it again finds the first and gets the same answer, and two
sends that race store one row (the unique UUID decides; the loser answers with the winner).

Dates: a contact happened at a moment the phone knows, not in the future (a phone's clock may be a
few minutes ahead) and not before the client's file or first trajectory began.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, Select, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from wtforms import Field
from wtforms.validators import DataRequired, Length, ValidationError

from fieldapp.audit import services as audit
from fieldapp.auth.models import User
from fieldapp.clients import timeline
from fieldapp.clients.models import Client
from fieldapp.common import events
from fieldapp.common.dates import local_date
from fieldapp.common.json_forms import JSONForm, Moment, Text, UUIDText
from fieldapp.common.rules import RuleBroken
from fieldapp.common.tenancy import of_tenant, tenant_rows
from fieldapp.common.time import local_zone, now_utc
from fieldapp.contact_moments.models import ContactKind, ContactMoment
from fieldapp.extensions import db
from fieldapp.trajectories.models import Trajectory

MAX_NOTE = 500
CLOCK_AHEAD = timedelta(minutes=10)  # a phone's clock may run a little ahead; not more
LATEST_SHOWN = 5
NO_IDENTIFIER = _l("This contact has no valid identifier.")


@dataclass(frozen=True)
class IncomingContact:
    uuid: str
    kind: ContactKind
    reached: bool
    note: str
    happened_at: datetime | None


class YesNo(Field):
    """A JSON true or false; missing reads as ``default``, anything else is refused."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = self.default
        if valuelist:
            if not isinstance(valuelist[0], bool):
                raise ValueError(_("Say whether the client was reached."))
            self.data = valuelist[0]


class ContactInput(JSONForm):
    """A contact as a device (or the plain form) sends it; checked in this order."""

    unreadable = _l("The contact could not be read.")
    kind = Text(validators=[DataRequired(_l("Choose what kind of contact it was."))])
    reached = YesNo(default=True)
    note = Text(
        validators=[
            Length(max=MAX_NOTE, message=_l("At most %(n)d characters.", n=MAX_NOTE)),
        ]
    )
    happened_at = Moment(message=_l("The contact's date could not be read."))
    uuid = UUIDText(message=NO_IDENTIFIER)

    def validate_kind(self, field: Text) -> None:
        if field.data not in {kind.value for kind in ContactKind}:
            raise ValidationError(_("This kind of contact is unknown."))

    def validate_happened_at(self, field: Moment) -> None:
        if field.data is not None and field.data.tzinfo is None:
            raise ValidationError(_("The contact's date could not be read."))


def parse(payload: Any) -> IncomingContact:
    """Check what a device sent; every refusal says why, so that the device can show it."""
    form = ContactInput.read(payload)
    return IncomingContact(
        uuid=form.uuid.data,
        kind=ContactKind(form.kind.data),
        reached=form.reached.data,
        note=(form.note.data or "").strip(),
        happened_at=form.happened_at.data,
    )


def earliest_day(client: Client) -> date:
    """The first day a contact can have happened: when the file or its first trajectory began."""
    first_start = db.session.scalar(
        select(func.min(Trajectory.started_on)).where(Trajectory.client_id == client.id)
    )
    opened = local_date(client.created_at)
    return min(opened, first_start) if first_start else opened


def _check_moment(client: Client, moment: datetime) -> None:
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:
        raise RuleBroken(_("The contact's date could not be read."), "happened_at") from None
    if moment > now_utc() + CLOCK_AHEAD:
        raise RuleBroken(_("A contact cannot be in the future."), "happened_at")
    if local_date(moment) < earliest_day(client):
        raise RuleBroken(
            _("This date is before the client's file and trajectory began."), "happened_at"
        )


def _existing(contact_uuid: str) -> ContactMoment | None:
    return db.session.scalars(
        select(ContactMoment).where(ContactMoment.uuid == contact_uuid)
    ).first()


def _same(existing: ContactMoment, client: Client, incoming: IncomingContact) -> ContactMoment:
    if existing.client_id != client.id:
        raise RuleBroken(_("This contact identifier is already used for another contact."))
    return existing


def record(actor: User, client: Client, incoming: IncomingContact) -> tuple[ContactMoment, bool]:
    """Store a contact once; returns it and whether it is new. Commits (idempotency needs it:
    a twin request that stored the same UUID a moment ago must be answered, not failed)."""
    if client.anonymised_at is not None:
        raise RuleBroken(_("This file is anonymised."))
    existing = _existing(incoming.uuid)
    if existing is not None:
        return _same(existing, client, incoming), False
    happened_at = incoming.happened_at or now_utc()
    _check_moment(client, happened_at)
    contact = ContactMoment(
        organisation_id=client.organisation_id,
        uuid=incoming.uuid,
        client_id=client.id,
        kind=incoming.kind.value,
        reached=incoming.reached,
        note=incoming.note,
        happened_at=happened_at.astimezone(UTC),
        recorded_by_id=actor.id,
    )
    try:
        db.session.add(contact)
        db.session.flush()
        timeline.add(
            client,
            "contact_recorded",
            actor,
            contact=incoming.kind.value,
            reached=incoming.reached,
            on=local_date(contact.happened_at).isoformat(),
        )
        audit.record(
            "contact.recorded", organisation_id=client.organisation_id, actor=actor, target=client
        )
        events.client_file_changed.send(client)  # the contact rhythm's moment moves
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = _existing(incoming.uuid)
        if existing is None:  # taken in another organisation: refuse, reveal nothing
            raise RuleBroken(
                _("This contact identifier is already used for another contact.")
            ) from None
        return _same(existing, client, incoming), False
    return contact, True


def as_json(contact: ContactMoment) -> dict[str, Any]:
    return {
        "uuid": contact.uuid,
        "client_id": contact.client_id,
        "kind": contact.kind,
        "reached": contact.reached,
        "happened_at": contact.happened_at.isoformat(),
    }


def latest_of(client: Client, limit: int = LATEST_SHOWN) -> Sequence[Row[Any]]:
    """The client's latest contacts, newest first (one query): rows of the columns a contact list
    shows, with ``recorded_by_name`` (see ``tenancy.tenant_rows``; the client's page reads them on
    every opening)."""
    return tenant_rows(_latest_of(limit), client.organisation_id, {"client_id": client.id})


@cache
def _latest_of(limit: int) -> Select:
    """The statement of :func:`latest_of`, built once for each of the few limits asked for."""
    return (
        select(
            ContactMoment.uuid,
            ContactMoment.kind,
            ContactMoment.reached,
            ContactMoment.note,
            ContactMoment.happened_at,
            User.name.label("recorded_by_name"),
        )
        .outerjoin(User, (User.id == ContactMoment.recorded_by_id) & of_tenant(User))
        .where(ContactMoment.client_id == bindparam("client_id"), of_tenant(ContactMoment))
        .order_by(ContactMoment.happened_at.desc(), ContactMoment.id.desc())
        .limit(limit)
    )


def contacts_since(client: Client, since: date | None) -> list[ContactMoment]:
    """The client's contacts from the local day ``since`` on (all when None), oldest first: the
    evaluation's evidence ("contacts since the last evaluation"). Done visits are ``Visit`` rows
    and are not included."""
    statement = select(ContactMoment).where(ContactMoment.client_id == client.id)
    if since is not None:
        statement = statement.where(ContactMoment.happened_at >= _start_of(since))
    return list(
        db.session.scalars(
            statement.options(joinedload(ContactMoment.recorded_by)).order_by(
                ContactMoment.happened_at, ContactMoment.id
            )
        )
    )


def _start_of(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=local_zone()).astimezone(UTC)
