"""A phone in one hand: the widest pages still read at 360 px, without hidden columns."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.busy_world import busy_world
from tests.e2e.test_shell import sign_in


def test_the_360_report_reads_on_a_phone(page, live_server, make, db):
    world, _secret = busy_world(make, db)
    sign_in(page, live_server, world.counsellor.email)
    page.goto(f"{live_server.url}/feedback/rounds/{world.feedback_round.id}/report")

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # Every figure of every competence is on screen, after the name of its column.
    cells = page.locator("[data-competence] td")
    assert cells.count() == len(world.feedback_round.competences) * 6  # self, all, gap, 3 groups
    offscreen = [
        cells.nth(i).inner_text()
        for i in range(cells.count())
        if not 0 <= cells.nth(i).bounding_box()["x"] <= 360 - cells.nth(i).bounding_box()["width"]
    ]
    assert offscreen == []
    for index in range(cells.count()):
        cell = cells.nth(index)
        label = cell.evaluate("cell => getComputedStyle(cell, '::before').content")
        assert cell.get_attribute("data-label") in label
    first = page.locator("[data-competence]").first
    expect(first.locator("td[data-group=network]")).to_be_visible()

    # Still a table to a screen reader: its column headers are there, named.
    table = page.get_by_role("table")
    for name in ("Competentie", "Zelf", "Alle anderen", "Verschil", "Werkvloerbegeleider"):
        expect(table.get_by_role("columnheader", name=name)).to_have_count(1)
    # Where it does scroll (a wider screen), the keyboard reaches it: a named, focusable region.
    region = page.get_by_role("region", name="Tabel per competentie")
    expect(region).to_have_attribute("tabindex", "0")
    page.set_viewport_size({"width": 640, "height": 740})
    region.focus()
    expect(region).to_be_focused()
