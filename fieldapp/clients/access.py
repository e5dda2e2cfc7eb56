"""Who may open a client's file, and who may read its sensitive part.

- a counsellor: their own clients and the ones explicitly shared with them;
- a team lead: also every client of a counsellor in their team;
- an administrator: every client of the organisation, but not the sensitive part;
- the sensitive part (health, family, addiction, debts, referral reasons): only the client's
  counsellor, the team lead of that counsellor's team, and people it was shared with explicitly
  "with sensitive details".

A file one may not open answers 404, as if it did not exist. Routes apply these rules through
their declaration (:func:`fieldapp.clients.file_access.requires`); the share and hand-over
services apply ``can_reassign`` themselves.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select, true

from fieldapp.auth.models import User
from fieldapp.clients.models import Client, ClientShare
from fieldapp.extensions import db


def visible_clause(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``Client`` that keeps the files ``user`` may open."""
    if user.is_admin:
        return true()
    shared = select(ClientShare.client_id).where(ClientShare.user_id == user.id)
    conditions = [Client.counsellor_id == user.id, Client.id.in_(shared)]
    if user.is_team_lead and user.team_id is not None:
        team = select(User.id).where(User.team_id == user.team_id)
        conditions.append(Client.counsellor_id.in_(team))
    return or_(*conditions)


def _share(user: User, client: Client) -> ClientShare | None:
    return db.session.scalars(
        select(ClientShare).where(
            ClientShare.client_id == client.id, ClientShare.user_id == user.id
        )
    ).first()


def leads_team_of(user: User, client: Client) -> bool:
    return (
        user.is_team_lead and user.team_id is not None and client.counsellor.team_id == user.team_id
    )


def can_open(user: User, client: Client) -> bool:
    return (
        user.is_admin
        or client.counsellor_id == user.id
        or leads_team_of(user, client)
        or _share(user, client) is not None
    )


def can_see_sensitive(user: User, client: Client) -> bool:
    if user.is_admin:  # never, whatever was stored before the services refused it
        return False
    if client.counsellor_id == user.id or leads_team_of(user, client):
        return True
    share = _share(user, client)
    return share is not None and share.include_sensitive


def can_reassign(user: User, client: Client) -> bool:
    """Hand-overs and shares: the client's counsellor, their team lead, an administrator."""
    return user.is_admin or client.counsellor_id == user.id or leads_team_of(user, client)
