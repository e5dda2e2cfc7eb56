"""What an attacker's third review found: each test shows a weakness; those not closed yet are
marked ``xfail(strict=True)`` with the reason and the fix they need."""

from __future__ import annotations

import re

import pytest

from tests.audit_views import USER_AGENT, a_view_by_the_counsellor, views_of


def _reset_link(mail) -> str:
    return re.search(r"http://localhost(/password/reset/\S+)", mail.body).group(1)


def test_a_stranger_asking_for_resets_does_not_spoil_the_link_a_person_just_received(
    app, make, sent_mail, send_resets
):
    """Anyone who knows a counsellor's address could ask for a reset every half minute, from
    one network address (five per quarter of an hour) or from many: each request mailed a new
    link and stopped the previous one, so the counsellor's own link said "already used" by the
    time she opened it, and her mailbox filled with links she never asked for."""
    person = make.user(email="an@ocmw.example")
    owner, stranger = app.test_client(), app.test_client()
    owner.post(
        "/password/forgot",
        data={"email": person.email},
        environ_base={"REMOTE_ADDR": "192.0.2.10"},
    )
    send_resets()
    mails = sent_mail()
    assert len(mails) == 1
    link = _reset_link(mails[0])

    for number in range(3):
        stranger.post(
            "/password/forgot",
            data={"email": person.email},
            environ_base={"REMOTE_ADDR": f"198.51.100.{number}"},
        )
        send_resets()

    assert len(sent_mail()) == 1
    assert owner.get(link).status_code == 302  # to the form: the link still works


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


@pytest.mark.parametrize(
    "page",
    [
        pytest.param(lambda w: f"/visits/{w.visit.id}", id="visit-notes"),
        pytest.param(lambda w: f"/clients/{w.client.id}/contacts", id="contacts"),
        pytest.param(lambda w: f"/trajectories/{w.trajectory.id}/supervisor-link", id="placement"),
        pytest.param(lambda w: f"/evaluations/{w.evaluation.id}/record", id="evaluation"),
        pytest.param(lambda w: "record", id="evaluation-record"),
    ],
)
def test_reading_a_part_of_the_file_is_audited(client, auth, make, db, page):
    """The notes written at the worksite (attendance, attitude, what was agreed), every contact
    with its note (a home visit, a call), what the floor supervisor reported (absences,
    incidents), what was said and agreed at an evaluation with its evidence: each page showed a
    part of the file without a line in the audit log (the evaluation's PDF leaves one)."""
    world = make.world()
    path = page(world)
    if path == "record":
        path = f"/evaluation-records/{make.evaluation_record(world).id}"
    auth.login(world.counsellor.email)

    assert client.get(path, headers={"User-Agent": USER_AGENT}).status_code == 200

    assert views_of(db, world.client.id) == [a_view_by_the_counsellor(world)]
