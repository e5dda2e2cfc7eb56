"""The check-ins that routes load from their URL, with the file they belong to."""

from __future__ import annotations

from fieldapp.auth.models import User
from fieldapp.auth.roles import Role
from fieldapp.clients.file_access import Loaded, Loader
from fieldapp.common.tenancy import get_or_404
from fieldapp.mentorships.models import CheckIn, Mentorship


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


CHECK_IN = Loader("check_in_id", _check_in)
