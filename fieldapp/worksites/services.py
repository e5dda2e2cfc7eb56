"""Worksites and contacts, shared across the organisation."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from fieldapp.audit import services as audit
from fieldapp.auth.models import User
from fieldapp.common.rules import RuleBroken
from fieldapp.extensions import db
from fieldapp.worksites.models import Contact, ContactRole, Worksite, WorksiteKind


@dataclass(frozen=True)
class WorksiteDetails:
    name: str
    kind: WorksiteKind
    address: str
    active: bool = True


@dataclass(frozen=True)
class ContactDetails:
    name: str
    role: ContactRole
    email: str
    phone: str
    language: str | None


def all_worksites(active_only: bool = False) -> list[Worksite]:
    statement = select(Worksite).order_by(Worksite.name)
    if active_only:
        statement = statement.where(Worksite.active.is_(True))
    return list(db.session.scalars(statement))


def names() -> list[tuple[int, str]]:
    """Each worksite's id and name, by name: what a list to choose a worksite from shows."""
    return list(db.session.execute(select(Worksite.id, Worksite.name).order_by(Worksite.name)))


def _check_name(name: str, ignore_id: int | None = None) -> None:
    statement = (
        select(func.count())
        .select_from(Worksite)
        .where(func.lower(Worksite.name) == name.strip().lower())
    )
    if ignore_id is not None:
        statement = statement.where(Worksite.id != ignore_id)
    if db.session.scalar(statement):
        raise RuleBroken(_("There is already a worksite with this name."), field="name")


def create_worksite(actor: User, details: WorksiteDetails) -> Worksite:
    _check_name(details.name)
    worksite = Worksite(
        organisation_id=actor.organisation_id,
        name=details.name.strip(),
        kind=details.kind.value,
        address=details.address.strip(),
    )
    db.session.add(worksite)
    db.session.flush()
    audit.record(
        "worksite.created", organisation_id=actor.organisation_id, actor=actor, target=worksite
    )
    return worksite


def update_worksite(actor: User, worksite: Worksite, details: WorksiteDetails) -> None:
    _check_name(details.name, ignore_id=worksite.id)
    worksite.name = details.name.strip()
    worksite.kind = details.kind.value
    worksite.address = details.address.strip()
    worksite.active = details.active
    audit.record(
        "worksite.updated", organisation_id=actor.organisation_id, actor=actor, target=worksite
    )
    db.session.flush()


def add_contact(actor: User, worksite: Worksite, details: ContactDetails) -> Contact:
    contact = Contact(organisation_id=worksite.organisation_id, worksite_id=worksite.id)
    _apply_contact(contact, details)
    db.session.add(contact)
    db.session.flush()
    audit.record(
        "contact.created", organisation_id=actor.organisation_id, actor=actor, target=contact
    )
    return contact


def update_contact(actor: User, contact: Contact, details: ContactDetails) -> None:
    _apply_contact(contact, details)
    audit.record(
        "contact.updated", organisation_id=actor.organisation_id, actor=actor, target=contact
    )
    db.session.flush()


def _apply_contact(contact: Contact, details: ContactDetails) -> None:
    contact.name = details.name.strip()
    contact.role = details.role.value
    contact.email = details.email.strip().lower()
    contact.phone = details.phone.strip()
    contact.language = details.language


def contacts_by_worksite() -> dict[int, list[Contact]]:
    contacts = db.session.scalars(
        select(Contact).options(joinedload(Contact.worksite)).order_by(Contact.name)
    )
    grouped: dict[int, list[Contact]] = {}
    for contact in contacts:
        grouped.setdefault(contact.worksite_id, []).append(contact)
    return grouped
