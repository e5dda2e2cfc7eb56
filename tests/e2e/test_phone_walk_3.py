"""A newcomer's third walk on a 360 px phone: recording a contact and writing a visit's note."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from playwright.sync_api import expect

from fieldapp.auth import tokens
from fieldapp.auth.models import TokenPurpose
from fieldapp.auth.roles import Role
from fieldapp.common.dates import today
from fieldapp.visits import services as visit_services
from tests.contact_moments.test_rhythm import set_rhythm, started
from tests.e2e.test_shell import sign_in
from tests.factories import World

EMAIL = "an@example.org"
AMBER_SOFT = "rgb(255, 243, 205)"  # --amber-soft: waiting on the phone
GREEN_SOFT = "rgb(227, 240, 236)"  # --green-soft
GREEN = "rgb(11, 93, 75)"  # --green: what can be tapped


@pytest.fixture
def world(make) -> World:
    """A client's file whose counsellor is An, with a visit planned."""
    return make.world_followed_by(EMAIL, "An Peeters")


def test_a_contacts_kinds_read_as_one_line_each_with_their_circle_beside_the_words(
    page, live_server, world
):
    """The contact form's choices took the file's label style (a block) instead of their own:
    each circle sat above the line of its words, and 'Gesprek met de werkvloerbegeleider' went
    on under the circle. Each choice has its circle on the left, level with its words, and a
    long one wraps beside the circle."""
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/contacts/new")
    page.wait_for_load_state("load")
    for name in ("Telefoongesprek", "Gesprek met de werkvloerbegeleider", "Niet bereikt"):
        choice = page.locator(".contact-form label.scale__point").filter(has_text=name)
        circle = choice.locator("input").bounding_box()
        words = choice.locator("span").bounding_box()
        assert words["x"] >= circle["x"] + circle["width"], name  # the words beside the circle
        middle = circle["y"] + circle["height"] / 2
        assert abs(middle - (words["y"] + words["height"] / 2)) <= 2, name  # level with them


def test_a_note_just_saved_reads_as_saved_not_as_waiting_and_not_as_no_notes_yet(
    page, live_server, world, db
):
    """Online, the note said 'Notitie bewaard.', but the page showed it in the amber of a note
    waiting on the phone, and 'Earlier notes' under it still said 'Nog geen notities.': a
    newcomer read that nothing was kept. A saved note is shown as saved, and the page no longer
    says there are none."""
    visit = visit_services.plan(
        world.counsellor,
        world.client,
        visit_services.VisitPlan(today(), time(14), 60, "Eerste week"),
    )
    db.session.commit()
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/visits/{visit.id}")
    expect(page.get_by_text("Nog geen notities.")).to_be_visible()
    page.get_by_label("Wat zag en hoorde je?").fill("Amina was op tijd en werkte vlot mee.")
    page.get_by_role("button", name="Notitie bewaren").click()
    expect(page.get_by_role("status").filter(has_text="Notitie bewaard.")).to_be_visible()

    saved = page.locator("[data-pending-notes] li").filter(has_text="Amina was op tijd")
    expect(saved).to_contain_text("Bewaard")
    expect(saved).not_to_have_css("background-color", AMBER_SOFT)
    expect(saved).to_have_css("background-color", GREEN_SOFT)
    expect(page.get_by_text("Nog geen notities.")).to_be_hidden()


def test_the_administrations_current_tab_is_in_sight_on_a_phone(page, live_server, make, db):
    """The administration's eight tabs scroll sideways on a phone, and always opened at the
    first: on 'Organisatie' or 'Auditlogboek' the underlined tab was off the screen (an 'O' at
    the edge), and nothing said where one was. The current tab is scrolled into sight."""
    make.user(role=Role.ADMIN, email="beheer@example.org", name="Bea Beheer")
    db.session.commit()
    sign_in(page, live_server, "beheer@example.org")
    for path, name in (("/admin/organisation", "Organisatie"), ("/admin/audit/", "Auditlogboek")):
        page.goto(f"{live_server.url}{path}")
        tab = page.locator("nav.tabs a[aria-current=page]")
        expect(tab).to_have_text(name)
        expect(tab).to_be_in_viewport(ratio=0.99)  # scrolling is by whole pixels


