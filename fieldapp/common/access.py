"""Every route declares who may call it: public, signed in, a role, or a permission on a file.

The declaration is a decorator placed right under ``@bp.route``; it guards the view and leaves a
:class:`Declared` on the function. ``create_app`` refuses to start when a route of the URL map has
none (:func:`check_declared`), and the access test reads the declarations to walk every route.
Routes for a role are declared with :func:`fieldapp.auth.access.role_required`, routes on a
client's file with :func:`fieldapp.clients.file_access.requires`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask
from flask_login import login_required

F = TypeVar("F", bound=Callable[..., Any])

ATTRIBUTE = "__access__"


@dataclass(frozen=True)
class Declared:
    """How a route is guarded. ``permission`` and ``argument`` are set for routes on a client's
    file: what they need, and the URL argument that names the record they load."""

    who: str  # "public", "signed in", "role" or "file"
    role: Any = None  # the auth.roles.Role that role_required asks for
    permission: Any = None
    argument: str | None = None


class UndeclaredRoute(RuntimeError):
    """A route without an access declaration: the app does not start."""


def declare(view: F, declared: Declared) -> F:
    setattr(view, ATTRIBUTE, declared)
    return view


def declaration(view: Callable[..., Any]) -> Declared | None:
    return getattr(view, ATTRIBUTE, None)


def public(view: F) -> F:
    """Anyone, signed in or not: sign-in, secret links, the manifest, the service worker."""
    return declare(view, Declared("public"))


def signed_in(view: F) -> F:
    """Anyone signed in; what they see is their own organisation's (the tenant filter) or their
    own (the view's query)."""
    return declare(login_required(view), Declared("signed in"))


def undeclared_endpoints(app: Flask, public_endpoints: Iterable[str] = ()) -> list[str]:
    """Endpoints of the URL map whose view carries no declaration."""
    exempt = set(public_endpoints)
    return sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in exempt and declaration(app.view_functions[rule.endpoint]) is None
    )


def check_declared(app: Flask, public_endpoints: Iterable[str] = ()) -> None:
    """Refuse to start when a route has no access declaration. ``public_endpoints`` names the
    routes Flask itself adds (``static``), which cannot carry a decorator of ours."""
    missing = undeclared_endpoints(app, public_endpoints)
    if missing:
        raise UndeclaredRoute(f"routes without an access declaration: {', '.join(missing)}")
