"""The development plan goes to the worksite: the goals are part of the visit page that the phone
keeps, so the counsellor reads them on site without signal."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e import test_offline_notes
from tests.e2e.test_offline_notes import EMAIL
from tests.e2e.test_shell import go_offline, sign_in, wait_for_service_worker

visits = test_offline_notes.visits  # today's visit to Amina, who has an open trajectory
GOAL = "Elke ochtend om 8 uur in werkkledij op de werkvloer"


def test_the_goals_are_on_the_visit_page_kept_for_offline_use(
    page, context, live_server, visits, make, db
):
    from fieldapp.development_plan.models import GoalActor
    from fieldapp.trajectories.models import Trajectory

    trajectory = db.session.query(Trajectory).one()
    counsellor = trajectory.client.counsellor
    make.goal(counsellor, trajectory, GOAL, GoalActor.CLIENT)

    sign_in(page, live_server, EMAIL)
    wait_for_service_worker(page)
    expect(page.locator("html")).to_have_attribute("data-offline-pages", "ready")
    assert page.viewport_size["width"] == 360

    page.goto(f"{live_server.url}{visits[0]}")
    goals = page.locator("[data-visit-goals]")
    expect(goals.locator("[data-goal-text]")).to_have_text([GOAL])

    go_offline(page, context)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amina El Idrissi")
    expect(page.get_by_text("Deze kopie van het bezoek staat op deze telefoon")).to_be_visible()
    expect(page.locator("[data-visit-goals] [data-goal-text]")).to_have_text([GOAL])
    expect(page.locator("[data-visit-goals]")).to_contain_text("Cliënt")
    expect(page.locator("[data-visit-goals]")).to_contain_text("open")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
