"""Referrals: added, followed up, closed; the timeline says that, not why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, select

from fieldapp.audit import services as audit
from fieldapp.auth.models import User
from fieldapp.clients import timeline
from fieldapp.clients.models import Client
from fieldapp.common import events
from fieldapp.common.dates import today
from fieldapp.common.rules import RuleBroken
from fieldapp.common.tenancy import of_tenant, tenant_rows
from fieldapp.extensions import db
from fieldapp.referrals.models import OPEN_STATUSES, Referral, ReferralStatus


@dataclass(frozen=True)
class ReferralDetails:
    partner: str
    reason: str
    status: ReferralStatus
    follow_up_on: date | None


def _check(details: ReferralDetails) -> None:
    if details.status.is_open and details.follow_up_on is None:
        raise RuleBroken(
            _("Choose a date to follow this referral up: you stay the contact."),
            field="follow_up_on",
        )


def create(actor: User, client: Client, details: ReferralDetails) -> Referral:
    _check(details)
    referral = Referral(
        organisation_id=client.organisation_id,
        client_id=client.id,
        partner=details.partner.strip(),
        reason=details.reason.strip(),
        status=details.status.value,
        follow_up_on=details.follow_up_on,
        closed_on=None if details.status.is_open else today(),
    )
    db.session.add(referral)
    db.session.flush()
    timeline.add(client, "referral_added", actor, partner=referral.partner)
    audit.record(
        "referral.created", organisation_id=client.organisation_id, actor=actor, target=referral
    )
    events.client_file_changed.send(client)
    return referral


def update(actor: User, referral: Referral, details: ReferralDetails) -> None:
    _check(details)
    was_open = referral.is_open
    referral.partner = details.partner.strip()
    referral.reason = details.reason.strip()
    referral.status = details.status.value
    referral.follow_up_on = details.follow_up_on
    if was_open and not details.status.is_open:
        referral.closed_on = today()
    elif details.status.is_open:
        referral.closed_on = None
    timeline.add(
        referral.client, "referral_updated", actor, partner=referral.partner, status=referral.status
    )
    audit.record(
        "referral.updated", organisation_id=referral.organisation_id, actor=actor, target=referral
    )
    db.session.flush()
    events.client_file_changed.send(referral.client)


def of_client(client: Client) -> list[Referral]:
    return list(db.session.scalars(_of_client(), {"client_id": client.id}))


class ReferralOnFile(NamedTuple):
    """What the client's file shows of a referral."""

    id: int
    partner: str
    status: str
    follow_up_on: date | None

    @property
    def is_open(self) -> bool:
        """Open, so its follow-up date shows; a status this release does not know is not."""
        return self.status in OPEN_STATUSES


def on_file(client: Client) -> list[ReferralOnFile]:
    """The client's referrals, newest first, as :func:`of_client` orders them: only the columns
    the client's file shows (one query, see ``tenancy.tenant_rows``)."""
    rows = tenant_rows(_on_file(), client.organisation_id, {"client_id": client.id})
    return [ReferralOnFile(*row) for row in rows]


@cache
def _on_file() -> Select:
    return (
        select(Referral.id, Referral.partner, Referral.status, Referral.follow_up_on)
        .where(
            Referral.client_id == bindparam("client_id"),
            of_tenant(Referral),
        )
        .order_by(Referral.created_at.desc())
    )


@cache
def _of_client() -> Select:
    return (
        select(Referral)
        .where(Referral.client_id == bindparam("client_id"))
        .order_by(Referral.created_at.desc())
    )
