"""Anonymity by differencing: whoever reads the round page, the report and its CSV before and after
one colleague answers learns nothing about that colleague. Anonymous groups are counted, never
shown per person, and their figures appear only once the round is closed for good."""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from fieldapp.audit.models import AuditEvent
from fieldapp.common.time import now_utc
from fieldapp.feedback import rounds
from fieldapp.feedback.models import FeedbackRound, RaterGroup
from fieldapp.reminders.models import Reminder
from tests.feedback.conftest import KEYS, complete_answers
from tests.spreadsheets import sheet_rows

SECRET = "Zegt nooit goedendag tegen de klanten"


@pytest.fixture
def anonymous_round(app, client, auth, make, db):
    """A round with a supervisor and three colleagues (threshold 2), two of whom have answered
    (4 everywhere, one comment); returns the round and each invitation's link, signed in as the
    counsellor."""
    world = make.world()
    world.organisation.feedback_threshold = 2
    db.session.commit()
    with app.test_request_context():  # e-mailed links are absolute
        feedback_round, links = make.feedback_round(
            world,
            rounds.Rater(RaterGroup.SUPERVISOR, "Sofie Werkvloer"),
            rounds.Rater(RaterGroup.COLLEAGUE, "Collega Een", "een@example.org"),
            rounds.Rater(RaterGroup.COLLEAGUE, "Collega Twee"),
            rounds.Rater(RaterGroup.COLLEAGUE, "Collega Drie", "drie@example.org"),
        )
    _supervisor, first, second, _third = feedback_round.invitations
    for invitation, comment in ((first, "Zeta schrijft als eerste"), (second, "")):
        answers = complete_answers(**{f"comment-{KEYS[0]}": comment})
        assert client.post(f"/f/{links[invitation.id]}", data=answers).status_code == 200
    auth.login(world.counsellor.email)
    return feedback_round, links


def seen(client, feedback_round: FeedbackRound) -> dict[str, Any]:
    """What the counsellor can read about the round: its page, the report, the CSV, the XLSX
    (the values of its cells)."""
    base = f"/feedback/rounds/{feedback_round.id}"
    pages = {name: client.get(base + path) for name, path in PAGES.items()}
    assert all(page.status_code == 200 for page in pages.values())
    return {
        name: sheet_rows(page.data) if name == "xlsx" else page.get_data(as_text=True)
        for name, page in pages.items()
    }


PAGES = {"round": "", "report": "/report", "csv": "/report.csv", "xlsx": "/report.xlsx"}
# The only things allowed to change when a colleague answers: their group's count.
COUNTS = {
    "round": r'<li data-group="colleague">[^<]*</li>',
    "report": r"Colleague \(anonymous\): \d+ answers",
}


def without_counts(pages: dict[str, Any]) -> dict[str, Any]:
    return {
        name: re.sub(COUNTS[name], "COUNT", text) if name in COUNTS else text
        for name, text in pages.items()
    }


def test_reading_everything_between_two_anonymous_answers_tells_nothing(
    client, db, anonymous_round
):
    feedback_round, links = anonymous_round
    third = feedback_round.invitations[3]
    before = seen(client, feedback_round)
    scores = {f"score-{key}": "1" for key in KEYS}  # far from the others' 4s
    answered = client.post(
        f"/f/{links[third.id]}",
        data=complete_answers(**scores, **{f"comment-{KEYS[0]}": SECRET}, overall=SECRET),
    )
    assert answered.status_code == 200
    after = seen(client, feedback_round)

    assert without_counts(after) == without_counts(before)  # byte for byte, but for the count
    assert after["csv"] == before["csv"]
    assert "2 of 3 answered" in before["round"]
    assert "3 of 3 answered" in after["round"]
    assert "3 answers" in after["report"]
    assert 'data-withheld-group="colleague"' in after["report"]
    for text in after.values():
        assert SECRET not in text
        assert ",colleague," not in text


