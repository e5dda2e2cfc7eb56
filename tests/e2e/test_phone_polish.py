"""What a counsellor's thumb and eyes meet on a 360 px phone, found by walking the journeys:
lines that read as sentences, a QR code that fills its square, forms that say what they did."""

from __future__ import annotations

from datetime import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from fieldapp.audit import services as audit
from fieldapp.auth.roles import Role
from fieldapp.common.dates import today
from fieldapp.contact_moments.models import ContactMoment
from fieldapp.visits import services as visit_services
from fieldapp.visits.models import FollowUp, NoteRevision
from tests.e2e.busy_world import busy_world
from tests.e2e.test_shell import go_offline, sign_in
from tests.factories import days_from_today

EMAIL = "an@example.org"


def test_a_link_holding_a_date_reads_as_one_line_of_text(page, live_server, make):
    """The evaluations on a client's file are links with a <time> and a red 'late' inside: they
    read as a sentence, words and spaces in a row, not as columns side by side."""
    counsellor = make.user(email=EMAIL)
    client = make.client(counsellor, "Amina", "El Idrissi")
    make.trajectory(counsellor, client, started_on=days_from_today(-200))
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/clients/{client.id}")

    late = page.locator("a[href*='/evaluations/']", has=page.locator("strong.late")).first
    expect(late).to_contain_text("te laat")
    pieces = late.evaluate(
        """link => [...link.children].map((child) => getComputedStyle(child).display)"""
    )
    assert pieces == ["inline", "inline"]  # the <time> and the <strong>
    box = late.bounding_box()
    assert box["height"] >= 44 - 0.5  # still a tap target
    assert box["x"] + box["width"] <= 360


def test_the_qr_code_fills_its_square(page, live_server, make):
    """The floor supervisor's QR code, shown on the counsellor's phone to scan: the code is
    drawn across the whole square the page gives it, with the same quiet margin on every side
    (it was drawn at its own size in the square's top corner, the rest left blank)."""
    counsellor = make.user(email=EMAIL)
    kitchen = make.worksite(counsellor, "WZC Zonnebloem")
    sofie = make.contact(counsellor, kitchen)
    client = make.client(counsellor, "Amina", "El Idrissi")
    trajectory = make.trajectory(counsellor, client, worksite=kitchen, supervisor=sofie)
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/trajectories/{trajectory.id}/supervisor-link/new")
    page.locator("main form button[type=submit]").first.click()

    square = page.locator(".qr-code svg")
    expect(square).to_be_visible()
    box = square.bounding_box()
    drawn = square.locator("path").bounding_box()
    assert box["width"] >= 250  # big enough to scan from across a table
    # Above and below the code (its rows of modules), the same small quiet zone.
    above = drawn["y"] - box["y"]
    below = box["y"] + box["height"] - drawn["y"] - drawn["height"]
    assert abs(above - below) < 2, (above, below)
    assert 0 < above < box["height"] * 0.1, (above, below)


@pytest.fixture
def visit(make, db):
    """An's visit to Amina today, at the kitchen where she works."""
    counsellor = make.user(email=EMAIL, name="An Peeters")
    kitchen = make.worksite(counsellor, "WZC Zonnebloem")
    amina = make.client(counsellor, "Amina", "El Idrissi")
    make.trajectory(counsellor, amina, worksite=kitchen)
    planned = visit_services.plan(
        counsellor, amina, visit_services.VisitPlan(today(), time(10), 60, "Opvolging")
    )
    db.session.commit()
    return planned


def count_on_server(db, model) -> int:
    db.session.rollback()  # a fresh look at what the app server committed
    return db.session.scalar(select(func.count()).select_from(model))


def open_note_form(page, live_server, visit):
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/visits/{visit.id}")
    expect(page.locator("html")).to_have_attribute("data-notes-ready", "true")
    return page.locator("[data-note-form]")


