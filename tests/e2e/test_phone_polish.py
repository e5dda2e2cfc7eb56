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
