"""A counsellor's first walk on a 360 px phone through the evaluation cycle, the 360° feedback and
the settings: what was missing or misleading on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from fieldapp.auth.roles import Role
from fieldapp.feedback import rounds
from fieldapp.feedback.models import RaterGroup
from fieldapp.supervisor_link import services as supervisor_link
from tests.e2e.test_shell import sign_in
from tests.factories import World

EMAIL = "an@example.org"


@pytest.fixture
def world(make) -> World:
    """A client's file whose counsellor is An."""
    return make.world_followed_by(EMAIL, "An Peeters")


def test_a_refused_evaluation_record_takes_the_phone_to_the_field_to_fix(page, live_server, world):
    """Closing a record without the next evaluation's date: the record is many screens long on a
    phone and the message is at its top; the date field itself, at the bottom, says what is wrong
    and has the focus, so the phone shows it."""
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/clients/{world.client.id}")
    page.get_by_role("link", name=re.compile(r"Na 1 maand")).click()
    page.get_by_label("Voortzetten zoals afgesproken").check()
    page.get_by_role("button", name="Het verslag afsluiten").click()

    expect(page.get_by_role("alert")).to_contain_text("Geef de datum van de volgende evaluatie.")
    field = page.get_by_label("Volgende evaluatie")
    expect(field).to_be_focused()
    expect(field).to_be_in_viewport()
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description("Geef de datum van de volgende evaluatie.")
    # What was chosen is kept.
    expect(page.get_by_label("Voortzetten zoals afgesproken")).to_be_checked()


def test_a_difference_that_cannot_be_made_reads_as_a_dash_in_the_report(
    page, live_server, make, world
):
    """Only the supervisor has answered: on the phone each competence is a card of lines, and the
    'Difference' line ended empty, as if a figure failed to load; it reads '–' like 'Self'."""
    feedback_round, _ = make.feedback_round(world, rounds.Rater(RaterGroup.SUPERVISOR, "Sofie"))
    make.feedback_answer(feedback_round, RaterGroup.SUPERVISOR, {"punctuality": 4})
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/feedback/rounds/{feedback_round.id}/report")

    row = page.locator("tr[data-competence=punctuality]")
    expect(row.locator("td[data-label='Zelf']")).to_have_text("–")
    expect(row.locator("td[data-label='Verschil']")).to_have_text("–")
    expect(row.locator("td[data-label='Verschil']")).to_be_visible()


@pytest.mark.parametrize(
    ("path", "tab"),
    [
        ("/evaluations/{evaluation}/record", "Cliënten"),
        ("/feedback/rounds/{round}", "Cliënten"),
        ("/feedback/rounds/{round}/report", "Cliënten"),
        ("/trajectories/{trajectory}/goals/new", "Cliënten"),
        ("/trajectories/{trajectory}/supervisor-link", "Cliënten"),
        ("/settings/notifications", "Instellingen"),
    ],
)
def test_the_bottom_bar_marks_the_part_of_the_app_a_page_belongs_to(
    page, live_server, world, path, tab
):
    """An evaluation, a 360° round or a goal is part of a client's file, the notifications are
    settings: the bar at the bottom of the phone marked no tab there, so nothing said where one
    was nor that the 'Clients' tab leads back."""
    sign_in(page, live_server, EMAIL)
    page.goto(
        live_server.url
        + path.format(
            evaluation=world.evaluation.id,
            round=world.feedback_round.id,
            trajectory=world.trajectory.id,
        )
    )
    current = page.locator("nav.appnav a[aria-current=page]")
    expect(current).to_have_count(1)
    expect(current).to_have_text(tab)
    expect(current).to_be_in_viewport()


def test_this_device_is_named_on_the_line_of_its_device(page, live_server, make):
    """Settings, signed-in devices: 'Chrome · Linux · This device' reads as one line; '· This
    device' fell to a line of its own that began with the dot."""
    make.user(email=EMAIL, name="An Peeters")
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/settings")

    this = page.locator("[data-signed-in-devices] li[data-this-device]")
    name = this.locator("strong")
    expect(this).to_contain_text("Dit toestel")
    same_line = this.evaluate(
        """(item) => {
            const range = document.createRange();
            const text = [...item.querySelectorAll("*"), item]
                .flatMap((element) => [...element.childNodes])
                .find((node) => node.nodeType === Node.TEXT_NODE
                    && node.textContent.includes("Dit toestel"));
            range.selectNodeContents(text);
            const words = range.getBoundingClientRect();
            const name = item.querySelector("strong").getBoundingClientRect();
            return Math.abs(words.top - name.top) < 2;
        }"""
    )
    assert same_line
    assert name.bounding_box()["x"] + name.bounding_box()["width"] <= 360


def gap_between(upper, lower) -> float:
    return lower.bounding_box()["y"] - (upper.bounding_box()["y"] + upper.bounding_box()["height"])


