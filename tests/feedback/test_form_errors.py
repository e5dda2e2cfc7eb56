"""The form at a rater's link sent back incomplete: every question that needs an answer is marked,
listed at the top with a link to it, and nothing chosen or typed is lost."""

from __future__ import annotations

from babel.dates import format_date
from sqlalchemy import func, select

from fieldapp.feedback.models import FeedbackResponse
from tests.feedback.conftest import KEYS, complete_answers, read_html


def without(answers: dict[str, str], *keys: str) -> dict[str, str]:
    return {name: value for name, value in answers.items() if name not in keys}


def test_every_unanswered_question_is_marked_and_listed(client, db, started):
    _, _, token = started
    client.post("/logout")
    first, second = KEYS[1], KEYS[4]
    sent = without(complete_answers(), f"score-{first}", f"score-{second}")
    sent[f"comment-{first}"] = "Hij vraagt veel uitleg."
    sent[f"comment-{KEYS[0]}"] = "Altijd stipt."
    sent["overall"] = "Een harde werker."

    response = client.post(f"/f/{token}", data=sent)

    assert response.status_code == 422
    page = read_html(response.get_data(as_text=True))
    summary = page.one(class_="error-summary")
    assert summary.attrs["role"] == "alert"
    assert summary.attrs["tabindex"] == "-1"
    assert "Er is een probleem" in summary.one("h2").text
    assert [link.attrs["href"] for link in summary.all("a")] == [f"#q-{first}", f"#q-{second}"]

    for key in KEYS:
        question = page.by_id(f"q-{key}")
        radios = question.all("input", type="radio")
        if key in (first, second):
            assert "question--error" in question.classes
            message = page.by_id(question.attrs["aria-describedby"])
            assert "Kies een antwoord" in message.text
            assert all(radio.attrs.get("aria-invalid") == "true" for radio in radios)
            assert not [radio for radio in radios if "checked" in radio.attrs]
        else:
            assert "question--error" not in question.classes
            assert "aria-describedby" not in question.attrs
            assert not [radio for radio in radios if "aria-invalid" in radio.attrs]
            (chosen,) = [radio for radio in radios if "checked" in radio.attrs]
            assert chosen.attrs["value"] == sent[f"score-{key}"]  # kept
    assert page.by_id(f"comment-{first}").text == "Hij vraagt veel uitleg."
    assert page.by_id(f"comment-{KEYS[0]}").text == "Altijd stipt."
    assert page.by_id("overall").text == "Een harde werker."
    assert db.session.scalar(select(func.count()).select_from(FeedbackResponse)) == 0


def test_a_long_comment_is_marked_beside_a_missing_answer(client, db, started):
    _, _, token = started
    sent = without(complete_answers(), f"score-{KEYS[0]}")
    sent[f"comment-{KEYS[2]}"] = "x" * 2001

    response = client.post(f"/f/{token}", data=sent)

    assert response.status_code == 422
    page = read_html(response.get_data(as_text=True))
    links = [link.attrs["href"] for link in page.one(class_="error-summary").all("a")]
    assert links == [f"#q-{KEYS[0]}", f"#comment-{KEYS[2]}"]
    comment = page.by_id(f"comment-{KEYS[2]}")
    assert comment.attrs["aria-invalid"] == "true"
    assert "hoogstens 2000" in page.by_id(comment.attrs["aria-describedby"]).text
    assert comment.text == "x" * 2001  # shown again to shorten, not cut
    assert "question--error" in page.by_id(f"q-{KEYS[2]}").classes
    assert page.by_id(f"q-{KEYS[2]}").all("input", aria_invalid="true") == []  # its score is fine


def test_saving_for_later_never_asks_for_missing_answers(client, db, started):
    _, _, token = started
    saved = client.post(f"/f/{token}", data={f"score-{KEYS[0]}": "2", "action": "save"})
    assert saved.status_code == 200
    assert read_html(saved.get_data(as_text=True)).all(class_="error-summary") == []


def test_a_form_of_another_round_still_gets_one_message(client, db, started):
    _, _, token = started
    response = client.post(f"/f/{token}", data=complete_answers(**{"score-charm": "3"}))
    assert response.status_code == 422
    page = read_html(response.get_data(as_text=True))
    assert "hoort niet bij deze ronde" in page.one(role="alert").text
    assert page.all(class_="question--error") == []


def test_the_form_tells_the_rater_until_when_the_link_works(client, db, started):
    """As the invitation does: a rater who opens the link days later knows whether to answer now.
    In the rater's language (the supervisor reads Dutch), with the round's deadline."""
    _, feedback_round, token = started
    page = client.get(f"/f/{token}").get_data(as_text=True)
    day = format_date(feedback_round.deadline, "d MMMM yyyy", locale="nl")
    assert f"De link is enkel voor jou en werkt tot {day}." in page
