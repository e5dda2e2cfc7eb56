"""What cannot be undone on a round asks once first (and a GET never changes anything): stopping a
rater's link, showing a new link (the e-mailed one stops), starting a round. A rater at a link
that ended is told why: stopped by the counsellor, or replaced by a newer link."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.common.dates import today
from fieldapp.feedback.models import FeedbackRound, Invitation
from tests.feedback.conftest import complete_answers, rater_rows, read_html


def posting_form(page_html: str, action: str):
    """The form on the page that posts to ``action``, and what it would send (hidden fields)."""
    (form,) = [
        form
        for form in read_html(page_html).all("form")
        if form.attrs.get("action") == action and form.attrs.get("method") == "post"
    ]
    sent = {field.attrs["name"]: field.attrs.get("value", "") for field in form.all("input")}
    return form, sent


def test_stopping_a_link_asks_first_and_the_rater_is_told_who_stopped_it(client, db, started):
    world, feedback_round, token = started
    supervisor = feedback_round.invitations[0]
    url = f"/feedback/invitations/{supervisor.id}/revoke"
    round_page = client.get(f"/feedback/rounds/{feedback_round.id}").get_data(as_text=True)
    assert [a for a in read_html(round_page).all("a") if a.attrs.get("href") == url]
    assert f'action="{url}"' not in round_page  # no one-tap stop on the round page

    asked = client.get(url)
    assert asked.status_code == 200
    body = asked.get_data(as_text=True)
    assert "Sofie Verbruggen" in body
    form, _ = posting_form(body, url)
    assert form.one("button").attrs["type"] == "submit"
    db.session.refresh(supervisor)
    assert supervisor.revoked_at is None  # asking changed nothing
    assert client.get(f"/f/{token}").status_code == 200

    done = client.post(url)
    assert done.status_code == 302
    assert done.headers["Location"] == f"/feedback/rounds/{feedback_round.id}"
    db.session.refresh(supervisor)
    assert supervisor.revoked_at is not None
    assert client.post(url).status_code == 302  # a second tap changes nothing, and is no error

    client.post("/logout")
    stopped = client.get(f"/f/{token}")
    assert stopped.status_code == 410
    text = stopped.get_data(as_text=True)
    assert "stopgezet" in text
    assert world.counsellor.name in text
    assert "vervangen" not in text


def test_a_new_link_says_first_that_the_e_mailed_one_stops(client, db, started):
    _, feedback_round, token = started
    supervisor, colleague = feedback_round.invitations
    url = f"/feedback/invitations/{supervisor.id}/link"
    before = supervisor.token_hash

    asked = client.get(url)
    assert asked.status_code == 200
    body = asked.get_data(as_text=True)
    assert "sofie@example.org" in body
    assert "stops working" in body
    posting_form(body, url)
    db.session.refresh(supervisor)
    assert supervisor.token_hash == before  # asking changed nothing
    assert client.get(f"/f/{token}").status_code == 200

    no_mail = client.get(f"/feedback/invitations/{colleague.id}/link").get_data(as_text=True)
    assert "e-mail" not in no_mail.lower()

    page = client.post(url).get_data(as_text=True)
    fresh = re.search(r"/f/([\w-]+)", page).group(1)
    assert client.get(f"/f/{fresh}").status_code == 200
    replaced = client.get(f"/f/{token}")
    assert replaced.status_code == 410
    assert "vervangen door een nieuwere" in replaced.get_data(as_text=True)


def test_a_link_replaced_by_a_reminder_says_so(client, db, started):
    _, feedback_round, token = started
    assert client.post(f"/feedback/rounds/{feedback_round.id}/remind").status_code == 302
    replaced = client.get(f"/f/{token}")
    assert replaced.status_code == 410
    assert "vervangen door een nieuwere" in replaced.get_data(as_text=True)
    assert client.post(f"/f/{token}", data=complete_answers()).status_code == 410


def test_a_stopped_link_stays_stopped_when_a_new_one_is_made(client, db, started):
    _, feedback_round, token = started
    supervisor = feedback_round.invitations[0]
    client.post(f"/feedback/invitations/{supervisor.id}/revoke")
    page = client.post(f"/feedback/invitations/{supervisor.id}/link").get_data(as_text=True)
    fresh = re.search(r"/f/([\w-]+)", page).group(1)
    assert client.get(f"/f/{fresh}").status_code == 200
    old = client.get(f"/f/{token}")
    assert old.status_code == 410
    assert "stopgezet" in old.get_data(as_text=True)


def test_an_answered_link_cannot_be_stopped_or_replaced(client, db, started):
    _, feedback_round, token = started
    supervisor = feedback_round.invitations[0]
    assert client.post(f"/f/{token}", data=complete_answers()).status_code == 200
    for url in (
        f"/feedback/invitations/{supervisor.id}/revoke",
        f"/feedback/invitations/{supervisor.id}/link",
    ):
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 409
            assert "has answered already" in response.get_data(as_text=True)
    db.session.refresh(supervisor)
    assert supervisor.revoked_at is None
    assert client.get("/feedback/invitations/999999/revoke").status_code == 404
    assert client.get("/feedback/invitations/abc/link").status_code == 404


@pytest.fixture
def start_url(client, auth, make):
    world = make.world()
    auth.login(world.counsellor.email)
    return f"/trajectories/{world.trajectory.id}/feedback/new"


def rounds_count(db):
    return db.session.scalar(select(func.count()).select_from(FeedbackRound))


def test_starting_a_round_asks_first(client, db, sent_mail, start_url):
    filled = {
        "deadline": (today() + timedelta(days=10)).isoformat(),
        **rater_rows(
            ("supervisor", "Sofie Verbruggen", "sofie@example.org", "fr"),
            ("colleague", "Jan", "", "nl"),
        ),
    }
    before = rounds_count(db)

    asked = client.post(start_url, data=filled)
    assert asked.status_code == 200
    body = asked.get_data(as_text=True)
    assert "Sofie Verbruggen" in body
    assert "sofie@example.org" in body
    assert "Jan" in body
    assert rounds_count(db) == before
    assert sent_mail() == []
    form, carried = posting_form(body, start_url)
    buttons = {button.attrs["value"]: button for button in form.all("button", name="step")}
    assert set(buttons) == {"start", "change"}

    changing = client.post(start_url, data={**carried, "step": "change"})
    assert changing.status_code == 200
    assert 'value="Sofie Verbruggen"' in changing.get_data(as_text=True)  # nothing typed is lost
    assert rounds_count(db) == before

    done = client.post(start_url, data={**carried, "step": "start"})
    assert done.status_code == 302
    assert rounds_count(db) == before + 1
    (mail,) = sent_mail()
    assert mail.to == "sofie@example.org"
    names = db.session.scalars(
        select(Invitation.name).order_by(Invitation.id.desc()).limit(2)
    ).all()
    assert sorted(names) == ["Jan", "Sofie Verbruggen"]


def test_a_round_that_cannot_start_says_so_before_asking(client, db, sent_mail, start_url):
    before = rounds_count(db)
    nobody = client.post(
        start_url, data={"deadline": today().isoformat(), **rater_rows(("self", "", "", "nl"))}
    )
    assert nobody.status_code == 422
    assert "at least one person" in nobody.get_data(as_text=True)
    assert 'value="start"' not in nobody.get_data(as_text=True)
    late = client.post(
        start_url,
        data={
            "deadline": (today() + timedelta(days=200)).isoformat(),
            **rater_rows(("self", "Amina", "", "nl")),
            "step": "start",
        },
    )
    assert late.status_code == 422
    assert "four months" in late.get_data(as_text=True)
    odd = client.post(
        start_url,
        data={
            "deadline": today().isoformat(),
            **rater_rows(("self", "Amina", "", "nl")),
            "step": "\x00now",
        },
    )
    assert odd.status_code in (200, 400)  # asked first, or refused; never started, never a 500
    assert rounds_count(db) == before
    assert sent_mail() == []


def test_a_second_tap_on_start_starts_no_second_round(client, db, sent_mail, start_url):
    """A slow network, a second tap, or the page sent again: one round, one e-mail per person."""
    filled = {
        "deadline": (today() + timedelta(days=10)).isoformat(),
        **rater_rows(("supervisor", "Sofie", "sofie@example.org", "nl")),
    }
    _, carried = posting_form(client.post(start_url, data=filled).get_data(as_text=True), start_url)
    before = rounds_count(db)
    first = client.post(start_url, data={**carried, "step": "start"})
    second = client.post(start_url, data={**carried, "step": "start"})
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert rounds_count(db) == before + 1
    assert len(sent_mail()) == 1


def test_two_taps_at_once_start_one_round(app, client, db, sent_mail, start_url):
    filled = {
        "deadline": (today() + timedelta(days=10)).isoformat(),
        **rater_rows(("supervisor", "Sofie", "sofie@example.org", "nl")),
    }
    _, carried = posting_form(client.post(start_url, data=filled).get_data(as_text=True), start_url)
    before = rounds_count(db)
    together = threading.Barrier(2)
    answers = []

    def tap():
        together.wait()
        answers.append(client.post(start_url, data={**carried, "step": "start"}))

    taps = [threading.Thread(target=tap) for _ in range(2)]
    for thread in taps:
        thread.start()
    for thread in taps:
        thread.join()
    assert [answer.status_code for answer in answers] == [302, 302]
    assert len({answer.headers["Location"] for answer in answers}) == 1
    assert rounds_count(db) == before + 1
    assert len(sent_mail()) == 1


def test_a_start_key_that_is_not_one_is_refused(client, db, start_url):
    filled = {
        "deadline": (today() + timedelta(days=10)).isoformat(),
        **rater_rows(("supervisor", "Sofie", "", "nl")),
        "start_key": "x" * 500,
        "step": "start",
    }
    before = rounds_count(db)
    refused = client.post(start_url, data=filled)
    assert refused.status_code == 422
    assert "reload the page" in refused.get_data(as_text=True)
    assert rounds_count(db) == before
