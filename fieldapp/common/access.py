"""Every route declares who may call it: public, signed in, a role, or a permission on a file.

The declaration is a decorator placed right under ``@bp.route``; it guards the view and leaves a
:class:`Declared` on the function. ``create_app`` refuses to start when a route of the URL map has
none (:func:`check_declared`), and the access test reads the declarations to walk every route.
Routes on a client's file are declared with :func:`fieldapp.file_access.requires`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort
from flask_login import current_user, login_required

from fieldapp.auth.models import User
from fieldapp.auth.roles import Role

F = TypeVar("F", bound=Callable[..., Any])

ATTRIBUTE = "__access__"


@dataclass(frozen=True)
class Declared:
    """How a route is guarded. ``permission`` and ``argument`` are set for routes on a client's
    file: what they need, and the URL argument that names the record they load."""

    who: str  # "public", "signed in", "role" or "file"
    role: Role | None = None
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


def role_required(minimum: Role) -> Callable[[F], F]:
    """Signed in, with at least ``minimum``; otherwise the sign-in page or a 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(minimum):
                abort(403)
            return view(*args, **kwargs)

        return declare(wrapped, Declared("role", role=minimum))  # type: ignore[arg-type]

    return decorator


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


def acting_user() -> User:
    """The signed-in user as a real model object, not Flask-Login's proxy.

    Services and ``login_user`` must get the object itself: the proxy stored back into the
    session (or into ``g``) would refer to itself.
    """
    return current_user._get_current_object()  # type: ignore[attr-defined]
