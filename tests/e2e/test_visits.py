"""A counsellor on a 360 px phone: cancelling a visit asks first, and a visit planned from the
home screen is on today; full-size buttons and readable inputs."""

from __future__ import annotations

import re
from datetime import time, timedelta

from playwright.sync_api import expect

from fieldapp.common.dates import today
from fieldapp.visits import services as visit_services
from tests.e2e.test_reminders import (
    READABLE,
    assert_fits_a_thumb,
    assert_no_sideways_scroll,
    font_px,
)
from tests.e2e.test_shell import sign_in


def test_cancelling_a_visit_asks_first(page, live_server, make, db):
    counsellor = make.user(email="an@example.org", name="An Peeters")
    person = make.client(counsellor, "Amina", "El Idrissi")
    visit = visit_services.plan(
        counsellor,
        person,
        visit_services.VisitPlan(today() + timedelta(days=1), time(10), 60, ""),
    )
    db.session.commit()
    sign_in(page, live_server, "an@example.org")
    page.goto(f"{live_server.url}/visits/{visit.id}")

    page.get_by_role("link", name="Bezoek annuleren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dit bezoek annuleren?")
    assert_fits_a_thumb(page.locator("main .actions-row .button"))
    assert_no_sideways_scroll(page)
    page.get_by_role("link", name="Nee, bezoek behouden").click()
    expect(page.locator("[data-visit-status]")).to_have_text("Gepland")

    page.get_by_role("link", name="Bezoek annuleren").click()
    page.get_by_role("button", name="Ja, bezoek annuleren").click()
    expect(page.locator("[data-visit-status]")).to_have_text("Geannuleerd")
    expect(page.get_by_role("link", name="Bezoek annuleren")).to_have_count(0)


def test_a_visit_planned_from_the_home_screen_is_today(page, live_server, make, db):
    counsellor = make.user(email="an@example.org", name="An Peeters")
    make.client(counsellor, "Amina", "El Idrissi")
    sign_in(page, live_server, "an@example.org")

    plan = page.get_by_role("link", name="Vandaag een bezoek plannen")
    assert_fits_a_thumb(plan)
    plan.click()
    expect(page.get_by_label("Dag")).to_have_value(today().isoformat())
    for field in ("Cliënt", "Dag", "Uur", "Duur (minuten)"):
        assert font_px(page.get_by_label(field, exact=True)) >= READABLE, field
    assert_no_sideways_scroll(page)
    page.get_by_label("Cliënt").select_option(label="Amina El Idrissi")
    page.get_by_label("Uur", exact=True).fill("15:00")
    page.get_by_role("button", name="Bewaren").click()

    expect(page.get_by_role("region", name=re.compile(r"^Vandaag"))).to_contain_text(
        "Amina El Idrissi"
    )
