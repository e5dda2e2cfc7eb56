"""A counsellor on a 360 px phone: signs in, gets the service worker, the offline page, an
installable app."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.factories import DEFAULT_PASSWORD


def sign_in(page, server, email: str) -> None:
    page.goto(f"{server.url}/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dag")
    page.wait_for_load_state("load")


def wait_for_service_worker(page) -> str:
    """Until the service worker is active and controls the page.

    The page registers it itself; a registration that a navigation cut short (signing in right
    after the sign-in page loaded) or an install that failed is tried again. A page that was
    still loading when the worker took control of open pages stays uncontrolled, as in any
    browser, until it is loaded again: then it is reloaded. Anything else fails within seconds.
    """
    state = page.evaluate(
        """async () => {
            const within = (promise, ms) => Promise.race([promise, new Promise((resolve) =>
                setTimeout(() => resolve("timeout"), ms))]);
            const settled = (worker) => new Promise((resolve) => {
                const check = () => ["activated", "redundant"].includes(worker.state)
                    && resolve(worker.state);
                worker.addEventListener("statechange", check);
                check();
            });
            for (let attempt = 0; attempt < 3; attempt += 1) {
                const registration = await navigator.serviceWorker.register("/sw.js");
                const worker =
                    registration.installing || registration.waiting || registration.active;
                const state = await within(settled(worker), 8000);
                if (state === "timeout") return "no activation after 8 s";
                if (state !== "activated") continue;
                if (!navigator.serviceWorker.controller) {
                    await within(new Promise((resolve) => navigator.serviceWorker
                        .addEventListener("controllerchange", resolve, { once: true })), 2000);
                }
                return navigator.serviceWorker.controller ? "controlled" : "active";
            }
            return "the service worker did not install";
        }"""
    )
    if state == "active":
        page.reload()
        state = (
            "controlled" if page.evaluate("navigator.serviceWorker.controller !== null") else state
        )
    assert state == "controlled", state
    return "activated"


def go_offline(page, context) -> None:
    """The phone loses its signal. Playwright cuts the pages off at once, and a service worker
    once it has attached to it: a worker the browser had stopped while idle starts again with the
    next navigation and may reach the server before that (a test once got the page from the
    network, not the kept copy). So the worker is woken and its own requests must fail first.

    That holds for a worker that does not control the page as well (one that activated while the
    page loaded): its background sync sends the page's notes all the same. A loaded CI machine
    once had it store a note that the test's route was to refuse, before the route was there."""
    context.set_offline(True)
    if not page.evaluate("async () => Boolean(await navigator.serviceWorker?.getRegistration())"):
        return
    # Any request of the page goes through its worker, which starts for it if it was stopped; a
    # worker that does not control the page is woken by a message.
    page.evaluate(
        """async () => {
            await fetch('/healthz', { cache: 'no-store' }).catch(() => null);
            (await navigator.serviceWorker.ready).active.postMessage({ type: 'wake' });
        }"""
    )
    worker = context.service_workers[0] if context.service_workers else None
    worker = worker or context.wait_for_event("serviceworker", timeout=15_000)
    cut_off = worker.evaluate(
        """async () => {
            const until = Date.now() + 15000;
            while (Date.now() < until) {
                try {
                    await fetch("/healthz", { cache: "no-store" });
                } catch {
                    return true;
                }
                await new Promise((resolve) => setTimeout(resolve, 50));
            }
            return false;
        }"""
    )
    assert cut_off, "the service worker still reaches the server after going offline"


def test_sign_in_on_a_phone(page, live_server, make):
    make.user(email="an@example.org", name="An Peeters")
    sign_in(page, live_server, "an@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dag An")
    navigation = page.get_by_role("navigation", name="Hoofdmenu")
    expect(navigation).to_be_visible()
    box = navigation.bounding_box()
    assert box["y"] + box["height"] == 740  # the bar sits at the bottom, under the thumb
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing sticks out
    # The top bar's links are taps too: the name back to the start page, the reminders' bell.
    for link in page.locator("header.topbar a").all():
        size = link.bounding_box()
        assert size["width"] >= 44, link.inner_text()
        assert size["height"] >= 44, link.inner_text()


def test_wrong_password_shows_the_message(page, live_server, make):
    make.user(email="an@example.org")
    page.goto(f"{live_server.url}/login")
    page.get_by_label("E-mailadres").fill("an@example.org")
    page.get_by_label("Wachtwoord").fill("dit is niet het wachtwoord")
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("alert")).to_contain_text("klopt niet")


def test_service_worker_and_offline_page(page, context, live_server, make):
    make.user(email="an@example.org")
    sign_in(page, live_server, "an@example.org")
    assert wait_for_service_worker(page) == "activated"

    go_offline(page, context)
    page.goto(f"{live_server.url}/settings")
    expect(page.get_by_role("heading", level=1)).to_have_text("Je bent offline")
    context.set_offline(False)
    page.get_by_role("link", name="Opnieuw proberen").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dag")


def test_the_app_is_installable(persistent_context, live_server, make):
    make.user(email="an@example.org")
    page = persistent_context.new_page()
    sign_in(page, live_server, "an@example.org")
    wait_for_service_worker(page)
    session = page.context.new_cdp_session(page)
    errors = session.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == []
    manifest = session.send("Page.getAppManifest")
    assert manifest["errors"] == []
