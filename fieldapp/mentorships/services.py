"""Pairing mentors (peter/meter) and planning their check-ins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from fieldapp.audit import services as audit
from fieldapp.auth.models import User
from fieldapp.clients import timeline
from fieldapp.clients.models import Client
from fieldapp.common import events
from fieldapp.common.rules import RuleBroken
from fieldapp.common.tenancy import of_tenant, tenant_rows
from fieldapp.extensions import db
from fieldapp.mentorships.models import CheckIn, Mentorship
from fieldapp.method import rules
from fieldapp.worksites.models import Contact


def pair(
    actor: User,
    *,
    starts_on: date,
    mentor_contact: Contact | None = None,
    mentor_user: User | None = None,
    mentee_client: Client | None = None,
    mentee_user: User | None = None,
    note: str = "",
) -> Mentorship:
    """Pair one mentor with one mentee and plan the check-ins (the organisation's rule; by
    default after 1 week, 1 month and 3 months)."""
    if (mentor_contact is None) == (mentor_user is None):
        raise RuleBroken(_("Choose one mentor: a worksite contact or a colleague."), field="mentor")
    if (mentee_client is None) == (mentee_user is None):
        raise RuleBroken(_("Choose who is mentored."), field="mentee")
    if mentor_user is not None and mentee_user is not None and mentor_user.id == mentee_user.id:
        raise RuleBroken(_("Nobody can be their own mentor."), field="mentor")
    mentorship = Mentorship(
        organisation_id=actor.organisation_id,
        mentor_contact_id=mentor_contact.id if mentor_contact else None,
        mentor_user_id=mentor_user.id if mentor_user else None,
        mentee_client_id=mentee_client.id if mentee_client else None,
        mentee_user_id=mentee_user.id if mentee_user else None,
        starts_on=starts_on,
        note=note.strip(),
    )
    for days in rules.of_organisation(actor.organisation_id).of(rules.RuleKind.CHECK_IN):
        mentorship.check_ins.append(
            CheckIn(
                organisation_id=actor.organisation_id,
                days=days,
                due_on=starts_on + timedelta(days=days),
            )
        )
    db.session.add(mentorship)
    db.session.flush()
    mentor_name = (mentor_contact or mentor_user).name  # type: ignore[union-attr]
    if mentee_client is not None:
        timeline.add(mentee_client, "mentorship_started", actor, mentor=mentor_name)
    audit.record(
        "mentorship.created", organisation_id=actor.organisation_id, actor=actor, target=mentorship
    )
    events.mentorship_changed.send(mentorship)
    return mentorship


def check_in_done(actor: User, check_in: CheckIn, on: date) -> None:
    if check_in.done_on is not None:
        raise RuleBroken(_("This check-in is already recorded."))
    check_in.done_on = on
    audit.record(
        "mentorship.check_in_done",
        organisation_id=actor.organisation_id,
        actor=actor,
        target=check_in,
    )
    db.session.flush()
    events.mentorship_changed.send(db.session.get(Mentorship, check_in.mentorship_id))


def of_client(client: Client) -> list[Mentorship]:
    return list(
        db.session.scalars(
            select(Mentorship)
            .where(Mentorship.mentee_client_id == client.id, Mentorship.ended_on.is_(None))
            .options(
                joinedload(Mentorship.mentor_contact),
                joinedload(Mentorship.mentor_user),
                selectinload(Mentorship.check_ins),
            )
        )
    )


@dataclass(frozen=True)
class OpenCheckIn:
    id: int
    due_on: date


@dataclass(frozen=True)
class MentorOnFile:
    """A client's current mentor as the client's file shows them."""

    mentor_name: str
    open_check_ins: list[OpenCheckIn]  # not held yet, by due day


def on_file(client: Client) -> list[MentorOnFile]:
    """The client's current mentors, with the check-ins still to hold: one query of the few
    columns the client's file shows (the file is opened often; :func:`of_client` loads whole
    records and their every check-in)."""
    rows = tenant_rows(_on_file(), client.organisation_id, {"client_id": client.id})
    mentors: dict[int, MentorOnFile] = {}
    for row in rows:
        mentor = mentors.get(row.id)
        if mentor is None:  # the contact's name, else the counsellor's (as Mentorship.mentor_name)
            name = row.contact_name if row.contact_name is not None else row.user_name
            mentor = mentors[row.id] = MentorOnFile(name or "", [])
        if row.check_in_id is not None:
            mentor.open_check_ins.append(OpenCheckIn(row.check_in_id, row.due_on))
    return list(mentors.values())


@cache
def _on_file() -> Select:
    """Built once with its tenant's criteria (see ``tenancy.tenant_rows``)."""
    return (
        select(
            Mentorship.id,
            Contact.name.label("contact_name"),
            User.name.label("user_name"),
            CheckIn.id.label("check_in_id"),
            CheckIn.due_on,
        )
        .outerjoin(
            Contact,
            (Contact.id == Mentorship.mentor_contact_id) & (of_tenant(Contact)),
        )
        .outerjoin(User, (User.id == Mentorship.mentor_user_id) & (of_tenant(User)))
        .outerjoin(
            CheckIn,
            (CheckIn.mentorship_id == Mentorship.id)
            & CheckIn.done_on.is_(None)
            & (of_tenant(CheckIn)),
        )
        .where(
            Mentorship.mentee_client_id == bindparam("client_id"),
            Mentorship.ended_on.is_(None),
            of_tenant(Mentorship),
        )
        .order_by(Mentorship.id, CheckIn.due_on, CheckIn.id)
    )


def for_counsellors() -> list[Mentorship]:
    """Mentorships of new counsellors (mentee is a user)."""
    return list(
        db.session.scalars(
            select(Mentorship)
            .where(Mentorship.mentee_user_id.is_not(None))
            .options(
                joinedload(Mentorship.mentor_user),
                joinedload(Mentorship.mentee_user),
                selectinload(Mentorship.check_ins),
            )
            .order_by(Mentorship.starts_on.desc())
        )
    )
