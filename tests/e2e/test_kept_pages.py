"""Pages kept on a phone for offline use: gone as soon as the server says the session is over (a
lost phone signed out from a laptop), while an unsent note waits for the next sign-in; and never
older than a week, also offline."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp.auth.models import User
from fieldapp.visits.models import Visit
from tests.e2e import test_offline_notes
from tests.e2e.conftest import PHONE_CONTEXT
from tests.e2e.test_offline_notes import EMAIL, notes_on_server, pending, ready, write_note
from tests.e2e.test_shell import go_offline, sign_in, wait_for_service_worker
from tests.factories import DEFAULT_PASSWORD

visits = test_offline_notes.visits  # the same two visits: today's and tomorrow's

KEPT_PAGES = """async () => {
    if (!(await caches.has("fieldapp-pages"))) return [];
    const cache = await caches.open("fieldapp-pages");
    return (await cache.keys()).map((request) => new URL(request.url).pathname).sort();
}"""

# Moves the stamp of one kept page back by `days`, as if it had been kept that long ago. The service
# worker stamps and judges with its own clock, which Playwright's page clock does not reach, so the
# test ages the copy rather than moving a clock.
AGE_COPY = """async ([path, days]) => {
    const cache = await caches.open("fieldapp-pages");
    const copy = await cache.match(path, { ignoreVary: true });
    const headers = new Headers(copy.headers);
    const keptAt = Number(headers.get("X-Fieldapp-Kept-At"));
    headers.set("X-Fieldapp-Kept-At", String(keptAt - days * 24 * 60 * 60 * 1000));
    await cache.put(path, new Response(await copy.blob(), { status: copy.status, headers }));
}"""


def test_a_session_ended_elsewhere_deletes_the_kept_pages_and_keeps_the_unsent_note(
    page, context, browser, live_server, visits, db
):
    sign_in(page, live_server, EMAIL)
    wait_for_service_worker(page)
    expect(page.locator("html")).to_have_attribute("data-offline-pages", "ready")
    assert set(visits) <= set(page.evaluate(KEPT_PAGES))

    go_offline(page, context)
    page.goto(f"{live_server.url}{visits[0]}")
    ready(page)
    write_note(page, "Geschreven voor de telefoon zoekraakte.")
    expect(pending(page)).to_have_attribute("data-count", "1")

    # The phone is lost: from a laptop, An ends the phone's session.
    laptop = browser.new_context(**PHONE_CONTEXT)
    try:
        desk = laptop.new_page()
        sign_in(desk, live_server, EMAIL)
        desk.goto(f"{live_server.url}/settings")
        other = desk.locator("[data-signed-in-devices] li:not([data-this-device])")
        expect(other).to_have_count(1)
        other.get_by_role("button", name="Beëindigen").click()
        expect(desk.locator("[data-signed-in-devices] li")).to_have_count(1)
    finally:
        laptop.close()

    # The phone's next contact with the server (the outbox tries to send) hears it is signed out.
    context.set_offline(False)
    expect(page.locator("[data-signed-out]")).to_be_visible()
    assert page.evaluate(KEPT_PAGES) == []
    expect(pending(page)).to_have_attribute("data-count", "1")
    assert notes_on_server(db) == {}

    # The kept visit page is not served offline any more.
    go_offline(page, context)
    page.goto(f"{live_server.url}{visits[1]}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Je bent offline")

    # Signing in again sends the note that waited.
    context.set_offline(False)
    page.goto(f"{live_server.url}/login?next={visits[0]}")
    page.get_by_label("E-mailadres").fill(EMAIL)
    page.get_by_label("Wachtwoord").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    ready(page)
    expect(pending(page)).to_have_attribute("data-count", "0")
    assert sum(notes_on_server(db).values()) == 1


def test_a_refresh_sent_to_the_sign_in_page_deletes_the_kept_pages(
    page, context, live_server, visits
):
    sign_in(page, live_server, EMAIL)
    wait_for_service_worker(page)
    expect(page.locator("html")).to_have_attribute("data-offline-pages", "ready")
    assert page.evaluate(KEPT_PAGES)

    context.clear_cookies()  # the session is over; the open page does not know yet
    result = page.evaluate(
        """async () => {
            const registration = await navigator.serviceWorker.ready;
            const channel = new MessageChannel();
            const answer = new Promise((resolve) => {
                channel.port1.onmessage = (event) => resolve(event.data);
            });
            registration.active.postMessage({ type: "keep-pages" }, [channel.port2]);
            const silence = new Promise((resolve) => setTimeout(() => resolve("no answer"), 5000));
            return Promise.race([answer, silence]);
        }"""
    )
    assert result == {"kept": False, "signedOut": True}
    assert page.evaluate(KEPT_PAGES) == []


def test_a_page_kept_more_than_a_week_ago_is_not_served_offline(page, context, live_server, visits):
    sign_in(page, live_server, EMAIL)
    wait_for_service_worker(page)
    expect(page.locator("html")).to_have_attribute("data-offline-pages", "ready")
    today_visit, tomorrow_visit = visits
    page.evaluate(AGE_COPY, [today_visit, 6])
    page.evaluate(AGE_COPY, [tomorrow_visit, 8])

    go_offline(page, context)
    page.goto(f"{live_server.url}{today_visit}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amina El Idrissi")
    page.goto(f"{live_server.url}{tomorrow_visit}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Je bent offline")
    assert tomorrow_visit not in page.evaluate(KEPT_PAGES)
    assert today_visit in page.evaluate(KEPT_PAGES)


KEEP_PAGES_NOW = """async () => {
    const registration = await navigator.serviceWorker.ready;
    const channel = new MessageChannel();
    const answer = new Promise((resolve) => {
        channel.port1.onmessage = (event) => resolve(event.data);
    });
    registration.active.postMessage({ type: "keep-pages" }, [channel.port2]);
    return answer;
}"""


def test_a_kept_page_the_server_no_longer_shows_this_person_is_deleted(
    page, live_server, make, visits, db
):
    """A page still listed but answered 404 (before a hand-over moved the planned visits along,
    the previous counsellor's visit of a file they may no longer open) kept its old copy on the
    phone for a week, served offline. Its copy goes now; the others stay."""
    sign_in(page, live_server, EMAIL)
    wait_for_service_worker(page)
    expect(page.locator("html")).to_have_attribute("data-offline-pages", "ready")
    assert set(visits) <= set(page.evaluate(KEPT_PAGES))

    an = db.session.scalar(select(User).where(User.email == EMAIL))
    colleague = make.user(an.organisation, email="collega@example.org")
    bram = db.session.get(Visit, int(visits[1].rsplit("/", 1)[1])).client
    bram.counsellor_id = colleague.id  # the file goes; its visit stays An's, listed
    db.session.commit()

    assert page.evaluate(KEEP_PAGES_NOW)["kept"] is True
    kept = page.evaluate(KEPT_PAGES)
    assert visits[0] in kept
    assert visits[1] not in kept
