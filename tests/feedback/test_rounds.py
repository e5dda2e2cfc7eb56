"""360° rounds: starting one, the raters' secret links, the form at a link, one answer each."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.common.dates import today
from fieldapp.common.secret_links import hash_token
from fieldapp.common.time import now_utc
from fieldapp.feedback import rounds
from fieldapp.feedback.models import FeedbackResponse, FeedbackRound, Invitation, RaterGroup
from tests.feedback.conftest import KEYS, complete_answers, rater_rows


def test_links_are_long_random_and_stored_only_as_a_hash(started, db):
    _world, feedback_round, token = started
    assert len(token) >= 43  # 256 bits in URL-safe base64
    supervisor = feedback_round.invitations[0]
    assert supervisor.token_hash == hash_token(token)
    assert token not in str(db.session.execute(select(Invitation.token_hash)).all())
    assert [i.rater_group for i in feedback_round.invitations] == ["supervisor", "colleague"]
    assert [c["key"] for c in feedback_round.competences] == KEYS  # the framework in use


def test_the_form_shows_only_the_first_name_and_the_worksite(client, started):
    world, _, token = started
    client.post("/logout")
    page = client.get(f"/f/{token}").get_data(as_text=True)
    assert world.client.first_name in page
    assert world.client.last_name not in page
    assert world.worksite.name in page
    assert "Op tijd en aanwezig" in page  # the supervisor's language
    assert 'data-anonymous="false"' in page  # a supervisor answers with their name
    english = client.get(f"/f/{token}?lang=en").get_data(as_text=True)
    assert "Punctuality and attendance" in english
    assert "Op tijd en aanwezig" not in english


def test_save_for_later_then_submit_once(client, db, started):
    _, _feedback_round, token = started
    client.post("/logout")
    saved = client.post(f"/f/{token}", data={"score-pace": "2", "action": "save"})
    assert saved.status_code == 200
    assert "later terugkomen" in saved.get_data(as_text=True)  # the supervisor reads Dutch
    again = client.get(f"/f/{token}").get_data(as_text=True)
    assert 'name="score-pace" value="2" checked' in again

    incomplete = client.post(f"/f/{token}", data={"score-pace": "2", "action": "submit"})
    assert incomplete.status_code == 422
    body = incomplete.get_data(as_text=True)
    assert "Beantwoord elke vraag" in body
    assert 'name="score-pace" value="2" checked' in body  # nothing typed is lost

    done = client.post(f"/f/{token}", data=complete_answers(overall="Goed bezig!"))
    assert done.status_code == 200
    assert "Dank je" in done.get_data(as_text=True)  # in the rater's language
    twice = client.post(f"/f/{token}", data=complete_answers())
    assert twice.status_code == 409
    (response,) = db.session.scalars(select(FeedbackResponse)).all()
    assert response.scores["language"] is None
    assert response.scores["pace"] == 4
    assert response.overall_comment == "Goed bezig!"
    assert client.get(f"/f/{token}").status_code == 409


@pytest.mark.parametrize(
    ("tampered", "message"),
    [
        ({"score-pace": "7"}, "van 1 tot 5"),
        ({"score-charm": "3"}, "hoort niet bij deze ronde"),
        ({"comment-pace": "x" * 2001}, "hoogstens 2000"),
    ],
)
def test_a_tampered_form_is_refused_and_nothing_is_stored(client, db, started, tampered, message):
    """In the rater's language (Dutch here), whatever the browser asks for."""
    _, _, token = started
    response = client.post(f"/f/{token}", data=complete_answers(**tampered))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(FeedbackResponse)) == 0


