"""The floor supervisor's link on a 360 px phone, with JavaScript switched off: the first load
stays small, the supervisor gives the month's pulse and reports an urgent incident; the incident
reaches the counsellor's phone through the local push service (VAPID checked, payload decrypted)
although the counsellor is in quiet hours, and shows on the client's timeline."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest
from playwright.sync_api import expect

from fieldapp.reminders import devices, preferences, vapid
from fieldapp.reminders.dispatcher import Dispatcher
from fieldapp.supervisor_link import services
from tests.e2e.conftest import PHONE, PHONE_CONTEXT
from tests.e2e.test_push import click, deliver_push, shown_body
from tests.e2e.test_shell import sign_in, wait_for_service_worker
from tests.push_service import PushService

MAX_FIRST_LOAD_BYTES = 30 * 1024
MAX_FIRST_LOAD_REQUESTS = 4


@pytest.fixture
def push_service():
    with PushService() as running:
        yield running


def first_load(browser: Any, url: str) -> tuple[Any, int, int]:
    """A phone without JavaScript opens ``url``: the page, with the number of responses and the
    bytes they took on the wire (headers and bodies as sent, compressed)."""
    context = browser.new_context(**PHONE_CONTEXT, java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    weight = 0
    for response in responses:
        response.finished()
        sizes = response.request.sizes()
        weight += sizes["responseHeadersSize"] + sizes["responseBodySize"]
    return page, len(responses), weight


def test_a_supervisor_gives_a_pulse_and_an_urgent_incident_reaches_the_counsellor(
    browser, context, live_server, app, make, db, push_service
):
    world = make.world()
    counsellor = world.counsellor
    with app.test_request_context():
        token = services.renew(counsellor, world.trajectory)
    # The counsellor wants quiet all day, and their phone's subscription is at the push service.
    preferences.save(
        counsellor, preferences.Preferences(quiet_from=time(0, 0), quiet_until=time(23, 59))
    )
    make.signed_in(counsellor)  # on the phone
    devices.subscribe(counsellor, push_service.subscription(), "phone")
    db.session.commit()

    # The supervisor's phone: no account, no JavaScript, 360 px.
    supervisor, requests, weight = first_load(browser, f"{live_server.url}/s/{token}")
    print(f"supervisor link first load: {weight} bytes in {requests} requests")
    assert requests <= MAX_FIRST_LOAD_REQUESTS
    assert weight <= MAX_FIRST_LOAD_BYTES
    expect(supervisor.get_by_role("heading", level=1)).to_have_text("Mina op het werk")
    assert world.client.last_name not in supervisor.content()
    assert supervisor.viewport_size == PHONE

    pulse = supervisor.locator("[data-pulse-form]")
    pulse.get_by_text("Goed", exact=True).click()
    pulse.get_by_text("Soms afwezig of te laat").click()
    pulse.get_by_text("Positief").click()
    pulse.get_by_role("button", name="Polsslag versturen").click()
    expect(supervisor.get_by_role("status")).to_contain_text("polsslag voor deze maand")

    report = supervisor.locator("[data-report-form]")
    report.get_by_text("Een incident").click()
    report.get_by_label("In een paar woorden").fill("Gevallen met de kar, hand gekneusd")
    report.get_by_label("Dringend: de trajectbegeleider moet het nu weten").check()
    report.get_by_role("button", name="Versturen").click()
    expect(supervisor.get_by_role("status")).to_contain_text(f"{counsellor.name} is verwittigd")
    assert supervisor.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    supervisor.context.close()

    # The scheduler's next pass pushes it at once, quiet hours or not.
    vapid.create(app)
    dispatcher = Dispatcher(app, workers=1)
    try:
        with app.test_request_context(base_url=app.config["FIELDAPP_BASE_URL"]):
            sent = dispatcher.run_once()
    finally:
        dispatcher.close()
    assert (sent.sent, sent.postponed) == (1, 0)
    assert push_service.problems == []
    (delivery,) = push_service.received()
    payload = delivery.payload
    assert payload["title"] == "Dringend: een werkvloerbegeleider meldt een incident"
    assert "Mina" not in str(payload)

    # What the push service hands the counsellor's phone shows, and a tap opens the placement.
    counsellor_page = context.new_page()
    context.grant_permissions(["notifications"], origin=live_server.url)
    sign_in(counsellor_page, live_server, counsellor.email)
    wait_for_service_worker(counsellor_page)
    deliver_push(counsellor_page, context, live_server, payload)
    assert shown_body(counsellor_page, payload["tag"]) == payload["body"]
    click(context, payload["tag"])
    counsellor_page.wait_for_url(f"{live_server.url}{payload['url']}")
    incident = counsellor_page.locator('[data-report="incident"]')
    expect(incident).to_contain_text("Gevallen met de kar")
    expect(incident).to_contain_text("dringend")
    expect(counsellor_page.locator("[data-pulses] [data-rating='2']")).to_have_text(
        "Soms afwezig of te laat"
    )
    # On the phone no answer of the pulses is cut off at the side, and a report's heading
    # (kind, urgent, day) reads as one line.
    for cell in counsellor_page.locator("[data-pulses] td").all():
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= PHONE["width"], cell.text_content()
    expect(incident.locator("[data-report-heading]")).to_have_text("Incident · dringend")
    heading = incident.locator("[data-report-heading] strong")
    assert heading.first.bounding_box()["y"] == heading.last.bounding_box()["y"]

    counsellor_page.goto(f"{live_server.url}/clients/{world.client.id}")
    timeline = counsellor_page.locator("[data-timeline]")
    expect(timeline).to_contain_text("Bericht van de werkvloerbegeleider: Incident · dringend")
    expect(timeline).to_contain_text("Polsslag van de werkvloerbegeleider: Hoe gaat het? Goed")
