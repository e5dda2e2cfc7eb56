"""A newcomer's second walk on a 360 px phone: a counsellor's ordinary morning and what changed
today (the calendar address after signing out everywhere else)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from fieldapp.supervisor_link import services as supervisor_link
from tests.e2e.conftest import PHONE_CONTEXT
from tests.e2e.test_shell import sign_in
from tests.factories import World

EMAIL = "an@example.org"


@pytest.fixture
def world(make) -> World:
    """A client's file whose counsellor is An; its evaluations are months overdue."""
    return make.world_followed_by(EMAIL, "An Peeters")


def test_an_overdue_item_on_the_home_page_says_so_in_words_and_with_its_year(
    page, live_server, world
):
    """'Due this week' listed the evaluation due in February as 'Thu 5 Feb', in red only: on a
    phone in November it read as something for next February, and the red says nothing to a
    screen reader nor to someone who does not see the colour. It says 'overdue' and the year."""
    sign_in(page, live_server, EMAIL)
    due_on = world.evaluation.due_on
    item = page.locator("#week-heading ~ ul li").filter(has_text="Evaluatie na 1 maand")
    expect(item).to_contain_text(re.compile(rf"{due_on.day} \w+ {due_on.year} · te laat"))


def test_the_calendar_page_says_why_the_address_stopped_after_signing_out_everywhere_else(
    page, browser, live_server, world
):
    """Signing out everywhere else stops the calendar address too (a lost phone's calendar app
    must not keep reading the visits). The counsellor whose agenda no longer shows the visits
    came to the calendar page and found only 'Make my calendar address', as if there had never
    been one: nothing said that the old one stopped, nor why, nor to subscribe again."""
    laptop = browser.new_context(**PHONE_CONTEXT)
    sign_in(laptop.new_page(), live_server, EMAIL)
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/visits/calendar")
    page.get_by_role("button", name="Mijn agenda-adres maken").click()
    expect(page.get_by_label("Je agenda-adres (alleen nu getoond)")).to_be_visible()

    page.goto(f"{live_server.url}/settings")
    page.get_by_role("button", name="Overal elders afmelden").click()
    expect(page.get_by_role("status")).to_contain_text("Je bent afgemeld op elk ander toestel.")
    page.goto(f"{live_server.url}/visits/calendar")

    hint = page.locator("[data-feed-stopped]")
    expect(hint).to_contain_text("overal elders afmeldt")
    expect(hint).to_contain_text("opnieuw")
    laptop.close()


def test_a_supervisor_past_the_message_limit_is_shown_why_where_they_are(
    page, live_server, world, app, db
):
    """Past the link's limit, the page comes back with what was typed and a message saying when
    to send it again, but at the top of the page: the message sat at the bottom of a long page,
    out of sight on a phone, and the supervisor could think it was sent. The phone goes to the
    message, which a screen reader reads out."""
    app.config["FIELDAPP_SUPERVISOR_POST_LIMIT"] = "1 per day"
    with app.test_request_context():
        token = supervisor_link.renew(world.counsellor, world.trajectory)
    db.session.commit()
    page.goto(f"{live_server.url}/s/{token}")
    for text in ("Mag Mina vrijdag vroeger weg?", "En maandag ook?"):
        report = page.locator("[data-report-form]")
        report.get_by_text("Een vraag").click()
        report.get_by_label("In een paar woorden").fill(text)
        report.get_by_role("button", name="Versturen").click()
        page.wait_for_load_state()

    message = page.locator("[data-report-form] [role=alert]")
    expect(message).to_contain_text("staat hij op pauze")
    expect(message).to_be_in_viewport()
    expect(message).to_be_focused()
    expect(page.locator("[data-report-form]").get_by_label("In een paar woorden")).to_have_value(
        "En maandag ook?"
    )


def test_a_supervisors_report_sent_back_shows_the_field_to_complete(
    page, live_server, world, app, db
):
    """A question sent without its words came back to the top of the page: the supervisor saw
    the next visit and the pulse, nothing of what was wrong, far below. The page opens where the
    missing words go (the public pages run no script: the field has the focus by itself)."""
    with app.test_request_context():
        token = supervisor_link.renew(world.counsellor, world.trajectory)
    db.session.commit()
    page.goto(f"{live_server.url}/s/{token}")
    report = page.locator("[data-report-form]")
    report.get_by_text("Een vraag").click()
    report.get_by_role("button", name="Versturen").click()

    words = page.locator("[data-report-form]").get_by_label("In een paar woorden")
    expect(words).to_have_attribute("aria-invalid", "true")
    expect(words).to_be_focused()
    expect(words).to_be_in_viewport()


def test_planning_a_visit_asks_how_long_it_lasts_not_minutes_after_the_hour(
    page, live_server, world
):
    """'Uur' (the time) followed by 'Minuten' with 60 in it read as the time in two fields: a
    newcomer planning 10:30 changed the 60 to 30, and planned a half-hour visit at 10:00."""
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/clients/{world.client.id}")
    page.get_by_role("link", name="Bezoek plannen").click()
    expect(page.get_by_label("Duur (minuten)")).to_have_value("60")
    expect(page.get_by_label("Minuten", exact=True)).to_have_count(0)


def test_planning_a_visit_leads_back_to_the_file_like_the_files_other_pages(
    page, live_server, world
):
    """'Plan a visit' from a client's file named the client in a line of text under the heading
    (a 19 px tall link); the file's other pages have '← name' above the heading, a whole tap
    target, where a counsellor who changes their mind looks for the way back."""
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/clients/{world.client.id}/visits/new")
    back = page.get_by_role("link", name=f"← {world.client.full_name}")
    assert back.bounding_box()["height"] >= 44 - 0.5
    assert back.bounding_box()["y"] < page.get_by_role("heading", level=1).bounding_box()["y"]
