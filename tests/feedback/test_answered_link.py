"""A rater who opens their link again after answering: a page that says their answers arrived,
when, that nothing is left to do and whom to ask, in their language, and nothing else."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_datetime

from fieldapp.common.time import now_utc
from fieldapp.feedback import rounds
from fieldapp.feedback.models import RaterGroup
from tests.feedback.conftest import complete_answers, read_html

RECEIVED = {
    "nl": "Je antwoorden zijn goed aangekomen",
    "fr": "Vos réponses sont bien arrivées",
    "en": "Your answers were received",
    "tr": "Cevaplarınız bize ulaştı",
    "ar": "وصلتنا إجاباتك",
}


@pytest.mark.parametrize("language", list(RECEIVED))
def test_an_answered_link_says_when_the_answers_arrived_and_whom_to_ask(client, db, make, language):
    world = make.world()
    feedback_round, links = make.feedback_round(
        world, rounds.Rater(RaterGroup.SUPERVISOR, "Sofie", language=language)
    )
    link = f"/f/{links[feedback_round.invitations[0].id]}"
    assert client.post(link, data=complete_answers(overall="Goed bezig!")).status_code == 200

    again = client.get(link)
    assert again.status_code == 409  # the link's one use is done
    page = read_html(again.get_data(as_text=True))
    assert page.one("html").attrs["lang"] == language
    assert page.one("html").attrs["dir"] == ("rtl" if language == "ar" else "ltr")
    assert "rater" in page.one("body").classes
    assert page.one("title").text.startswith(RECEIVED[language])
    assert page.one("h1").text.strip() == RECEIVED[language]
    text = " ".join(page.one("main").text.split())
    brussels = ZoneInfo("Europe/Brussels")
    day = format_datetime(now_utc(), "d MMMM yyyy", tzinfo=brussels, locale=language)
    assert day in text  # when they answered, in their language and time zone
    assert world.counsellor.name in text  # whom to ask if it looks wrong
    assert world.counsellor.organisation.name in text
    # Nothing else: not what was answered, nor more about the client, nor a form to send again.
    assert "Goed bezig!" not in again.get_data(as_text=True)
    assert world.client.last_name not in text
    assert world.worksite.name not in text
    assert page.all("form") == []


def test_a_second_tab_sending_the_same_answers_gets_the_same_page(client, db, make):
    """The form was still open in another tab: sending it again tells the rater the first one
    arrived, in their language."""
    world = make.world()
    feedback_round, links = make.feedback_round(
        world, rounds.Rater(RaterGroup.SUPERVISOR, "Sofie", language="fr")
    )
    link = f"/f/{links[feedback_round.invitations[0].id]}"
    client.post(link, data=complete_answers())
    twice = client.post(link, data=complete_answers())
    assert twice.status_code == 409
    page = read_html(twice.get_data(as_text=True))
    assert page.one("h1").text.strip() == RECEIVED["fr"]
    assert world.counsellor.name in " ".join(page.one("main").text.split())