def test_the_round_page_never_says_which_colleague_answered(client, db, anonymous_round):
    feedback_round, _links = anonymous_round
    supervisor, first, _second, third = feedback_round.invitations
    html = seen(client, feedback_round)["round"]

    def item(invitation) -> str:
        """The invitation's line, without what tells invitations apart."""
        line = re.search(rf'<li data-invitation="{invitation.id}">.*?</li>', html, re.S).group(0)
        line = line.replace(f'"{invitation.id}"', '"ID"').replace(f"/{invitation.id}/", "/ID/")
        line = line.replace(invitation.name, "NAME")
        return line.replace(invitation.email, "EMAIL") if invitation.email else line

    assert item(first) == item(third)  # one answered, the other did not: the same line
    assert 'data-status="waiting"' in item(supervisor)  # a named rater: per person
    # The same actions for both, and they work: nothing tells the counsellor who answered.
    for invitation in (first, third):
        url = f"/feedback/invitations/{invitation.id}/link"
        asked = client.get(url)
        assert asked.status_code == 200
        assert "answered" not in asked.get_data(as_text=True)
        assert client.post(url).status_code == 200
        assert client.post(f"/feedback/invitations/{invitation.id}/revoke").status_code == 302
    db.session.refresh(first)
    assert first.submitted_at is not None  # the answer stays


def test_reminders_do_not_say_to_whom_within_an_anonymous_group(
    client, db, anonymous_round, sent_mail
):
    """Colleague One (with an address) answered; Three (with one) did not. The server mails Three
    only; the counsellor is told no number, the audit line counts nobody, and the round page's
    word on e-mail stays about the invitations, the same for both."""
    feedback_round, _links = anonymous_round
    sent_mail().clear()  # the invitations
    page = client.post(f"/feedback/rounds/{feedback_round.id}/remind", follow_redirects=True)
    assert page.status_code == 200
    assert [mail.to for mail in sent_mail()] == ["drie@example.org"]
    text = page.get_data(as_text=True)
    assert "A new link is being e-mailed to whoever has not answered" in text
    assert not re.search(r"\b1 person", text)
    _supervisor, first, _second, third = feedback_round.invitations
    html = client.get(f"/feedback/rounds/{feedback_round.id}").get_data(as_text=True)
    words = {
        invitation.id: re.search(
            rf'<li data-invitation="{invitation.id}">.*?(<span class="small" data-mail=.*?</span>)',
            html,
            re.S,
        ).group(1)
        for invitation in (first, third)
    }
    assert words[first.id] == words[third.id]  # the reminder to Three alone is not shown
    assert 'data-mail="sent"' in words[third.id]
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "feedback.reminded")
    ).one()
    assert event.detail == {}


def test_once_closed_the_group_shows_as_a_group_and_nothing_changes_after(
    client, db, anonymous_round
):
    feedback_round, links = anonymous_round
    supervisor, third = feedback_round.invitations[0], feedback_round.invitations[3]
    extra = {f"score-{KEYS[0]}": "1", f"comment-{KEYS[0]}": "Alfa schrijft als laatste"}
    assert client.post(f"/f/{links[third.id]}", data=complete_answers(**extra)).status_code == 200
    asked = client.get(f"/feedback/rounds/{feedback_round.id}/close")
    assert asked.status_code == 200
    db.session.refresh(feedback_round)
    assert feedback_round.closed_at is None  # asking changed nothing
    done = client.post(f"/feedback/rounds/{feedback_round.id}/close", follow_redirects=True)
    assert "Round closed." in done.get_data(as_text=True)  # on the report it leads to

    closed = seen(client, feedback_round)
    assert "Punctuality and attendance;Colleague (anonymous);3.00;3;" in closed["csv"]  # 4, 4, 1
    assert 'data-group="colleague"' in closed["report"]
    assert closed["report"].index("Alfa schrijft als laatste") < closed["report"].index(
        "Zeta schrijft als eerste"
    )  # by text, not by the order they came in
    assert any(
        line.split(";")[1] == "Colleague (anonymous)" for line in closed["csv"].splitlines()[1:]
    )
    assert ("Punctuality and attendance", "Colleague (anonymous)", 3.0, 3) in (
        row[:4] for row in closed["xlsx"]
    )
    assert "data-closed" in closed["round"]
    assert "/close" not in closed["round"]

    # Closed for good: links stop, the deadline stays, a late answer changes nothing.
    late = client.post(f"/f/{links[supervisor.id]}", data=complete_answers())
    assert late.status_code == 410
    moved = client.post(
        f"/feedback/rounds/{feedback_round.id}/deadline",
        data={"deadline": feedback_round.deadline.isoformat()},
    )
    assert moved.status_code == 422
    assert "start a new round to ask again" in moved.get_data(as_text=True)
    assert client.post(f"/feedback/rounds/{feedback_round.id}/close").status_code == 409
    assert seen(client, feedback_round) == closed


