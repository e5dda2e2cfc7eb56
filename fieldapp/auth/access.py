"""The access declarations that need to know about users and roles (the others, ``public`` and
``signed_in``, are in :mod:`fieldapp.common.access`, below the accounts)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

from fieldapp.auth.models import User
from fieldapp.auth.roles import Role
from fieldapp.common.access import Declared, declare

F = TypeVar("F", bound=Callable[..., Any])


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


def acting_user() -> User:
    """The signed-in user as a real model object, not Flask-Login's proxy.

    Services and ``login_user`` must get the object itself: the proxy stored back into the
    session (or into ``g``) would refer to itself.
    """
    return current_user._get_current_object()  # type: ignore[attr-defined]
