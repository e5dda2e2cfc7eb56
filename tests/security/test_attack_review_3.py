"""What an attacker's third review found: each test shows a weakness; those not closed yet are
marked ``xfail(strict=True)`` with the reason and the fix they need."""

from __future__ import annotations

import re

import pytest

from fieldapp.auth.roles import Role
from fieldapp.feedback import rounds
from fieldapp.feedback.models import RaterGroup
from tests.audit_views import USER_AGENT, a_view_by_the_counsellor, views_of
from tests.feedback.conftest import KEYS, complete_answers
from tests.imports.filling import client_row, upload, with_string_table, xlsx

COLLEAGUE_SECRET = "Komt elke maandag te laat en zegt dan niets"


def test_lowering_the_threshold_does_not_show_a_group_its_raters_were_told_stays_hidden(
    app, client, auth, make, db
):
    """Two colleagues answered a form that told them "only shown in a group of at least 3".
    The round closed, the report hid their group. An administrator then lowered the
    organisation's threshold to 2 and the same closed round's report showed the two colleagues'
    scores and comments: each read by the counsellor who invited them by name."""
    world = make.world()
    admin = make.user(world.organisation, role=Role.ADMIN, email="admin@ocmw.example")
    with app.test_request_context():
        feedback_round, links = make.feedback_round(
            world,
            rounds.Rater(RaterGroup.COLLEAGUE, "Collega Een"),
            rounds.Rater(RaterGroup.COLLEAGUE, "Collega Twee"),
        )
    first, second = feedback_round.invitations
    form = client.get(f"/f/{links[first.id]}").get_data(as_text=True)
    assert "at least 3 people" in form or "minstens 3" in form
    for invitation in (first, second):
        answers = complete_answers(**{f"comment-{KEYS[0]}": COLLEAGUE_SECRET})
        assert client.post(f"/f/{links[invitation.id]}", data=answers).status_code == 200
    auth.login(world.counsellor.email)
    assert client.post(f"/feedback/rounds/{feedback_round.id}/close").status_code == 302
    report = f"/feedback/rounds/{feedback_round.id}/report"
    assert COLLEAGUE_SECRET not in client.get(report).get_data(as_text=True)
    auth.logout()

    auth.login(admin.email)
    changed = client.post(
        "/admin/organisation",
        data={"retention_months": "24", "default_language": "nl", "feedback_threshold": "2"},
    )
    assert changed.status_code == 302
    auth.logout()

    auth.login(world.counsellor.email)
    assert COLLEAGUE_SECRET not in client.get(report).get_data(as_text=True)


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


def _with_unused_strings(workbook: bytes, count: int) -> bytes:
    """``workbook`` with a shared-strings part of ``count`` strings that no cell uses."""
    return with_string_table(
        workbook,
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<si><t>a</t></si>" * count
        + b"</sst>",
    )


SHARED_STRINGS = 100_000  # 1.7 MB unpacked, a few KB zipped: some seconds of a worker already


def test_a_small_workbook_cannot_keep_a_worker_busy_with_strings_no_cell_uses(client, make, auth):
    """A 125 KB workbook of 50 MB unpacked, within every limit: its shared-strings part held
    three million one-letter strings that no cell used. openpyxl read them all before the
    first row: 19 seconds and 270 MB of a web worker for one upload, and again at the
    confirmation; an administrator of one organisation could keep the workers every other
    organisation shares busy with a few such uploads."""
    admin = make.user(role=Role.ADMIN, email="admin@ocmw.example")
    make.user(admin.organisation, email="an@example.org")
    auth.login(admin.email)
    workbook = xlsx({"Clients": [client_row("Mina", "Peeters", "1990-01-01", "an@example.org")]})

    response = upload(client, _with_unused_strings(workbook, SHARED_STRINGS))

    assert response.status_code == 422
    assert "Peeters" not in response.get_data(as_text=True)