def test_buttons_of_separate_forms_do_not_touch(page, live_server, make, world, app, db):
    """A closed evaluation's 'Download the PDF' and 'Make a correction', the supervisor's
    'Confirm this visit' and 'Propose a time': each pair touched, one button's edge on the
    other's, where a thumb easily takes the wrong one. They are apart like buttons in a row."""
    make.evaluation_record(world)  # the second evaluation, closed
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/evaluations/{world.trajectory.evaluations[1].id}/record")
    pdf = page.get_by_role("link", name="De pdf downloaden")
    correct = page.get_by_role("button", name="Een verbetering maken")
    assert gap_between(pdf, correct) >= 8

    with app.test_request_context():
        token = supervisor_link.renew(world.counsellor, world.trajectory)
    db.session.commit()
    page.goto(f"{live_server.url}/s/{token}")
    confirm = page.get_by_role("button", name="Dit bezoek bevestigen")
    propose = page.get_by_text("Stel een moment voor")
    assert gap_between(confirm, propose) >= 8


def test_a_name_typed_in_a_spare_row_of_a_new_round_is_not_a_second_self_assessment(
    page, live_server, world
):
    """The rows after the client and the supervisor said 'The client (self-assessment)' until
    changed: a colleague's name typed there got a self-assessment link, and their answers were
    counted as the client's own."""
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/trajectories/{world.trajectory.id}/feedback/new")
    spare = page.locator("fieldset.rater-row").nth(2)
    expect(spare.get_by_label("Wie")).to_have_value("colleague")
    spare.get_by_label("Naam").fill("Jan")
    page.get_by_role("button", name="Nakijken en starten").click()

    expect(page.locator("[data-raters]")).to_contain_text("Jan")
    expect(page.locator("[data-raters]")).not_to_contain_text(
        re.compile(r"Jan\s+De cliënt \(zelfbeoordeling\)")
    )


def test_closing_the_record_is_apart_from_the_development_plan(page, live_server, world):
    """'Close the record', the last button of the evaluation form, sat on the top edge of the
    development plan's card that follows it, as if it were part of it."""
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/evaluations/{world.evaluation.id}/record")
    close = page.get_by_role("button", name="Het verslag afsluiten")
    plan = page.locator("[data-evaluation-plan]")
    assert gap_between(close, plan) >= 12


def test_the_evaluation_page_calls_its_draft_by_one_name(page, live_server, world):
    """The button saves the 'ontwerp', the development plan's hint spoke of the 'concept': two
    words for one draft, on a first use read as two things."""
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/evaluations/{world.evaluation.id}/record")
    expect(page.get_by_role("button", name="Ontwerp bewaren")).to_be_visible()
    hint = page.locator("[data-evaluation-plan]")
    expect(hint).to_contain_text("zodra het ontwerp bewaard is")


@pytest.mark.parametrize(
    "path", ["/evaluations/{evaluation}/record", "/trajectories/{trajectory}/goals/new"]
)
def test_the_way_back_to_the_file_is_a_back_link_big_enough_for_a_thumb(
    page, live_server, world, path
):
    """An evaluation and a new goal led back to the client's file by the client's name inside a
    line of text (19 px tall on the phone); the other pages of the file have '← name' above the
    heading, a whole tap target."""
    sign_in(page, live_server, EMAIL)
    page.goto(
        live_server.url
        + path.format(evaluation=world.evaluation.id, trajectory=world.trajectory.id)
    )
    back = page.get_by_role("link", name=f"← {world.client.full_name}")
    assert back.bounding_box()["height"] >= 44 - 0.5
    assert back.bounding_box()["y"] < page.get_by_role("heading", level=1).bounding_box()["y"]
    back.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(world.client.full_name)


def test_the_supervisor_reporting_an_incident_is_asked_its_day_not_the_absences(
    page, live_server, world, app, db
):
    """The report's day is kept for an incident or a question too, but its field said 'Day of the
    absence': a supervisor reporting an incident did not know whether to fill it in."""
    with app.test_request_context():
        token = supervisor_link.renew(world.counsellor, world.trajectory)
    db.session.commit()
    page.goto(f"{live_server.url}/s/{token}")
    report = page.locator("[data-report-form]")
    report.get_by_text("Een incident").click()
    expect(report.get_by_label("Op welke dag (niet verplicht)")).to_be_visible()
    expect(report).not_to_contain_text("afwezigheid (niet verplicht)")


def test_the_competence_frameworks_are_marked_as_part_of_admin(page, live_server, make):
    """The administrator's competence frameworks (where the 360° questions come from) marked no
    tab in the bottom bar: the list named a part of the app that does not exist."""
    make.user(role=Role.ADMIN, email=EMAIL)
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/admin/frameworks/")
    expect(page.locator("nav.appnav a[aria-current=page]")).to_have_text("Beheer")
