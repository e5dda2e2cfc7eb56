"""The client's easy-read self-assessment without JavaScript (one question a page, posted), in
Arabic and Turkish too, and assisted mode: the counsellor fills it in with the client."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from fieldapp.common.dates import today
from fieldapp.feedback import rounds, shipped
from fieldapp.feedback.models import FeedbackResponse, FeedbackRound, Invitation, RaterGroup
from tests.feedback.conftest import KEYS, rater_rows, read_html


def self_link(make, world, language="nl", easy_read=True):
    feedback_round, links = make.feedback_round(
        world,
        rounds.Rater(
            RaterGroup.SELF, world.client.first_name, language=language, easy_read=easy_read
        ),
        rounds.Rater(RaterGroup.SUPERVISOR, "Sofie"),
    )
    own, supervisor = feedback_round.invitations
    return feedback_round, f"/f/{links[own.id]}", f"/f/{links[supervisor.id]}"


def answer_every_question(client, url, score="4", language="nl"):
    """Go through every screen as a phone without JavaScript: choose, "Next"."""
    for number, key in enumerate(KEYS, start=1):
        response = client.post(f"{url}?q={number}", data={f"score-{key}": score, "action": "next"})
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"q={number + 1}&lang={language}")


def test_one_question_a_page_without_javascript_and_nothing_lost_going_back(client, make, db):
    world = make.world()
    feedback_round, link, _ = self_link(make, world)
    easy = f"{link}/easy"

    opened = client.get(link)  # the counsellor chose the easy-read form when inviting
    assert opened.status_code == 302
    assert opened.headers["Location"] == f"{easy}"

    page = read_html(client.get(easy).get_data(as_text=True))
    (question,) = page.all("fieldset")
    assert question.one("h1").text.strip() == shipped.COMPETENCES[0]["label"]["nl"]
    assert "1 van 10" in page.one(class_="easy-progress").text
    points = question.all("label", class_="easy-scale__point")
    assert [p.one("input").attrs["value"] for p in points] == ["1", "2", "3", "4", "5", "na"]
    assert [p.text.strip() for p in points][-1] == "Ik weet het niet"
    assert all(p.one("img").attrs["src"].startswith("/static/icons/scale/") for p in points)
    assert all(p.one("img").attrs["alt"] == "" for p in points)  # the word says it
    assert page.one("button", value="next")
    assert not page.all("button", value="back")  # nothing before the first question
    read_aloud = page.one("button", class_="easy-read-aloud")
    assert "hidden" in read_aloud.attrs  # shown by the script, when the phone can speak

    second = client.post(f"{easy}?q=1", data={f"score-{KEYS[0]}": "3", "action": "next"})
    assert second.status_code == 303
    assert second.headers["Location"] == f"{easy}?q=2&lang=nl"
    back = client.post(f"{easy}?q=2", data={f"score-{KEYS[1]}": "na", "action": "back"})
    assert back.headers["Location"] == f"{easy}?q=1&lang=nl"
    first_again = read_html(client.get(f"{easy}?q=1").get_data(as_text=True))
    (chosen,) = [i for i in first_again.all("input", type="radio") if "checked" in i.attrs]
    assert chosen.attrs["value"] == "3"
    second_again = read_html(client.get(f"{easy}?q=2").get_data(as_text=True))
    (chosen,) = [i for i in second_again.all("input", type="radio") if "checked" in i.attrs]
    assert chosen.attrs["value"] == "na"
    own = feedback_round.invitations[0]
    db.session.refresh(own)
    assert own.draft["scores"] == {KEYS[0]: 3, KEYS[1]: None}

    # Coming back later starts at the first question without an answer.
    resumed = read_html(client.get(easy).get_data(as_text=True))
    assert resumed.one("h1").text.strip() == shipped.COMPETENCES[2]["label"]["nl"]


def test_sending_asks_for_what_is_open_then_stores_the_answer_once(client, make, db):
    world = make.world()
    feedback_round, link, _ = self_link(make, world)
    easy = f"{link}/easy"
    last = len(KEYS) + 1
    answer_every_question(client, easy)
    client.post(f"{easy}?q=3", data={f"score-{KEYS[2]}": "", "action": "next"})  # left as it was

    own = feedback_round.invitations[0]
    db.session.refresh(own)
    own.draft = {
        **own.draft,
        "scores": {k: v for k, v in own.draft["scores"].items() if k != KEYS[5]},
    }
    db.session.commit()
    refused = client.post(
        f"{easy}?q={last}", data={"overall": "Ik doe mijn best.", "action": "send"}
    )
    assert refused.status_code == 422
    page = read_html(refused.get_data(as_text=True))
    summary = page.one(class_="error-summary")
    assert summary.attrs["role"] == "alert"
    assert [a.attrs["href"] for a in summary.all("a")] == [f"{easy}?q=6&lang=nl"]
    assert "9 van de 10" in page.one("p", data_answered="").text
    assert page.by_id("overall").text == "Ik doe mijn best."  # kept
    assert db.session.scalars(select(FeedbackResponse)).all() == []

    client.post(f"{easy}?q=6", data={f"score-{KEYS[5]}": "2", "action": "next"})
    sent = client.post(f"{easy}?q={last}", data={"overall": "Ik doe mijn best.", "action": "send"})
    assert sent.status_code == 200
    assert "Dank je" in sent.get_data(as_text=True)
    (response,) = db.session.scalars(select(FeedbackResponse)).all()
    assert response.rater_group == "self"
    assert response.scores == {**dict.fromkeys(KEYS, 4), KEYS[5]: 2}
    assert response.overall_comment == "Ik doe mijn best."
    assert response.assisted_by_id is None
    again = client.post(f"{easy}?q={last}", data={"action": "send"})
    assert again.status_code == 409  # the link did its one job


@pytest.mark.parametrize(
    ("query", "data", "status", "message"),
    [
        ("q=0", None, 404, "zo'n vraag niet"),
        ("q=99", None, 404, "zo'n vraag niet"),
        ("q=1", {f"score-{KEYS[0]}": "7", "action": "next"}, 422, "van 1 tot 5"),
        ("q=1", {"score-salary": "3", "action": "next"}, 422, "hoort niet bij deze ronde"),
        ("q=11", {"overall": "x" * 2001, "action": "send"}, 422, "hoogstens 2000"),
    ],
)
def test_bad_input_gets_a_clear_4xx(client, make, db, query, data, status, message):
    world = make.world()
    feedback_round, link, _ = self_link(make, world)
    url = f"{link}/easy?{query}"
    response = client.post(url, data=data) if data else client.get(url)
    assert response.status_code == status
    assert message in html.unescape(response.get_data(as_text=True))
    if data and "overall" in data:  # what was typed is shown again, to shorten
        assert read_html(response.get_data(as_text=True)).by_id("overall").text == data["overall"]
    db.session.refresh(feedback_round.invitations[0])
    assert feedback_round.invitations[0].draft in ({}, None)


def test_a_wrong_or_anothers_link_at_the_easy_address(client, make):
    world = make.world()
    _, link, supervisor_link = self_link(make, world)
    assert client.get(f"/f/{'x' * 43}/easy").status_code == 404
    moved = client.get(f"{supervisor_link}/easy")  # the easy-read form is the client's own
    assert moved.status_code == 302
    assert moved.headers["Location"] == f"{supervisor_link}?lang=nl"
    assert client.get(f"{link}/easy?q=abc").status_code == 200  # read as "where I was"


def test_the_full_form_and_the_easy_one_offer_each_other(client, make):
    world = make.world()
    _, link, supervisor_link = self_link(make, world, easy_read=False)
    full = read_html(client.get(link).get_data(as_text=True))  # not chosen: the full form
    assert full.one("a", data_easy_read_link="").attrs["href"] == f"{link}/easy?lang=nl"
    easy = read_html(client.get(f"{link}/easy").get_data(as_text=True))
    assert easy.one("a", data_full_form_link="").attrs["href"] == f"{link}?lang=nl&form=full"
    assert not read_html(client.get(supervisor_link).get_data(as_text=True)).all(
        "a", data_easy_read_link=""
    )


def test_the_full_form_stays_reachable_when_the_easy_one_was_chosen(client, make):
    world = make.world()
    _, link, _ = self_link(make, world)
    response = client.get(f"{link}?form=full&lang=fr")
    assert response.status_code == 200
    page = read_html(response.get_data(as_text=True))
    assert len(page.all("fieldset")) == len(KEYS)
    french = page.one("a", lang="tr")  # the language links keep the full form
    assert french.attrs["href"] == f"{link}?lang=tr&form=full"


@pytest.mark.parametrize(
    ("language", "direction", "label", "choice", "next_word"),
    [
        ("ar", "rtl", shipped.COMPETENCES[0]["label"]["ar"], "دائمًا", "التالي"),
        ("tr", "ltr", shipped.COMPETENCES[0]["label"]["tr"], "Her zaman", "İleri"),
    ],
)
def test_arabic_and_turkish(client, make, language, direction, label, choice, next_word):
    world = make.world()
    _, link, _ = self_link(make, world, language=language)
    html = client.get(f"{link}/easy").get_data(as_text=True)
    assert f'<html lang="{language}" dir="{direction}">' in html
    page = read_html(html)
    assert page.one("h1").text.strip() == label
    assert choice in page.one(class_="easy-scale").text
    assert page.one("button", value="next").text.strip() == next_word
    names = [a.text for a in page.one("nav").all("a")]
    assert names == ["Nederlands", "Français", "English", "العربية", "Türkçe"]


def test_the_counsellor_chooses_the_easy_read_form_and_an_arabic_link(client, auth, make, db):
    world = make.world()
    auth.login(world.counsellor.email)
    form = client.get(f"/trajectories/{world.trajectory.id}/feedback/new").get_data(as_text=True)
    assert 'value="ar"' in form
    assert "Easy-read form (for the client" in form
    rows = rater_rows(
        ("self", world.client.first_name, "", "ar"), ("supervisor", "Sofie", "", "tr")
    )
    rows["raters-0-easy_read"] = "y"
    rows["raters-1-easy_read"] = "y"  # only the client's own link takes it
    deadline = (today() + timedelta(days=10)).isoformat()
    confirm = client.post(
        f"/trajectories/{world.trajectory.id}/feedback/new", data={"deadline": deadline, **rows}
    )
    assert "with the easy-read form" in confirm.get_data(as_text=True)
    started = client.post(
        f"/trajectories/{world.trajectory.id}/feedback/new",
        data={"deadline": deadline, **rows, "step": "start"},
    )
    assert started.status_code == 302
    feedback_round = db.session.scalars(
        select(FeedbackRound).order_by(FeedbackRound.id.desc())
    ).first()
    own, supervisor = feedback_round.invitations
    assert (own.language, own.easy_read) == ("ar", True)
    assert (supervisor.language, supervisor.easy_read) == ("tr", False)
    round_page = client.get(f"/feedback/rounds/{feedback_round.id}").get_data(as_text=True)
    assert round_page.count("data-easy-read") == 1


def test_assisted_mode_marks_the_report(client, auth, make, db, app):
    world = make.world()
    feedback_round, _, _ = self_link(make, world, language="tr")
    own, supervisor = feedback_round.invitations
    auth.login(world.counsellor.email)
    round_page = read_html(
        client.get(f"/feedback/rounds/{feedback_round.id}").get_data(as_text=True)
    )
    (together,) = round_page.all("a", data_together="")
    url = together.attrs["href"]
    assert url == f"/feedback/invitations/{own.id}/together"

    page = client.get(url).get_data(as_text=True)  # in the client's language
    assert '<html lang="tr" dir="ltr">' in page
    assert "data-assisted" in page
    for number, key in enumerate(KEYS, start=1):
        moved = client.post(f"{url}?q={number}", data={f"score-{key}": "3", "action": "next"})
        assert moved.status_code == 303
    sent = client.post(f"{url}?q={len(KEYS) + 1}", data={"action": "send"})
    assert sent.status_code == 302
    assert sent.headers["Location"] == f"/feedback/rounds/{feedback_round.id}"
    (response,) = db.session.scalars(select(FeedbackResponse)).all()
    assert response.assisted_by_id == world.counsellor.id
    assert response.scores == dict.fromkeys(KEYS, 3)

    report = read_html(
        client.get(f"/feedback/rounds/{feedback_round.id}/report").get_data(as_text=True)
    )
    assert "filled in together with the counsellor" in report.one("span", data_assisted="").text
    round_page = read_html(
        client.get(f"/feedback/rounds/{feedback_round.id}").get_data(as_text=True)
    )
    (marked,) = round_page.all("span", data_assisted="")  # the client's row says so too
    assert "filled in together with the counsellor" in marked.text
    assert client.get(url).status_code == 409  # answered: nothing to fill in any more
    others = client.get(f"/feedback/invitations/{supervisor.id}/together")
    assert others.status_code == 409  # only the client's own form, never a rater's
    assert "Only the client's own form" in html.unescape(others.get_data(as_text=True))


def test_a_self_assessment_sent_alone_is_not_marked_assisted(client, auth, make, db):
    world = make.world()
    feedback_round, link, _ = self_link(make, world)
    answer_every_question(client, f"{link}/easy")
    client.post(f"{link}/easy?q={len(KEYS) + 1}", data={"action": "send"})
    auth.login(world.counsellor.email)
    report = client.get(f"/feedback/rounds/{feedback_round.id}/report").get_data(as_text=True)
    assert "data-assisted" not in report
    assert "data-assisted" not in client.get(f"/feedback/rounds/{feedback_round.id}").get_data(
        as_text=True
    )


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_assisted_mode_checks_the_csrf_token(client, auth, make, db, app_config):
    world = make.world()
    feedback_round, _, _ = self_link(make, world)
    own = feedback_round.invitations[0]
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    auth.login(world.counsellor.email, csrf_token=token)
    url = f"/feedback/invitations/{own.id}/together"
    form = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    refused = client.post(f"{url}?q=1", data={f"score-{KEYS[0]}": "3", "action": "next"})
    assert refused.status_code == 400
    kept = client.post(
        f"{url}?q=1", data={f"score-{KEYS[0]}": "3", "action": "next", "csrf_token": token}
    )
    assert kept.status_code == 303
    db.session.refresh(own)
    assert own.draft["scores"] == {KEYS[0]: 3}
    assert db.session.scalar(select(Invitation.easy_read).where(Invitation.id == own.id))


def test_a_choice_saved_by_the_script_answers_no_content(client, make, db):
    world = make.world()
    feedback_round, link, _ = self_link(make, world)
    saved = client.post(f"{link}/easy?q=4", data={f"score-{KEYS[3]}": "5", "action": "save"})
    assert saved.status_code == 204
    db.session.refresh(feedback_round.invitations[0])
    assert feedback_round.invitations[0].draft["scores"] == {KEYS[3]: 5}


def test_the_invitation_e_mail_speaks_the_raters_language(client, make, sent_mail, app):
    world = make.world()
    with app.test_request_context():
        make.feedback_round(
            world,
            rounds.Rater(RaterGroup.SELF, "Amal", "amal@example.org", "ar", easy_read=True),
            rounds.Rater(RaterGroup.NETWORK, "Ayşe", "ayse@example.org", "tr"),
        )
    arabic, turkish = sorted(sent_mail(), key=lambda mail: mail.to)
    assert arabic.subject == f"رأيك في أداء {world.client.first_name} في العمل"
    assert "مرحبًا Amal،" in arabic.body
    assert turkish.subject == f"İşte {world.client.first_name} nasıl gidiyor: görüşünüz"
    link = re.search(r"http\S+/f/\S+", arabic.body).group(0)
    assert client.get(link).headers["Location"].endswith("/easy")


def test_refusal_and_thank_you_pages_in_arabic_read_right_to_left(client, make):
    world = make.world()
    _, link, _ = self_link(make, world, language="ar")
    answer_every_question(client, f"{link}/easy", language="ar")
    thanks = client.post(f"{link}/easy?q={len(KEYS) + 1}&lang=ar", data={"action": "send"})
    page = thanks.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "شكرًا لك" in page

    used = client.get(f"{link}/easy")
    assert used.status_code == 409
    page = used.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "وصلتنا إجاباتك" in page
    unknown = client.get(f"/f/{'x' * 43}/easy?lang=tr")
    assert unknown.status_code == 404
    assert "Bu bağlantı çalışmıyor" in unknown.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True}])
def test_a_quick_client_with_the_script_is_not_slowed_down(client, make, db):
    """With JavaScript each screen is three requests: the choice saved at once, "Next", the next
    screen. Ten questions, a change of mind and sending, within the minute: never "too many"."""
    world = make.world()
    _, link, _ = self_link(make, world)
    easy = f"{link}/easy"
    statuses = [client.get(link).status_code, client.get(easy).status_code]
    for number, key in enumerate(KEYS, start=1):
        for score in ("3", "4") if number == 2 else ("4",):
            choice = {f"score-{key}": score, "action": "save"}
            statuses.append(client.post(f"{easy}?q={number}", data=choice).status_code)
        statuses.append(client.post(f"{easy}?q={number}", data={"action": "next"}).status_code)
        statuses.append(client.get(f"{easy}?q={number + 1}").status_code)
    statuses.append(client.post(f"{easy}?q={len(KEYS) + 1}", data={"action": "send"}).status_code)
    assert 429 not in statuses
    assert statuses[-1] == 200  # the thank-you page