def exported(client, feedback_round: FeedbackRound) -> dict[str, list]:
    """The anonymous groups in the client's subject-access export, for this round."""
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(f"/clients/{feedback_round.client_id}/export").data)
    )
    data = json.loads(archive.read("client.json"))
    return {
        part: [row for row in data[part] if row["round"] == feedback_round.id]
        for part in ("feedback_anonymous_figures", "feedback_anonymous_comments")
    }


def test_the_subject_access_export_shows_them_as_the_report_does(client, db, anonymous_round):
    feedback_round, links = anonymous_round
    third = feedback_round.invitations[3]
    before = exported(client, feedback_round)
    client.post(f"/f/{links[third.id]}", data=complete_answers(overall=SECRET))
    after = exported(client, feedback_round)
    assert before == {
        "feedback_anonymous_figures": [
            {
                "round": feedback_round.id,
                "group": "colleague",
                "competence": None,
                "answers": 2,
                "mean": None,
                "shown": False,
            }
        ],
        "feedback_anonymous_comments": [],
    }
    assert after["feedback_anonymous_figures"][0]["answers"] == 3
    assert after["feedback_anonymous_comments"] == []

    feedback_round.closed_at = now_utc()
    db.session.commit()
    closed = exported(client, feedback_round)
    assert {row["answers"] for row in closed["feedback_anonymous_figures"]} >= {3}
    assert all(row["shown"] for row in closed["feedback_anonymous_figures"] if row["answers"])
    assert SECRET in {row["comment"] for row in closed["feedback_anonymous_comments"]}


def test_an_answer_stored_after_the_round_closed_changes_nothing(client, db, make, anonymous_round):
    """A submit that passed its link's check just before the counsellor closed the round, and is
    stored just after: the report stays as it was when the round closed."""
    feedback_round, _links = anonymous_round
    feedback_round.closed_at = now_utc() - timedelta(minutes=1)
    db.session.commit()
    report = {name: text for name, text in seen(client, feedback_round).items() if name != "round"}
    late = feedback_round.invitations[3]
    late.submitted_at = now_utc()
    make.feedback_answer(
        feedback_round,
        RaterGroup.COLLEAGUE,
        dict.fromkeys(KEYS, 1),
        overall=SECRET,
        invitation=late,
    )
    after = seen(client, feedback_round)
    assert {name: after[name] for name in report} == report
    assert SECRET not in after["report"]


def test_the_reminders_planned_do_not_change_when_a_colleague_answers(client, db, anonymous_round):
    """Colleague Three is the last one with an address who has not answered: the reminder to
    raters stays planned all the same (it then mails nobody), the counsellor's too."""
    feedback_round, links = anonymous_round

    def planned() -> list[tuple[str, str, object]]:
        return sorted(
            (reminder.kind, reminder.status, reminder.moment)
            for reminder in db.session.scalars(
                select(Reminder).where(Reminder.subject_id == feedback_round.id)
            )
        )

    before = planned()
    assert ("raters", "pending") in {(kind, status) for kind, status, _ in before}
    third = feedback_round.invitations[3]
    assert client.post(f"/f/{links[third.id]}", data=complete_answers()).status_code == 200
    assert planned() == before
