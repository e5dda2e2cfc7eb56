"""A counsellor on a 360 px phone: from the home screen to a client, changes the phase and sees
it in the timeline."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from fieldapp.common.dates import today
from tests.e2e.test_shell import sign_in


def test_from_home_to_a_client_and_change_the_phase(page, live_server, make, db):
    counsellor = make.user(email="an@example.org", name="An Peeters")
    kitchen = make.worksite(counsellor, "WZC Zonnebloem")
    person = make.client(counsellor, "Amina", "El Idrissi")
    make.trajectory(
        counsellor,
        person,
        worksite=kitchen,
        started_on=today() - timedelta(days=27),
        planned_end_on=today() + timedelta(days=300),
    )
    sign_in(page, live_server, "an@example.org")

    # The home screen lists the evaluation due this week; tap through to the client.
    due = page.get_by_role("region", name="Deze week te doen")
    expect(due).to_contain_text("Evaluatie na 1 maand")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Cliënten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cliënten")
    page.get_by_role("link", name="Amina El Idrissi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amina El Idrissi")
    expect(page.locator("[data-current-phase]")).to_have_text("1. Verkenning")

    page.get_by_label("Fase", exact=True).select_option("3")
    page.get_by_role("button", name="Fase wijzigen").click()

    expect(page.locator("[data-current-phase]")).to_have_text("3. Tewerkstelling")
    timeline = page.locator("[data-timeline] li").first
    expect(timeline).to_contain_text("Fase gewijzigd")
    expect(timeline).to_contain_text("1 → 3")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
