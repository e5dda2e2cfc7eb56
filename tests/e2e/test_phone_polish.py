"""What a counsellor's thumb and eyes meet on a 360 px phone, found by walking the journeys:
lines that read as sentences, a QR code that fills its square, forms that say what they did."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.test_shell import sign_in
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