def test_expired_revoked_and_unknown_links_say_what_to_do(client, db, started):
    world, feedback_round, token = started
    assert client.get("/f/not-a-real-link").status_code == 404
    assert client.get(f"/f/{'x' * 200}").status_code == 404

    feedback_round.deadline = today() - timedelta(days=1)
    db.session.commit()
    expired = client.get(f"/f/{token}")
    assert expired.status_code == 410
    assert "uiterste datum" in expired.get_data(as_text=True)
    assert world.counsellor.name in expired.get_data(as_text=True)
    assert client.post(f"/f/{token}", data=complete_answers()).status_code == 410

    feedback_round.deadline = today()  # the deadline day itself still counts
    db.session.commit()
    assert client.get(f"/f/{token}").status_code == 200
    supervisor = feedback_round.invitations[0]
    assert client.post(f"/feedback/invitations/{supervisor.id}/revoke").status_code == 302
    assert client.get(f"/f/{token}").status_code == 410


def test_a_new_link_replaces_the_old_one(client, db, started):
    _, feedback_round, token = started
    colleague = feedback_round.invitations[1]
    page = client.post(f"/feedback/invitations/{colleague.id}/link").get_data(as_text=True)
    assert "<svg" in page  # the QR code, drawn on the server
    fresh = re.search(r"/f/([\w-]+)", page).group(1)
    form = client.get(f"/f/{fresh}")
    assert form.status_code == 200
    assert 'data-anonymous="true"' in form.get_data(as_text=True)  # colleagues are told
    again = client.post(f"/feedback/invitations/{colleague.id}/link").get_data(as_text=True)
    newest = re.search(r"/f/([\w-]+)", again).group(1)
    assert client.get(f"/f/{fresh}").status_code == 410  # the old link is replaced
    assert client.get(f"/f/{newest}").status_code == 200
    assert client.get(f"/f/{token}").status_code == 200  # other raters' links are untouched


def test_the_round_page_says_who_answered_not_what(client, db, started):
    _, feedback_round, token = started
    client.post(f"/f/{token}", data=complete_answers(overall="Een geheim oordeel"))
    page = client.get(f"/feedback/rounds/{feedback_round.id}").get_data(as_text=True)
    assert 'data-status="answered"' in page  # the supervisor, by name
    assert 'data-status="waiting"' not in page  # the colleague: never per person, answered or not
    assert 'data-status="anonymous"' in page
    assert "Een geheim oordeel" not in page


def test_a_round_keeps_the_competences_it_started_with(client, db, started):
    world, _feedback_round, token = started
    world.framework.in_use = True
    world.framework.competences[0].label = {"nl": "Iets heel anders"}
    db.session.commit()
    page = client.get(f"/f/{token}").get_data(as_text=True)
    assert "Op tijd en aanwezig" in page
    assert "Iets heel anders" not in page


def test_bad_rounds_are_refused(client, db, make, auth):
    world = make.world()
    auth.login(world.counsellor.email)
    url = f"/trajectories/{world.trajectory.id}/feedback/new"
    late = {
        "deadline": (today() + timedelta(days=200)).isoformat(),
        **rater_rows(("self", "Amina", "", "nl")),
    }
    response = client.post(url, data=late)
    assert response.status_code == 422
    assert "four months" in response.get_data(as_text=True)
    nobody = {"deadline": today().isoformat(), **rater_rows(("self", "", "", "nl"))}
    assert "at least one person" in client.post(url, data=nobody).get_data(as_text=True)
    tampered = {"deadline": today().isoformat(), **rater_rows(("boss", "X", "", "nl"))}
    assert client.post(url, data=tampered).status_code == 422
    count = db.session.scalar(select(func.count()).select_from(FeedbackRound))
    assert count == 1  # only the world's own round


def test_two_tabs_submitting_at_once_store_one_answer(app, db, started):
    _, _, token = started
    url = f"/f/{token}"
    clients = [app.test_client() for _ in range(2)]
    start = threading.Barrier(2)
    statuses = []

    def submit(device):
        start.wait()
        statuses.append(device.post(url, data=complete_answers()).status_code)

    threads = [threading.Thread(target=submit, args=(device,)) for device in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409]
    assert db.session.scalar(select(func.count()).select_from(FeedbackResponse)) == 1


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True}])
def test_guessing_links_is_slowed_down(client, db):
    statuses = {client.get(f"/f/guess-{number}").status_code for number in range(61)}
    assert statuses == {404, 429}


