"""What an attacker's third review found: each test shows a weakness; those not closed yet are
marked ``xfail(strict=True)`` with the reason and the fix they need."""

from __future__ import annotations

import pytest

from tests.audit_views import USER_AGENT, a_view_by_the_counsellor, views_of


@pytest.mark.parametrize(
    "page",
    [
        pytest.param(lambda w: f"/referrals/{w.referral.id}", id="referral-reason"),
        pytest.param(lambda w: f"/trajectories/{w.trajectory.id}/checklist/1", id="checklist"),
    ],
)
def test_reading_the_sensitive_part_of_a_file_is_audited(client, auth, make, db, page):
    """A referral's reason (debt mediation, addiction care) and the exploration checklist
    (health, family, addiction, debts) are the file's sensitive part, yet their pages left no line
    in the audit log: the client's counsellor, the team lead or a colleague it was shared with
    "with sensitive details" could read them there without trace, while opening the file itself,
    its timeline, its documents and its 360° report each leave one."""
    world = make.world()
    auth.login(world.counsellor.email)

    assert client.get(page(world), headers={"User-Agent": USER_AGENT}).status_code == 200

    assert views_of(db, world.client.id) == [a_view_by_the_counsellor(world)]