def test_an_action_without_a_day_is_caught_before_the_note_is_kept(page, live_server, visit, db):
    """Offline at the worksite, an agreed action without its day: the phone says so at once,
    instead of keeping the note and showing it 'not accepted' once the network is back."""
    form = open_note_form(page, live_server, visit)
    form.get_by_label("Wat zag en hoorde je?").fill("Goed gewerkt vandaag.")
    form.get_by_label("Actie", exact=True).fill("Werkschoenen aanvragen")
    save = form.get_by_role("button", name="Notitie bewaren")
    save.click()

    due = form.get_by_label("Tegen")
    expect(due).to_be_focused()
    assert due.evaluate("input => input.validationMessage") == "Een actie heeft een datum nodig."
    assert page.evaluate("async () => (await self.fieldappOutbox.entries()).length") == 0
    expect(form.get_by_label("Wat zag en hoorde je?")).to_have_value("Goed gewerkt vandaag.")

    due.fill(today().isoformat())
    save.click()
    expect(form.locator("[data-note-feedback]")).to_have_text("Notitie bewaard.")
    assert count_on_server(db, NoteRevision) == 1
    assert count_on_server(db, FollowUp) == 1


def test_a_note_says_it_is_saved_once_the_network_took_it(page, context, live_server, visit, db):
    """Kept on the phone without signal, the form says so; when the network is back and the
    server has the note, it says the note is saved (it kept saying 'sent when there is a
    connection', online). The button keeps the focus through the save."""
    form = open_note_form(page, live_server, visit)
    go_offline(page, context)
    form.get_by_label("Wat zag en hoorde je?").fill("Offline geschreven.")
    form.get_by_role("button", name="Notitie bewaren").click()
    feedback = form.locator("[data-note-feedback]")
    expect(feedback).to_contain_text("bewaard op deze telefoon")
    expect(form.get_by_role("button", name="Notitie bewaren")).to_be_focused()

    context.set_offline(False)
    expect(feedback).to_have_text("Notitie bewaard.")
    assert count_on_server(db, NoteRevision) == 1


# Every text a form's message shows, in order, as the page's own observer saw it.
WATCH_FEEDBACK = """(form, selector) => {
    window.feedbackSeen = [];
    const feedback = form.querySelector(selector);
    new MutationObserver(() => window.feedbackSeen.push(feedback.textContent)).observe(
        feedback, { childList: true, characterData: true, subtree: true }
    );
}"""


def assert_saving_online_never_says_kept_on_the_phone(
    page, context, form, *, feedback: str, api: str, button: str, saying: str, said: str
) -> None:
    """Taps ``button`` online while the server's answer to ``api`` is held back: the form's
    message says ``saying``; once the answer is let through, ``said``. In between and after, it
    never says the entry is kept on this phone (which reads as "no network")."""
    form.evaluate(WATCH_FEEDBACK, feedback)
    held = []
    context.route(api, lambda route: held.append(route))
    with context.expect_event("request", lambda request: request.method == "POST"):
        form.get_by_role("button", name=button).click()
    message = form.locator(feedback)
    expect(message).to_have_text(saying)  # the server has not answered yet
    for _ in range(100):  # the route's handler runs as Playwright's next messages come in
        if held:
            break
        page.evaluate("0")
    assert held
    expect(message).to_have_text(saying)
    for route in held:
        route.continue_()
    expect(message).to_have_text(said)
    assert not [text for text in page.evaluate("window.feedbackSeen") if "telefoon" in text]


def test_online_a_note_says_saving_then_saved_never_kept_on_the_phone(
    page, context, live_server, visit, db
):
    """Online, the form said 'kept on this phone; it is sent when there is a connection' for the
    moment the server took to answer, then 'saved': a counsellor with signal read that the
    network was down. While the answer is held back, the form says it is saving."""
    form = open_note_form(page, live_server, visit)
    form.get_by_label("Wat zag en hoorde je?").fill("Online geschreven.")
    assert_saving_online_never_says_kept_on_the_phone(
        page,
        context,
        form,
        feedback="[data-note-feedback]",
        api="**/api/visits/*/notes",
        button="Notitie bewaren",
        saying="Notitie wordt bewaard…",
        said="Notitie bewaard.",
    )
    assert count_on_server(db, NoteRevision) == 1


