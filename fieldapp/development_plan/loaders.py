"""The goals that routes load from their URL, with the file they belong to."""

from __future__ import annotations

from fieldapp.auth.models import User
from fieldapp.clients.file_access import Loaded, Loader
from fieldapp.common.tenancy import get_or_404
from fieldapp.development_plan.models import Goal


def _goal(user: User, ident: int) -> Loaded:
    goal = get_or_404(Goal, ident)
    return Loaded({"goal": goal}, goal.client_id)


GOAL = Loader("goal_id", _goal)