def test_the_rounds_page_says_whose_link_was_mailed(client, db, started):
    """``started`` ran the mail pass: the supervisor's link went out; the colleague has no
    address, so nothing is said about mail for him."""
    _, feedback_round, _ = started
    page = client.get(f"/feedback/rounds/{feedback_round.id}").get_data(as_text=True)
    supervisor, colleague = page.split("data-invitation=")[1:3]
    assert 'data-mail="sent"' in supervisor
    assert "Link e-mailed on" in supervisor
    assert "data-mail" not in colleague


def test_remind_those_who_have_not_answered(client, db, started, sent_mail):
    _, feedback_round, token = started
    client.post(f"/f/{token}", data={"score-pace": "3", "action": "save"})
    sent_mail().clear()
    response = client.post(f"/feedback/rounds/{feedback_round.id}/remind", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "A new link is being e-mailed to whoever has not answered" in page  # queued, not sent
    assert 'data-mail="queued"' in page
    (mail,) = sent_mail()  # the supervisor has an address; the colleague has none
    assert mail.to == "sofie@example.org"
    fresh = re.search(r"/f/(\S+)", mail.body).group(1)
    assert client.get(f"/f/{token}").status_code == 410  # the old link was replaced
    page = client.get(f"/f/{fresh}").get_data(as_text=True)
    assert 'name="score-pace" value="3" checked' in page  # what was saved is still there
    assert db.session.get(Invitation, feedback_round.invitations[0].id).reminded_at is not None


def test_a_rater_is_reminded_at_most_once_a_day(client, auth, started, sent_mail, clock):
    """Each press of "remind" mailed every rater who had not answered again: an account could
    send a rater (the client's family, a colleague) mail after mail, from the OCMW's address."""
    world, feedback_round, _token = started
    remind = f"/feedback/rounds/{feedback_round.id}/remind"
    sent_mail().clear()
    for _ in range(5):
        assert client.post(remind).status_code == 302
    (mail,) = sent_mail()
    latest = re.search(r"/f/(\S+)", mail.body).group(1)
    assert client.get(f"/f/{latest}").status_code == 200  # not replaced by the presses after it

    clock.move_to(now_utc() + timedelta(days=1))
    auth.login(world.counsellor.email)  # the session of the day before has ended
    assert client.post(remind).headers["Location"] == f"/feedback/rounds/{feedback_round.id}"
    assert [m.to for m in sent_mail()] == ["sofie@example.org", "sofie@example.org"]


def test_once_released_the_clients_own_link_shows_the_report(client, db, make, auth):
    world = make.world()
    auth.login(world.counsellor.email)
    feedback_round, links = make.feedback_round(
        world, rounds.Rater(RaterGroup.SELF, world.client.first_name)
    )
    own = f"/f/{links[feedback_round.invitations[0].id]}"
    assert client.post(own, data=complete_answers()).status_code == 200
    assert client.get(own).status_code == 409  # answered; nothing to see yet
    client.post(f"/feedback/rounds/{feedback_round.id}/release")
    page = client.get(own)
    assert page.status_code == 200
    assert 'data-competence="punctuality"' in page.get_data(as_text=True)
    supervisor_link = client.post(f"/feedback/invitations/{world.invitation.id}/link").get_data(
        as_text=True
    )
    token = re.search(r"/f/([\w-]+)", supervisor_link).group(1)
    assert "data-competence" not in client.get(f"/f/{token}").get_data(as_text=True)


def test_the_clients_own_link_to_the_released_report_can_be_stopped_and_replaced(
    client, db, make, auth
):
    """The report a client's link shows once released is theirs alone: a link that reached
    someone else is stopped, also after the round closed, and the client gets a new one."""
    world = make.world()
    auth.login(world.counsellor.email)
    feedback_round, links = make.feedback_round(
        world, rounds.Rater(RaterGroup.SELF, world.client.first_name)
    )
    invitation = feedback_round.invitations[0]
    own = f"/f/{links[invitation.id]}"
    assert client.post(own, data=complete_answers()).status_code == 200
    client.post(f"/feedback/rounds/{feedback_round.id}/release")
    assert 'data-competence="punctuality"' in client.get(own).get_data(as_text=True)

    stop = f"/feedback/invitations/{invitation.id}/revoke"
    round_page = client.get(f"/feedback/rounds/{feedback_round.id}").get_data(as_text=True)
    assert f'href="{stop}"' in round_page
    asked = client.get(stop).get_data(as_text=True)
    assert "can no longer open the form or their report with their link" in asked
    assert client.post(stop).status_code == 302
    stopped = client.get(own)
    assert stopped.status_code == 410
    assert "stopgezet" in stopped.get_data(as_text=True)
    assert "data-competence" not in stopped.get_data(as_text=True)

    page = client.post(f"/feedback/invitations/{invitation.id}/link").get_data(as_text=True)
    fresh = re.search(r"/f/([\w-]+)", page).group(1)
    assert 'data-competence="punctuality"' in client.get(f"/f/{fresh}").get_data(as_text=True)
    assert client.get(own).status_code == 410


def test_the_deadline_can_be_moved_later_not_earlier(client, db, started):
    _, feedback_round, _token = started
    url = f"/feedback/rounds/{feedback_round.id}/deadline"
    later = (today() + timedelta(days=30)).isoformat()
    assert client.post(url, data={"deadline": later}).status_code == 302
    db.session.refresh(feedback_round)
    assert feedback_round.deadline.isoformat() == later
    earlier = client.post(url, data={"deadline": today().isoformat()})
    assert earlier.status_code == 422
    assert "after the current one" in earlier.get_data(as_text=True)
    assert client.post(url, data={"deadline": "morgen"}).status_code == 422


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True}])
def test_one_link_is_slowed_down_from_any_address(app, db, started):
    _, _, token = started
    statuses = [
        app.test_client()
        .get(f"/f/{token}", environ_overrides={"REMOTE_ADDR": f"10.0.0.{number}"})
        .status_code
        for number in range(31)
    ]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429