def test_another_moment_on_the_contact_form_looks_like_something_to_tap(page, live_server, world):
    """'Een ander moment' (to record a contact of yesterday) is a fold that opens, but it was
    drawn as plain black text with no mark, like a label whose field was missing: a newcomer did
    not try it. It is drawn as the app's other folds are (green, bold), and it opens."""
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/contacts/new")
    fold = page.locator(".contact-form summary")
    expect(fold).to_have_text("Een ander moment")
    expect(fold).to_have_css("color", GREEN)
    expect(fold).to_have_css("font-weight", "600")
    fold.click()
    expect(page.locator(".contact-form details")).to_have_attribute("open", "")


def test_a_reset_link_opened_where_someone_else_is_signed_in_says_whose_password_it_is(
    page, live_server, world, make, app, db
):
    """A reset link opened on a phone where a colleague is signed in showed only 'Choose a new
    password', under the colleague's bell and menu: they could take it for their own password,
    and learnt only afterwards that saving signed them out. The page says whose password it
    sets, and that whoever is signed in here is signed out."""
    owner = make.user(email="bea@cpas-b.example", name="Bea Dubois")
    with app.test_request_context():
        raw = tokens.issue(owner, TokenPurpose.RESET, timedelta(hours=1))
    db.session.commit()
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/password/reset/{raw}")

    card = page.locator("main")
    expect(card).to_contain_text("Voor bea@cpas-b.example.")
    expect(card).to_contain_text("An Peeters wordt op dit toestel afgemeld zodra je bewaart.")


def test_a_client_past_the_contact_rhythm_on_the_home_page_says_overdue_and_its_year(
    page, live_server, make, db
):
    """'No contact within the contact rhythm · Sun 30 Aug', in red only: months late, the day
    read as something coming, as the overdue evaluations did before they said so. It says
    'overdue' in words, with the year, as the home page's other late items do."""
    counsellor = make.user(email=EMAIL, name="An Peeters")
    admin = make.user(counsellor.organisation, role=Role.ADMIN, email="admin@example.org")
    late, _ = started(make, counsellor, 100, "Laat")
    set_rhythm(db, admin, phase_1=14)
    sign_in(page, live_server, EMAIL)
    year = (today() - timedelta(days=100 - 14)).year  # the rhythm ran out some 86 days ago

    item = page.locator("[data-no-contact]").filter(has_text=late.full_name)
    expect(item).to_contain_text(re.compile(rf"\d+ \w+ {year} · te laat"))


def test_the_sign_in_page_says_what_keep_me_signed_in_changes(page, live_server, app):
    """'Aangemeld blijven op dit toestel' said nothing of what happens without it: a newcomer
    learnt only on the settings page, or when a phone asked for the password again, that a
    sign-in without it ends after some hours unused. The sign-in page says so, with the
    checkbox, before the choice is made."""
    hours = app.permanent_session_lifetime // timedelta(hours=1)
    page.goto(f"{live_server.url}/login")
    keep = page.get_by_label("Aangemeld blijven op dit toestel")
    expect(keep).to_have_accessible_description(
        f"Zonder vinkje word je afgemeld na {hours} uur zonder gebruik."
    )
    # under the checkbox's line, its words level with the label's
    words = page.get_by_text("Zonder vinkje word je afgemeld").evaluate(
        "p => { const range = document.createRange(); range.selectNodeContents(p);"
        " const box = range.getClientRects()[0]; return {x: box.x, y: box.y}; }"
    )
    label = page.locator("label", has_text="Aangemeld blijven op dit toestel").bounding_box()
    assert words["y"] >= keep.bounding_box()["y"] + keep.bounding_box()["height"]
    assert abs(words["x"] - label["x"]) <= 1


def test_an_invitation_opened_where_someone_else_is_signed_in_says_they_are_signed_out(
    page, live_server, world, make, app, db
):
    """As a reset link's page now does: starting with an invitation on a colleague's phone signs
    the colleague out, and the page said nothing of it."""
    invited = make.user(email="bea@cpas-b.example", name="Bea Dubois")
    with app.test_request_context():
        raw = tokens.issue(invited, TokenPurpose.INVITE, timedelta(hours=1))
    db.session.commit()
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/invitation/{raw}")

    expect(page.locator("main")).to_contain_text(
        "An Peeters wordt op dit toestel afgemeld zodra je begint."
    )
