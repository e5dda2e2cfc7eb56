"""Client files: creating and changing them, consent, hand-overs and shares."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from fieldapp.audit import services as audit
from fieldapp.auth.models import User
from fieldapp.clients import access, timeline
from fieldapp.clients.models import Client, ClientShare, Handover
from fieldapp.common import events
from fieldapp.common.rules import RefusedAt, RuleBroken
from fieldapp.common.time import now_utc
from fieldapp.common.urls import public_url
from fieldapp.extensions import db
from fieldapp.mail.services import queue_mail, render_message


def name_key(first_name: str, last_name: str) -> str:
    """Lower case without accents or double spaces: "Élise  Van Damme" -> "elise van damme"."""
    text = unicodedata.normalize("NFKD", f"{first_name} {last_name}")
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class ClientDetails:
    first_name: str
    last_name: str
    birth_date: date | None
    phone: str
    email: str
    language: str
    city: str


def _duplicate() -> RuleBroken:
    return RuleBroken(
        _("This client already has a file (same name and birth date). Ask your team lead."),
        field="last_name",
    )


def _check_duplicate(details: ClientDetails, ignore_id: int | None = None) -> None:
    statement = (
        select(func.count())
        .select_from(Client)
        .where(Client.name_key == name_key(details.first_name, details.last_name))
        .where(Client.anonymised_at.is_(None))
    )
    if details.birth_date is not None:
        statement = statement.where(
            (Client.birth_date == details.birth_date) | Client.birth_date.is_(None)
        )
    if ignore_id is not None:
        statement = statement.where(Client.id != ignore_id)
    # The whole organisation, not only the files the actor may open: a duplicate is a duplicate.
    if db.session.scalar(statement):
        raise _duplicate()


def _check_duplicate_among(details: ClientDetails, taken: dict[str, list[date | None]]) -> None:
    """The rule of ``_check_duplicate`` against files already read: the birth dates of the files
    by their name key."""
    births = taken.get(name_key(details.first_name, details.last_name), [])
    if births and (
        details.birth_date is None or any(b is None or b == details.birth_date for b in births)
    ):
        raise _duplicate()


def _apply(client: Client, details: ClientDetails) -> None:
    client.first_name = details.first_name.strip()
    client.last_name = details.last_name.strip()
    client.name_key = name_key(client.first_name, client.last_name)
    client.birth_date = details.birth_date
    client.phone = details.phone.strip()
    client.email = details.email.strip().lower()
    client.language = details.language
    client.city = details.city.strip()


def create_client(actor: User, details: ClientDetails, counsellor: User | None = None) -> Client:
    try:
        return create_clients(actor, [(details, counsellor or actor)])[0]
    except RefusedAt as refused:
        raise refused.error from None


_CHUNK = 500  # names in one IN (...): well below SQLite's limit on bound parameters


def create_clients(actor: User, new: Sequence[tuple[ClientDetails, User]]) -> list[Client]:
    """Open a file for each (details, counsellor), with the rules and records of one file opened
    after the other, in a few statements (a spreadsheet import opens thousands): the duplicate
    rule is checked for all of them in one query per 500 names, each also against the ones before
    it, and they are saved in one flush. Raises ``RefusedAt`` naming the first one refused."""
    taken: dict[str, list[date | None]] = {}
    keys = sorted({name_key(d.first_name, d.last_name) for d, _counsellor in new})
    for start in range(0, len(keys), _CHUNK):
        # The whole organisation, not only the files the actor may open: a duplicate is a
        # duplicate.
        for key, birth_date in db.session.execute(
            select(Client.name_key, Client.birth_date).where(
                Client.name_key.in_(keys[start : start + _CHUNK]),
                Client.anonymised_at.is_(None),
            )
        ):
            taken.setdefault(key, []).append(birth_date)
    clients = []
    for index, (details, counsellor) in enumerate(new):
        try:
            if not may_follow(counsellor) or counsellor.organisation_id != actor.organisation_id:
                raise RuleBroken(
                    _("Choose the counsellor who follows this client."), field="counsellor"
                )
            _check_duplicate_among(details, taken)
        except RuleBroken as error:
            raise RefusedAt(index, error) from error
        client = Client(organisation_id=actor.organisation_id, counsellor_id=counsellor.id)
        _apply(client, details)
        taken.setdefault(client.name_key, []).append(client.birth_date)
        clients.append(client)
    db.session.add_all(clients)
    db.session.flush()
    for client in clients:
        timeline.add(client, "client_created", actor)
        audit.record(
            "client.created", organisation_id=client.organisation_id, actor=actor, target=client
        )
    return clients


def update_client(actor: User, client: Client, details: ClientDetails) -> None:
    _check_duplicate(details, ignore_id=client.id)
    _apply(client, details)
    audit.record(
        "client.updated", organisation_id=client.organisation_id, actor=actor, target=client
    )
    db.session.flush()


def record_viewed(actor: User, client: Client) -> None:
    audit.record_now(
        "client.viewed", organisation_id=client.organisation_id, actor=actor, target=client
    )


def record_consent(actor: User, client: Client, note: str) -> None:
    client.consent_at = now_utc()
    client.consent_note = note.strip()
    timeline.add(client, "consent_recorded", actor)
    audit.record(
        "client.consent_recorded",
        organisation_id=client.organisation_id,
        actor=actor,
        target=client,
    )
    db.session.flush()


def colleagues(actor: User) -> list[User]:
    """The active people of the organisation: whom a client can be handed over or shared to."""
    return list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name)))


def may_follow(user: User) -> bool:
    """Who can follow a client, receive one in a hand-over or have one shared with them: active
    counsellors and team leads. An administrator manages the organisation; he never follows a
    file, so he never reaches its sensitive part, whatever a form offers."""
    return user.active and not user.is_admin


def followers(actor: User) -> list[User]:
    """The people a client can be given to or shared with (see ``may_follow``)."""
    return [user for user in colleagues(actor) if may_follow(user)]


def caseload_owners(actor: User) -> list[User]:
    """Whose clients ``actor`` can filter the caseload on: everyone for an administrator, the
    team for a team lead, nobody else for a counsellor."""
    if actor.is_admin:
        return colleagues(actor)
    if actor.is_team_lead and actor.team_id is not None:
        return list(
            db.session.scalars(
                select(User)
                .where(User.team_id == actor.team_id, User.active.is_(True))
                .order_by(User.name)
            )
        )
    return []


def hand_over(actor: User, client: Client, to: User, note: str) -> Handover:
    """Move ``client`` to another counsellor with a note; both are told, all is recorded."""
    if not access.can_reassign(actor, client):
        raise RuleBroken(_("Only the counsellor, their team lead or an administrator can do this."))
    if to.id == client.counsellor_id:
        raise RuleBroken(_("This counsellor already follows the client."), field="to")
    if not to.active:
        raise RuleBroken(_("This person can no longer sign in."), field="to")
    if not may_follow(to):
        raise RuleBroken(_("An administrator cannot follow a client."), field="to")
    if not note.strip():
        raise RuleBroken(_("Write a short hand-over note for your colleague."), field="note")
    previous = client.counsellor
    handover = Handover(
        organisation_id=client.organisation_id,
        client_id=client.id,
        from_user_id=previous.id,
        to_user_id=to.id,
        note=note.strip(),
    )
    db.session.add(handover)
    client.counsellor_id = to.id
    db.session.flush()
    db.session.refresh(client, ["counsellor"])
    events.client_handed_over.send(client, previous=previous, to=to)
    timeline.add(client, "handed_over", actor, from_name=previous.name, to_name=to.name)
    audit.record(
        "client.handed_over",
        organisation_id=client.organisation_id,
        actor=actor,
        target=client,
        detail={"from": previous.id, "to": to.id},
    )
    link = public_url("clients.show", client_id=client.id)
    message = render_message(
        to.email,
        to.language or to.organisation.default_language,
        "handover",
        recipient=to,
        actor=actor,
        link=link,
    )
    queue_mail(
        db.session(),
        message,
        organisation_id=client.organisation_id,
        about=("handover", handover.id),
    )
    events.client_file_changed.send(client)
    return handover


def share(actor: User, client: Client, user: User, include_sensitive: bool) -> ClientShare:
    if not access.can_reassign(actor, client):
        raise RuleBroken(_("Only the counsellor, their team lead or an administrator can do this."))
    if user.id == client.counsellor_id:
        raise RuleBroken(_("This counsellor already follows the client."), field="user")
    if not may_follow(user):
        raise RuleBroken(_("An administrator cannot follow a client."), field="user")
    existing = db.session.scalars(
        select(ClientShare).where(
            ClientShare.client_id == client.id, ClientShare.user_id == user.id
        )
    ).first()
    grant = existing or ClientShare(
        organisation_id=client.organisation_id, client_id=client.id, user_id=user.id
    )
    grant.include_sensitive = include_sensitive
    grant.granted_by_id = actor.id
    grant.granted_at = now_utc()
    db.session.add(grant)
    db.session.flush()
    audit.record(
        "client.shared",
        organisation_id=client.organisation_id,
        actor=actor,
        target=client,
        detail={"with": user.id, "sensitive": include_sensitive},
    )
    return grant


def unshare(actor: User, client: Client, grant: ClientShare) -> None:
    """The colleague may no longer open the file; what they still had open in it (their agreed
    actions) goes to the client's counsellor, as at a hand-over, so that their home screen stops
    naming the client and nothing agreed is dropped."""
    if not access.can_reassign(actor, client) or grant.client_id != client.id:
        raise RuleBroken(_("Only the counsellor, their team lead or an administrator can do this."))
    colleague = grant.user
    db.session.delete(grant)
    db.session.flush()
    detail: dict[str, int] = {"with": colleague.id}
    if not access.can_open(colleague, client):  # a lead of the counsellor's team still may
        events.client_unshared.send(client, user=colleague, to=client.counsellor)
        detail["follow_ups_to"] = client.counsellor_id
    audit.record(
        "client.unshared",
        organisation_id=client.organisation_id,
        actor=actor,
        target=client,
        detail=detail,
    )
    db.session.flush()


def shares_of(client: Client) -> list[ClientShare]:
    return list(db.session.scalars(select(ClientShare).where(ClientShare.client_id == client.id)))
