"""Access to a client's file, declared once per route.

``@requires(Permission.CHANGE, VISIT)`` under ``@bp.route`` loads the record that the URL
argument names, finds the client file it belongs to, and lets the view run only when the
signed-in user may do that to that file; the view gets the loaded records as keyword arguments
(``visit=...``) and :func:`opened_file` tells what else the user may do with the file.

The answers, in this order:

- another organisation's record, or a file one may not open: 404, as if it did not exist
  (the rules of who may open a file are in :mod:`fieldapp.clients.access`);
- an anonymised file: it can still be read (what remains of it), exported and erased again (which
  changes nothing), but nothing in it changes any more, whatever the record: 410;
- a file one may open but not in this way (the sensitive part, a hand-over or a share): 403.

Each capability names the records of a file it serves with a :class:`Loader` of its own
(``fieldapp.visits.loaders.VISIT``); this module knows only the client.
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
from fieldapp.clients import access
from fieldapp.clients.models import Client
from fieldapp.common.access import Declared, declare
from fieldapp.common.tenancy import get_or_404

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


@dataclass(frozen=True)
class Loader:
    """How a route loads the record that its URL argument names, and the file it belongs to."""

    argument: str
    load: Callable[[User, int], Loaded]

    def __post_init__(self) -> None:
        LOADERS[self.argument] = self


# Every URL argument that names a record of a client's file (filled as the loaders are made).
LOADERS: dict[str, Loader] = {}


def _client(user: User, ident: int) -> Loaded:
    client = get_or_404(Client, ident)
    return Loaded({"client": client}, client.id)


CLIENT = Loader("client_id", _client)


def requires(permission: Permission, loader: Loader) -> Callable[[F], F]:
    """Declare and enforce ``permission`` on the file of the record that ``loader`` loads."""
    argument = loader.argument

    def decorator(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            user = acting_user()
            loaded = loader.load(user, kwargs.pop(argument))
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
