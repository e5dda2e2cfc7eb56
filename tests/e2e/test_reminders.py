"""A counsellor on a 360 px phone snoozes a visit's reminder: only choices before the visit are
offered, with full-size targets, and the reminder then waits under what is coming."""

from __future__ import annotations

from datetime import time, timedelta

from playwright.sync_api import expect

from fieldapp.common.dates import today
from fieldapp.visits import services as visit_services
from tests.e2e.test_shell import sign_in

TAP = 44  # CSS px, the smallest target a thumb hits reliably
READABLE = 16  # CSS px: smaller text in an input makes a phone zoom in


def assert_fits_a_thumb(locator) -> None:
    """Every element matched is at least 44×44 CSS px on the page."""
    for index in range(locator.count()):
        box = locator.nth(index).bounding_box()
        assert box is not None, locator
        assert box["width"] >= TAP, (locator, box)
        assert box["height"] >= TAP, (locator, box)


def font_px(locator) -> float:
    locator.page.wait_for_load_state("load")  # the stylesheet applies, as when painted
    return float(locator.evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)"))


def assert_no_sideways_scroll(page) -> None:
    page.wait_for_load_state("load")  # the stylesheet applies, as when painted
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_a_visit_reminder_is_snoozed_only_until_the_visit_and_stays_in_sight(
    page, live_server, make, db
):
    counsellor = make.user(email="an@example.org", name="An Peeters")
    person = make.client(counsellor, "Amina", "El Idrissi")
    visit_services.plan(
        counsellor,
        person,
        visit_services.VisitPlan(today() + timedelta(days=1), time(10), 60, ""),
    )
    db.session.commit()
    sign_in(page, live_server, "an@example.org")

    page.goto(f"{live_server.url}/notifications")
    item = page.locator("[data-due] > li", has_text="Amina El Idrissi")
    choice = item.get_by_label("Herinner me opnieuw")
    options = choice.locator("option").all_inner_texts()
    assert "morgenochtend" in options
    assert "over een week" not in options  # the visit is tomorrow
    assert_fits_a_thumb(item.get_by_role("button"))
    assert_fits_a_thumb(choice)
    assert font_px(choice) >= READABLE
    assert_no_sideways_scroll(page)

    choice.select_option(label="morgenochtend")
    item.get_by_role("button", name="Later").click()

    expect(page.locator(".flashes")).to_contain_text("Je wordt opnieuw herinnerd op")
    expect(page.locator("[data-due]")).to_have_count(0)
    waiting = page.locator("[data-upcoming] > li", has_text="Amina El Idrissi")
    expect(waiting).to_contain_text("Uitgesteld tot")
    assert_fits_a_thumb(waiting.get_by_role("button"))
