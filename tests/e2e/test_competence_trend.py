"""The competence trend on a 360 px phone: one tap from the top of the client's file, the chart
fits without sideways scrolling, its table opens, and axe-core finds nothing serious."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.competence_trend.conftest import note
from tests.e2e.busy_world import busy_world
from tests.e2e.conftest import PHONE
from tests.e2e.test_every_page import AXE, AXE_JS
from tests.e2e.test_shell import sign_in


def test_the_trend_reads_on_a_phone(context, live_server, make, db):
    world, _secret = busy_world(make, db)
    note(db, world, {"competence:punctuality": 2, "competence:teamwork": 3}, -80)
    note(db, world, {"competence:punctuality": 4}, -20)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    sign_in(page, live_server, world.counsellor.email)
    page.goto(f"{live_server.url}/clients/{world.client.id}")

    page.get_by_role("link", name="Verloop van de competenties").click()
    chart = page.get_by_role("img", name="Verloop van de competenties")
    expect(chart).to_be_visible()
    expect(chart).to_be_in_viewport()
    box = chart.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_text("De scores als tabel").click()
    table = page.get_by_role("table", name="Verloop van de competenties")
    expect(table).to_be_visible()
    expect(table.get_by_role("rowheader", name="Op tijd en aanwezig")).to_have_count(4)  # 2+2
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    assert page.evaluate(AXE_JS) == []
