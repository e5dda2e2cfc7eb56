"""Route guards by role; the tenant filter does the rest."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

from fieldapp.auth.roles import Role

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

        return wrapped  # type: ignore[return-value]

    return decorator