def test_the_page_before_starting_warns_of_an_anonymous_group_too_small_to_be_shown(
    client, db, make, auth
):
    """One relative and two colleagues, with a threshold of three: the counsellor is told,
    before the links go out, that these groups will not show in the report as they are (the
    supervisor, a named group, shows from one answer). Three colleagues are enough."""
    world = make.world()
    auth.login(world.counsellor.email)
    deadline = (today() + timedelta(days=10)).isoformat()
    rounds_before = db.session.scalar(select(func.count()).select_from(FeedbackRound))
    rows = [
        ("supervisor", "Sofie Verbruggen", "", "nl"),
        ("network", "Broer", "", "nl"),
        ("colleague", "Jan", "", "nl"),
        ("colleague", "Mia", "", "nl"),
    ]
    page = client.post(
        f"/trajectories/{world.trajectory.id}/feedback/new",
        data={"deadline": deadline, **rater_rows(*rows)},
    ).get_data(as_text=True)

    assert "Start the round" in page
    assert "Family or friend (anonymous): fewer than 3 people." in page
    assert "Colleague (anonymous): fewer than 3 people." in page
    assert 'data-too-few="supervisor"' not in page
    assert db.session.scalar(select(func.count()).select_from(FeedbackRound)) == rounds_before

    rows[1] = ("colleague", "Lotte", "", "nl")
    page = client.post(
        f"/trajectories/{world.trajectory.id}/feedback/new",
        data={"deadline": deadline, **rater_rows(*rows)},
    ).get_data(as_text=True)
    assert "Start the round" in page
    assert "fewer than 3 people" not in page
