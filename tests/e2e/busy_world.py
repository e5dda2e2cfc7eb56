"""A file with everything on it, for the tests that look at whole pages on a phone."""

from __future__ import annotations

from typing import Any

from fieldapp.common.time import now_utc
from fieldapp.feedback import rounds
from fieldapp.feedback.models import RaterGroup
from tests.factories import World


def busy_world(make: Any, db: Any) -> tuple[World, str]:
    """A complete client file, a caseload long enough for the pager, and a closed 360° round
    answered by every group (enough for the anonymous groups to show: they do once the round is
    closed); returns it with the secret of a supervisor's link in a second round, still open
    (``world.invitation``)."""
    world = make.world()
    for n in range(25):  # a page of the caseload holds 25
        make.client(world.counsellor, f"Naam{n:02d}")
    feedback_round = world.feedback_round
    keys = [competence["key"] for competence in feedback_round.competences]
    groups = [RaterGroup.SELF, RaterGroup.SUPERVISOR] + [RaterGroup.COLLEAGUE] * 3
    for n, group in enumerate(groups + [RaterGroup.NETWORK] * 3):
        make.feedback_answer(
            feedback_round,
            group,
            {key: (n + i) % 5 + 1 for i, key in enumerate(keys)},
            comments={keys[0]: "Komt altijd op tijd, helpt collega's."},
            overall="Goed bezig.",
        )
    feedback_round.closed_at = now_utc()
    db.session.commit()
    still_open, secrets = make.feedback_round(world, rounds.Rater(RaterGroup.SUPERVISOR, "Sofie"))
    world.invitation = still_open.invitations[0]
    return world, secrets[world.invitation.id]
