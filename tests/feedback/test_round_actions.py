"""What cannot be undone on a round asks once first (and a GET never changes anything): stopping a
rater's link, showing a new link (the e-mailed one stops). A rater at a link that ended is told
why: stopped by the counsellor, or replaced by a newer link."""

from __future__ import annotations

import re

from tests.feedback.conftest import complete_answers, read_html


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