def test_online_a_contact_and_an_unplanned_note_say_saving_never_kept_on_the_phone(
    page, context, live_server, visit, db
):
    """As a visit's note: the contact form and the unplanned visit's note say they are saving
    while the server has not answered, never 'kept on this phone'."""
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/clients/{visit.client_id}")
    form = page.locator("[data-contact-form]")
    expect(form).to_have_attribute("data-enhanced", "true")
    page.get_by_text("Contact registreren", exact=True).first.click()
    form.get_by_label("Gesprek op kantoor").check()
    assert_saving_online_never_says_kept_on_the_phone(
        page,
        context,
        form,
        feedback="[data-contact-feedback]",
        api="**/api/clients/*/contacts",
        button="Contact bewaren",
        saying="Contact wordt bewaard…",
        said="Contact bewaard.",
    )
    assert count_on_server(db, ContactMoment) == 1

    page.goto(f"{live_server.url}/visits/unplanned")
    form = page.locator("[data-unplanned-form]")
    expect(form).to_have_attribute("data-enhanced", "true")
    form.get_by_label("Cliënt").select_option(label="Amina El Idrissi")
    form.get_by_label("Wat zag en hoorde je?").fill("Onaangekondigd langs.")
    assert_saving_online_never_says_kept_on_the_phone(
        page,
        context,
        form,
        feedback="[data-unplanned-feedback]",
        api="**/api/clients/*/unplanned-visits",
        button="Notitie bewaren",
        saying="Notitie wordt bewaard…",
        said="Notitie bewaard.",
    )
    assert count_on_server(db, NoteRevision) == 1


def test_online_a_note_the_send_failed_for_is_kept_on_the_phone(
    page, context, live_server, visit, db
):
    """Online, but the connection drops on the way: the note waits on the phone, and says so."""
    form = open_note_form(page, live_server, visit)
    context.route("**/api/visits/*/notes", lambda route: route.abort("connectionreset"))

    form.get_by_label("Wat zag en hoorde je?").fill("Verbinding valt weg.")
    form.get_by_role("button", name="Notitie bewaren").click()

    expect(form.locator("[data-note-feedback]")).to_contain_text("bewaard op deze telefoon")
    assert page.evaluate("async () => (await self.fieldappOutbox.entries()).length") == 1
    assert count_on_server(db, NoteRevision) == 0


def test_a_contact_logged_online_says_it_is_saved(page, live_server, visit, db):
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/clients/{visit.client_id}")
    form = page.locator("[data-contact-form]")
    expect(form).to_have_attribute("data-enhanced", "true")
    page.get_by_text("Contact registreren", exact=True).first.click()
    form.get_by_label("Gesprek op kantoor").check()
    form.get_by_label("Korte notitie").fill("Planning besproken.")
    save = form.get_by_role("button", name="Contact bewaren")
    save.click()

    expect(form.locator("[data-contact-feedback]")).to_have_text("Contact bewaard.")
    expect(save).to_be_focused()
    assert count_on_server(db, ContactMoment) == 1


def test_an_agreed_action_has_room_to_be_typed_on_a_phone(page, live_server, visit):
    form = open_note_form(page, live_server, visit)
    body = form.get_by_label("Wat zag en hoorde je?").bounding_box()
    action = form.get_by_label("Actie", exact=True).bounding_box()
    due = form.get_by_label("Tegen").bounding_box()
    assert action["width"] >= body["width"] - 20  # the note's width, not some 100 px
    assert due["y"] >= action["y"] + action["height"]  # its day below it
    assert due["x"] + due["width"] <= 360


def test_a_form_sent_back_puts_the_focus_on_its_first_mistake(page, live_server, make):
    """A goal sent without its text comes back with the message under the field, and the focus
    in that field: on a phone the page opens there, not at the top with the mistake out of
    sight, and a screen reader reads the field with its error."""
    counsellor = make.user(email=EMAIL)
    client = make.client(counsellor, "Amina", "El Idrissi")
    trajectory = make.trajectory(counsellor, client)
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/trajectories/{trajectory.id}/goals/new")
    page.get_by_role("button", name="Doel toevoegen").click()

    goal = page.get_by_label("Doel", exact=True)
    expect(goal).to_have_attribute("aria-invalid", "true")
    expect(goal).to_be_focused()
    expect(goal).to_have_accessible_description("Dit veld is verplicht.")


