"""The visits and follow-ups that routes load from their URL, with the file they belong to."""

from __future__ import annotations

from fieldapp.auth.models import User
from fieldapp.clients.file_access import Loaded, Loader
from fieldapp.common.tenancy import get_or_404
from fieldapp.visits.models import FollowUp, Visit


def _visit(user: User, ident: int) -> Loaded:
    visit = get_or_404(Visit, ident)
    return Loaded({"visit": visit}, visit.client_id)


def _follow_up(user: User, ident: int) -> Loaded:
    follow_up = get_or_404(FollowUp, ident)
    return Loaded({"follow_up": follow_up}, follow_up.client_id)


VISIT = Loader("visit_id", _visit)
FOLLOW_UP = Loader("follow_up_id", _follow_up)
