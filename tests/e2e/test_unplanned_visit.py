"""Working without signal with any of one's own clients, on a 360 px phone: a note for an unplanned
visit becomes one visit with one note however often it is sent; and opening the home screen again
refreshes only the kept pages that changed."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from flask import request
from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp.common.dates import today
from fieldapp.development_plan.models import GoalActor
from fieldapp.visits import services as visit_services
from fieldapp.visits.models import NoteRevision, Visit
from tests.e2e.test_offline_contact import contacts_on_server
from tests.e2e.test_offline_notes import ready
from tests.e2e.test_shell import go_offline, sign_in, wait_for_service_worker

EMAIL = "an@example.org"
GOAL = "Elke ochtend om 8 uur in werkkledij op de werkvloer"
NOTE = "Onaangekondigd langs in de keuken: Amina werkt zelfstandig aan de soep."


@pytest.fixture
def caseload(make, db):
    """An's two clients: Amina placed in a kitchen with a goal, Bram not placed yet; and a visit
    to Bram tomorrow."""
    counsellor = make.user(email=EMAIL, name="An Peeters")
    kitchen = make.worksite(counsellor, "WZC Zonnebloem")
    amina = make.client(counsellor, "Amina", "El Idrissi")
    bram = make.client(counsellor, "Bram", "Claes")
    trajectory = make.trajectory(counsellor, amina, worksite=kitchen)
    make.goal(counsellor, trajectory, GOAL, GoalActor.CLIENT)
    visit = visit_services.plan(
        counsellor,
        bram,
        visit_services.VisitPlan(today() + timedelta(days=1), time(10), 60, "Kennismaking"),
    )
    db.session.commit()
    return {"amina": amina.id, "bram": bram.id, "visit": visit.id}


def unplanned_on_server(db) -> list[tuple[int, list[str]]]:
    """Each visit the phones made, with the bodies of its notes."""
    db.session.rollback()  # a fresh look at what the app server committed
    visits = db.session.scalars(select(Visit).where(Visit.visit_uuid.is_not(None))).all()
    return [
        (
            visit.client_id,
            list(
                db.session.scalars(
                    select(NoteRevision.body).where(NoteRevision.visit_id == visit.id)
                )
            ),
        )
        for visit in visits
    ]


def test_a_note_for_an_unplanned_visit_without_signal_makes_one_visit_with_one_note(
    page, context, live_server, caseload, db
):
    assert page.viewport_size["width"] == 360
    sign_in(page, live_server, EMAIL)
    wait_for_service_worker(page)
    expect(page.locator("html")).to_have_attribute("data-offline-pages", "ready")

    # At a worksite without signal, An opens the app: the offline page leads to the kept list.
    go_offline(page, context)
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Je bent offline")
    page.get_by_role("link", name="Onaangekondigd bezoek").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Onaangekondigd bezoek")
    ready(page)
    amina = page.locator(f"[data-kept-client='{caseload['amina']}']")
    expect(amina).to_contain_text("WZC Zonnebloem")
    expect(amina.locator("[data-kept-goals]")).to_contain_text(GOAL)
    expect(page.locator("[data-kept-client]")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    form = page.locator("[data-unplanned-form]")
    expect(form).to_have_attribute("data-enhanced", "true")
    form.get_by_label("Cliënt").select_option(label="Amina El Idrissi")
    form.get_by_label("Wat zag en hoorde je?").fill(NOTE)
    form.get_by_label("Attitude").select_option("4")
    form.get_by_role("button", name="Notitie bewaren").click()
    expect(form.locator("[data-unplanned-feedback]")).to_contain_text("bewaard op deze telefoon")
    pending = page.locator("[data-outbox-status]")
    expect(pending).to_have_attribute("data-count", "1")
    (kept,) = page.evaluate("self.fieldappOutbox.entries()")
    assert unplanned_on_server(db) == []

    # The signal comes back; the first answer is lost after the server stored the visit.
    lost = []

    def lose_the_first_answer(route):
        if not lost:
            lost.append(route.request.post_data)
            route.fetch()  # the server makes the visit and stores the note ...
            route.abort("connectionreset")  # ... but its answer never arrives
        else:
            route.continue_()

    context.route("**/api/clients/*/unplanned-visits", lose_the_first_answer)
    with context.expect_event("requestfailed", lambda r: r.url.endswith("/unplanned-visits")):
        context.set_offline(False)
    expect(pending).to_have_attribute("data-count", "1")  # not confirmed: still on the phone
    assert unplanned_on_server(db) == [(caseload["amina"], [NOTE])]
    page.reload()  # the second sync: sent again, found, confirmed
    ready(page)
    expect(pending).to_have_attribute("data-count", "0")
    context.unroute("**/api/clients/*/unplanned-visits")

    # The same outbox item replayed (a second device, a restored backup of the phone's storage).
    page.evaluate("(entry) => self.fieldappOutbox.add(entry)", kept)
    with page.expect_response(lambda r: r.url.endswith("/unplanned-visits")) as replay:
        page.reload()
    assert replay.value.status == 200  # found, not made again
    ready(page)
    expect(pending).to_have_attribute("data-count", "0")
    assert unplanned_on_server(db) == [(caseload["amina"], [NOTE])]


@pytest.fixture
def kept_answers(app):
    """What the server answered to each request for a page to keep: (path, status, bytes)."""
    answers: list[tuple[str, int, int]] = []

    @app.after_request
    def record(response):
        if request.headers.get("X-Fieldapp-Copy") == "offline":
            answers.append((request.path, response.status_code, len(response.get_data())))
        return response

    return answers


def open_home_again(page, answers, count: int) -> list[tuple[str, int, int]]:
    answers.clear()
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-offline-pages", "ready")
    assert len(answers) == count
    return sorted(answers)


@pytest.mark.own_app  # kept_answers adds a hook to the app
def test_opening_the_home_screen_again_refreshes_only_the_kept_pages_that_changed(
    kept_answers, page, context, live_server, caseload, db
):
    sign_in(page, live_server, EMAIL)
    wait_for_service_worker(page)
    expect(page.locator("html")).to_have_attribute("data-offline-pages", "ready")
    # The first open sends every page (the worker may have had the page load twice meanwhile).
    first = {}
    for path, status, size in kept_answers:
        first.setdefault(path, (status, size))
    paths = sorted(first)
    assert len(paths) == 5  # agenda, outbox, unplanned visit, contact, tomorrow's visit
    assert all(status == 200 and size > 1000 for status, size in first.values())

    # Nothing changed: every kept page is confirmed, none sent again.
    again = open_home_again(page, kept_answers, 5)
    assert again == [(path, 304, 0) for path in paths]

    # The visit to Bram moves: its page and the agenda come anew, the rest is confirmed.
    visit = db.session.get(Visit, caseload["visit"])
    visit_services.move(
        visit.counsellor,
        visit,
        visit_services.VisitPlan(today() + timedelta(days=1), time(14), 45, "Tweede gesprek"),
    )
    db.session.commit()
    changed = {
        path: (status, size) for path, status, size in open_home_again(page, kept_answers, 5)
    }
    fresh = {path for path, (status, _size) in changed.items() if status == 200}
    assert fresh == {"/visits/", f"/visits/{caseload['visit']}"}
    assert all(size > 0 for status, size in changed.values() if status == 200)
    assert all(size == 0 for status, size in changed.values() if status == 304)

    # Without signal the phone shows the new copy.
    go_offline(page, context)
    page.goto(f"{live_server.url}/visits/{caseload['visit']}")
    expect(page.get_by_text("Tweede gesprek")).to_be_visible()
    page.goto(f"{live_server.url}/visits/outbox")  # a confirmed copy is still served
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Notities die wachten om verstuurd te worden"
    )


def test_a_contact_with_any_own_client_is_recorded_without_signal_from_the_kept_page(
    page, context, live_server, caseload, db
):
    sign_in(page, live_server, EMAIL)
    wait_for_service_worker(page)
    expect(page.locator("html")).to_have_attribute("data-offline-pages", "ready")

    go_offline(page, context)
    page.goto(f"{live_server.url}/visits/unplanned")
    page.get_by_role("link", name="Contact registreren").click()
    form = page.locator("[data-contact-form]")
    expect(form).to_have_attribute("data-enhanced", "true")
    form.get_by_label("Cliënt").select_option(label="Bram Claes")
    form.get_by_label("Telefoongesprek").check()
    form.get_by_label("Korte notitie").fill("Bram belde: ziek vandaag.")
    form.get_by_role("button", name="Contact bewaren").click()
    expect(form.locator("[data-contact-feedback]")).to_contain_text("bewaard op deze telefoon")
    # Waiting on the phone, counted: the count of the page as it opened was already "0".
    expect(page.locator("[data-outbox-status]")).to_have_attribute("data-count", "1")
    assert contacts_on_server(db) == []

    context.set_offline(False)
    expect(page.locator("[data-outbox-status]")).to_have_attribute("data-count", "0")
    (contact,) = contacts_on_server(db)
    assert (contact.client_id, contact.kind, contact.note) == (
        caseload["bram"],
        "phone_call",
        "Bram belde: ziek vandaag.",
    )


def test_an_unfinished_note_for_an_unplanned_visit_survives_a_closed_tab(
    context, live_server, caseload
):
    page = context.new_page()
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/visits/unplanned")
    form = page.locator("[data-unplanned-form]")
    expect(form).to_have_attribute("data-enhanced", "true")
    form.get_by_label("Cliënt").select_option(label="Bram Claes")
    form.get_by_label("Wat zag en hoorde je?").fill("Half af, de batterij is bijna leeg")
    expect(form).to_have_attribute("data-draft", "kept")
    page.close()

    page = context.new_page()
    page.goto(f"{live_server.url}/visits/unplanned")
    form = page.locator("[data-unplanned-form]")
    expect(form).to_have_attribute("data-enhanced", "true")
    expect(form.get_by_label("Wat zag en hoorde je?")).to_have_value(
        "Half af, de batterij is bijna leeg"
    )
    expect(form.get_by_label("Cliënt")).to_have_value(str(caseload["bram"]))
    expect(form.locator("[data-unplanned-feedback]")).to_be_visible()