def test_an_error_page_asks_for_nothing_that_is_missing(page, live_server, make):
    """A page that does not exist, or that a counsellor may not open, loads nothing that fails
    (the browser asked for /favicon.ico, which is not there, and logged a 404 on the page)."""
    make.user(email=EMAIL)
    failed = []
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    sign_in(page, live_server, EMAIL)
    for address, status in (("/nowhere", 404), ("/admin/users/", 403)):
        assert page.goto(f"{live_server.url}{address}").status == status
        expect(page.locator("link[rel=icon]")).to_have_count(1)
        page.wait_for_load_state("networkidle")
    assert failed == [f"{live_server.url}/nowhere", f"{live_server.url}/admin/users/"]


def test_a_raters_add_a_comment_is_a_tap_target_in_every_language(page, live_server, make, db):
    """The rater's 'Add a comment' under each question: 44 px or more in English or Turkish too,
    where its words fit on one line (the walk of every page, in Dutch and French, has them on
    two lines and could not see it)."""
    _world, secret = busy_world(make, db)
    for language in ("en", "tr", "ar", "nl"):
        page.goto(f"{live_server.url}/f/{secret}?lang={language}")
        toggles = page.locator(".question summary")
        expect(toggles.first).to_be_visible()
        heights = {round(toggle.bounding_box()["height"]) for toggle in toggles.all()}
        assert min(heights) >= 44, (language, heights)


def test_the_audit_log_of_an_import_fits_a_phone(page, live_server, make, db):
    """An import is logged with its file's fingerprint, 64 hex digits without a place to break:
    the line breaks, the page stays 360 px wide (it was 578, the bottom bar stretched with it)."""
    admin = make.user(role=Role.ADMIN, email=EMAIL)
    audit.record(
        "import.completed",
        organisation_id=admin.organisation_id,
        actor=admin,
        detail={"file_sha256": "0cbfb4ddb22fb294aa3377df5936cefd07f69dd8b74c6757de03a76b4d5fd61"},
    )
    db.session.commit()
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/admin/audit/")

    expect(page.get_by_text("file_sha256", exact=False)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator("nav.appnav").bounding_box()["width"] <= 360


def test_a_goals_new_status_is_confirmed_where_the_phone_is(page, live_server, make):
    """Changing a goal far down the file brings the phone back to the goals: the confirmation is
    shown there, under their heading, not at the top of the page out of sight."""
    counsellor = make.user(email=EMAIL)
    client = make.client(counsellor, "Amina", "El Idrissi")
    trajectory = make.trajectory(counsellor, client)
    make.goal(counsellor, trajectory, "Elke dag om 8 uur op de werkvloer")
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/clients/{client.id}")

    goal = page.locator("[data-goal]")
    goal.get_by_label("Status van het doel").select_option("achieved")
    goal.get_by_role("button", name="Wijzigen").click()

    confirmation = page.get_by_role("status").filter(has_text="Doel: bereikt.")
    expect(confirmation).to_be_in_viewport()
    expect(page.locator("#goals-heading + .flashes")).to_have_count(1)
    expect(page.locator("[data-goal]")).to_have_attribute("data-goal-status", "achieved")


@pytest.mark.parametrize("where", ["file", "contacts"])
def test_a_contact_sent_online_shows_in_the_pages_list(page, live_server, visit, where):
    """Once the server has it, the contact is in the page's list of contacts (before, only a
    reload showed it), on the client's file and on the contacts page."""
    sign_in(page, live_server, EMAIL)
    path = f"/clients/{visit.client_id}" + ("/contacts" if where == "contacts" else "")
    page.goto(f"{live_server.url}{path}")
    contacts = page.locator("[data-contact-list]")
    expect(contacts).to_contain_text("Nog geen contactmomenten geregistreerd.")
    form = page.locator("[data-contact-form]")
    expect(form).to_have_attribute("data-enhanced", "true")
    if where == "file":
        page.get_by_text("Contact registreren", exact=True).first.click()
    form.get_by_label("Gesprek op kantoor").check()
    form.get_by_label("Korte notitie").fill("Planning besproken.")
    form.get_by_role("button", name="Contact bewaren").click()

    expect(form.locator("[data-contact-feedback]")).to_have_text("Contact bewaard.")
    entry = contacts.locator("li[data-contact]")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("Gesprek op kantoor")
    expect(entry).to_contain_text("Planning besproken.")
    expect(entry).to_contain_text("An Peeters")
