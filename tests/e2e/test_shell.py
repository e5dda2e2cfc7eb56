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


def wait_for_service_worker(page) -> str:
    return page.evaluate(
        """async () => {
            const registration = await navigator.serviceWorker.ready;
            if (!navigator.serviceWorker.controller) {
                await new Promise((resolve) => navigator.serviceWorker.addEventListener(
                    "controllerchange", resolve, { once: true }));
            }
            return registration.active.state;
        }"""
    )


def test_sign_in_on_a_phone(page, live_server, make):
    make.user(email="an@example.org", name="An Peeters")
    sign_in(page, live_server, "an@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dag An")
    navigation = page.get_by_role("navigation", name="Hoofdmenu")
    expect(navigation).to_be_visible()
    box = navigation.bounding_box()
    assert box["y"] + box["height"] == 740  # the bar sits at the bottom, under the thumb
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing sticks out


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

    context.set_offline(True)
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
