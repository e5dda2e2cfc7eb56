"""The feedback rounds and invitations that routes load from their URL, with their file."""

from __future__ import annotations

from fieldapp.auth.models import User
from fieldapp.clients.file_access import Loaded, Loader
from fieldapp.common.tenancy import get_or_404
from fieldapp.feedback.models import FeedbackRound, Invitation


def _round(user: User, ident: int) -> Loaded:
    feedback_round = get_or_404(FeedbackRound, ident)
    return Loaded({"feedback_round": feedback_round}, feedback_round.client_id)


def _invitation(user: User, ident: int) -> Loaded:
    invitation = get_or_404(Invitation, ident)
    feedback_round = get_or_404(FeedbackRound, invitation.round_id)
    return Loaded({"invitation": invitation}, feedback_round.client_id)


ROUND = Loader("round_id", _round)
INVITATION = Loader("invitation_id", _invitation)
