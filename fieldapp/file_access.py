"""Access to a client's file, declared once per route.

``@requires(Permission.CHANGE, "visit_id")`` under ``@bp.route`` loads the record that the URL
argument names, finds the client file it belongs to, and lets the view run only when the
signed-in user may do that to that file; the view gets the loaded records as keyword arguments
(``visit=...``) and :func:`opened_file` tells what else the user may do with the file.

The answers, in this order:

- another organisation's record, or a file one may not open: 404, as if it did not exist
  (the rules of who may open a file are in :mod:`fieldapp.clients.access`);
- an anonymised file: it can still be read (what remains of it), exported and erased again (which
  changes nothing), but nothing in it changes any more, whatever the record: 410;
- a file one may open but not in this way (the sensitive part, a hand-over or a share): 403.

This module sits above the domain packages: it knows each one's records, they do not know it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import cached_property, wraps
from typing import Any, TypeVar

from flask import abort, g
from flask_babel import gettext as _
from flask_login import login_required

from fieldapp.auth.access import acting_user
from fieldapp.auth.models import User
from fieldapp.auth.roles import Role
from fieldapp.clients import access
from fieldapp.clients.models import Client
from fieldapp.common.access import Declared, declare
from fieldapp.common.tenancy import get_or_404
from fieldapp.feedback.models import FeedbackRound, Invitation
from fieldapp.mentorships.models import CheckIn, Mentorship
from fieldapp.referrals.models import Referral
from fieldapp.trajectories.models import Evaluation, Trajectory
from fieldapp.visits.models import FollowUp, Visit

F = TypeVar("F", bound=Callable[..., Any])


class Permission(Enum):
    """What a route does to a client's file."""

    READ = "read"  # open the file: its counsellor, their team lead, a share, an administrator
    CHANGE = "change"  # change it: the same people
    READ_SENSITIVE = "read sensitive"  # also its sensitive part: not an administrator, nor a
    CHANGE_SENSITIVE = "change sensitive"  # share without it (referral reasons are sensitive)
    REASSIGN = "reassign"  # hand it over or share it: its counsellor, team lead, administrator
    ERASE = "erase"  # anonymise it: the same people

    @property
    def sensitive(self) -> bool:
        return self in {Permission.READ_SENSITIVE, Permission.CHANGE_SENSITIVE}

    @property
    def reassigns(self) -> bool:
        return self in {Permission.REASSIGN, Permission.ERASE}

    @property
    def allowed_when_anonymised(self) -> bool:
        return self in {Permission.READ, Permission.READ_SENSITIVE, Permission.ERASE}


@dataclass
class OpenedFile:
    """The file a route works on, for the signed-in user; the answers are asked only when used."""

    user: User
    client: Client

    @cached_property
    def sensitive(self) -> bool:
        """Whether the user may see the sensitive part (pages leave it out otherwise)."""
        return access.can_see_sensitive(self.user, self.client)

    @cached_property
    def reassign(self) -> bool:
        return access.can_reassign(self.user, self.client)


@dataclass(frozen=True)
class Loaded:
    """What a loader found: the records for the view, and the file they belong to. A record of
    no client's file (a mentorship between counsellors) says whether the user may act on it."""

    records: dict[str, Any]
    client_id: int | None
    allowed_without_file: bool = False


def _client(user: User, ident: int) -> Loaded:
    client = get_or_404(Client, ident)
    return Loaded({"client": client}, client.id)


def _trajectory(user: User, ident: int) -> Loaded:
    trajectory = get_or_404(Trajectory, ident)
    return Loaded({"trajectory": trajectory}, trajectory.client_id)


def _evaluation(user: User, ident: int) -> Loaded:
    evaluation = get_or_404(Evaluation, ident)
    trajectory = get_or_404(Trajectory, evaluation.trajectory_id)
    return Loaded({"evaluation": evaluation, "trajectory": trajectory}, trajectory.client_id)


def _visit(user: User, ident: int) -> Loaded:
    visit = get_or_404(Visit, ident)
    return Loaded({"visit": visit}, visit.client_id)


def _follow_up(user: User, ident: int) -> Loaded:
    follow_up = get_or_404(FollowUp, ident)
    return Loaded({"follow_up": follow_up}, follow_up.client_id)


def _referral(user: User, ident: int) -> Loaded:
    referral = get_or_404(Referral, ident)
    return Loaded({"referral": referral}, referral.client_id)


def _round(user: User, ident: int) -> Loaded:
    feedback_round = get_or_404(FeedbackRound, ident)
    return Loaded({"feedback_round": feedback_round}, feedback_round.client_id)


def _invitation(user: User, ident: int) -> Loaded:
    invitation = get_or_404(Invitation, ident)
    feedback_round = get_or_404(FeedbackRound, invitation.round_id)
    return Loaded({"invitation": invitation}, feedback_round.client_id)


def _check_in(user: User, ident: int) -> Loaded:
    """A client's mentor check-in belongs to the client's file; a new counsellor's to the two
    counsellors paired (and to team leads and administrators)."""
    check_in = get_or_404(CheckIn, ident)
    mentorship = get_or_404(Mentorship, check_in.mentorship_id)
    paired = user.id in {mentorship.mentor_user_id, mentorship.mentee_user_id}
    return Loaded(
        {"check_in": check_in, "mentorship": mentorship},
        mentorship.mentee_client_id,
        allowed_without_file=paired or user.has_role(Role.TEAM_LEAD),
    )


# Every URL argument that names a record of a client's file, and how to load it.
LOADERS: dict[str, Callable[[User, int], Loaded]] = {
    "client_id": _client,
    "trajectory_id": _trajectory,
    "evaluation_id": _evaluation,
    "visit_id": _visit,
    "follow_up_id": _follow_up,
    "referral_id": _referral,
    "round_id": _round,
    "invitation_id": _invitation,
    "check_in_id": _check_in,
}


def requires(permission: Permission, argument: str) -> Callable[[F], F]:
    """Declare and enforce ``permission`` on the file of the record that ``argument`` names."""
    load = LOADERS[argument]

    def decorator(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            user = acting_user()
            loaded = load(user, kwargs.pop(argument))
            g.opened_file = None
            if loaded.client_id is None:
                if not loaded.allowed_without_file:
                    abort(403)
            else:
                g.opened_file = _open(user, loaded, permission)
            return view(*args, **kwargs, **loaded.records)

        declared = Declared("file", permission=permission, argument=argument)
        return declare(login_required(guarded), declared)  # type: ignore[arg-type]

    return decorator


def _open(user: User, loaded: Loaded, permission: Permission) -> OpenedFile:
    client = loaded.records.get("client")
    if client is None:
        client = get_or_404(Client, loaded.client_id)
    if not access.can_open(user, client):
        abort(404)
    if client.anonymised_at is not None and not permission.allowed_when_anonymised:
        abort(410, description=_("This file is anonymised."))
    opened = OpenedFile(user, client)
    if permission.sensitive and not opened.sensitive:
        abort(403)
    if permission.reassigns and not opened.reassign:
        abort(403)
    return opened


def opened_file() -> OpenedFile:
    """The file the current route works on (set by :func:`requires`)."""
    opened: OpenedFile | None = g.get("opened_file")
    if opened is None:
        raise LookupError("this route does not open a client's file")
    return opened
