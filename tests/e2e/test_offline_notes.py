"""Notes at a worksite without signal: kept on the phone, sent once when the network is back,
never lost to an expired session, and wiped from the phone when the counsellor signs out."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, func, select

from fieldapp.common.dates import today
from fieldapp.visits import services as visit_services
from fieldapp.visits.models import NoteRevision, Visit
from tests.e2e.test_shell import go_offline, sign_in, wait_for_service_worker
from tests.factories import DEFAULT_PASSWORD

EMAIL = "an@example.org"


@pytest.fixture
def visits(make, db):
    """Two visits of An's: one today, one tomorrow."""
    counsellor = make.user(email=EMAIL, name="An Peeters")
    kitchen = make.worksite(counsellor, "WZC Zonnebloem")
    amina = make.client(counsellor, "Amina", "El Idrissi")
    bram = make.client(counsellor, "Bram", "Claes")
    make.trajectory(counsellor, amina, worksite=kitchen)
    planned = [
        visit_services.plan(
            counsellor, person, visit_services.VisitPlan(day, time(10), 60, "Eerste week")
        )
        for person, day in ((amina, today()), (bram, today() + timedelta(days=1)))
    ]
    db.session.commit()
    return [f"/visits/{visit.id}" for visit in planned]


def notes_on_server(db) -> dict[int, int]:
    db.session.rollback()  # a fresh look at what the app servers committed
    rows = db.session.execute(
        select(NoteRevision.visit_id, func.count()).group_by(NoteRevision.visit_id)
    ).all()
    return dict(rows)


def ready(page) -> None:
    """The page script has started the outbox (and, on the home screen, kept today's pages)."""
    expect(page.locator("html")).to_have_attribute("data-notes-ready", "true")


def write_note(page, text: str) -> None:
    page.locator("[data-note-form] textarea[name=body]").fill(text)
    page.locator("[data-note-form] button[type=submit]").click()
    expect(page.locator("[data-note-form] textarea[name=body]")).to_have_value("")


def pending(page):
    return page.locator("[data-outbox-status]")


def test_three_notes_written_offline_arrive_once_when_the_network_is_back(
    page, context, live_server, visits, db
):
    sign_in(page, live_server, EMAIL)
    wait_for_service_worker(page)
    expect(page.locator("html")).to_have_attribute("data-offline-pages", "ready")

    go_offline(page, context)
    first, second = (f"{live_server.url}{path}" for path in visits)
    page.goto(first)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amina El Idrissi")
    ready(page)
    write_note(page, "Amina was op tijd en werkt rustig.")
    write_note(page, "Afspraak: werkschoenen kopen.")
    expect(pending(page)).to_have_attribute("data-count", "2")
    page.goto(second)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bram Claes")
    ready(page)
    write_note(page, "Bram vraagt meer uitleg bij de machines.")
    expect(pending(page)).to_have_attribute("data-count", "3")

    page.reload()  # still offline: the kept copy and the outbox survive
    ready(page)
    expect(pending(page)).to_have_attribute("data-count", "3")
    expect(pending(page)).to_be_visible()
    assert notes_on_server(db) == {}

    context.set_offline(False)
    expect(pending(page)).to_have_attribute("data-count", "0")
    expect(pending(page)).to_be_hidden()
    first_id, second_id = (int(path.rsplit("/", 1)[1]) for path in visits)
    assert notes_on_server(db) == {first_id: 2, second_id: 1}
    page.reload()
    expect(page.locator(".note__body")).to_have_text(["Bram vraagt meer uitleg bij de machines."])


def test_a_lost_answer_and_a_dropped_connection_store_each_note_once(
    page, context, live_server, visits, db
):
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}{visits[0]}")
    ready(page)
    go_offline(page, context)
    for text in ("Eerste notitie.", "Tweede notitie.", "Derde notitie."):
        write_note(page, text)
    expect(pending(page)).to_have_attribute("data-count", "3")

    visit_id = int(visits[0].rsplit("/", 1)[1])
    answers_lost = []

    def flaky(route):
        """The first answer is lost after the server stored the note; the third note never gets
        through. Decided by what is sent, not by which request comes when: the page and the
        service worker's background sync both send when the network is back."""
        body = route.request.post_data or ""
        if not answers_lost:
            answers_lost.append(body)
            route.fetch()  # the server stores the note ...
            route.abort("connectionreset")  # ... but its answer never arrives
        elif "Derde notitie." in body:
            route.abort("internetdisconnected")  # the connection drops mid-sync
        else:
            route.continue_()  # a repeat: the server answers with what it already has

    context.route("**/api/visits/*/notes", flaky)
    with context.expect_event("requestfailed", lambda request: request.url.endswith("/notes")):
        context.set_offline(False)
    assert "Eerste notitie." in answers_lost[0]
    page.reload()  # sends again at once, also when a send was cut off by the reload
    ready(page)
    expect(pending(page)).to_have_attribute("data-count", "1")  # only the dropped one waits
    assert notes_on_server(db) == {visit_id: 2}
    context.unroute("**/api/visits/*/notes")
    page.reload()
    ready(page)
    expect(pending(page)).to_have_attribute("data-count", "0")
    assert notes_on_server(db) == {visit_id: 3}
    bodies = db.session.scalars(select(NoteRevision.body).order_by(NoteRevision.id)).all()
    assert bodies == ["Eerste notitie.", "Tweede notitie.", "Derde notitie."]


def test_a_note_written_after_the_session_expired_is_sent_after_signing_in_again(
    page, context, live_server, visits, db
):
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}{visits[0]}")
    ready(page)
    # Nothing still on its way that could bring a fresh session cookie back.
    expect(page.locator("html")).to_have_attribute("data-offline-pages", "ready")
    context.clear_cookies()  # the session ended while the page stayed open

    write_note(page, "Geschreven na het verlopen van de sessie.")
    signed_out = page.locator("[data-signed-out]")
    expect(signed_out).to_be_visible()
    expect(pending(page)).to_have_attribute("data-count", "1")
    assert notes_on_server(db) == {}

    signed_out.get_by_role("link").click()
    page.get_by_label("E-mailadres").fill(EMAIL)
    page.get_by_label("Wachtwoord").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page).to_have_url(f"{live_server.url}{visits[0]}")
    ready(page)
    expect(pending(page)).to_have_attribute("data-count", "0")
    expect(signed_out).to_be_hidden()
    assert sum(notes_on_server(db).values()) == 1


def test_a_refused_note_stays_on_the_phone_with_the_reason(page, live_server, visits, db):
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}{visits[0]}")
    ready(page)
    visit_id = int(visits[0].rsplit("/", 1)[1])
    db.session.execute(delete(Visit).where(Visit.id == visit_id))  # gone in the meantime
    db.session.commit()

    write_note(page, "Deze notitie mag niet verloren gaan.")
    refused = page.locator("[data-pending-notes] li")
    expect(refused.locator("[data-note-state]")).to_have_attribute("data-note-state", "refused")
    expect(refused).to_contain_text("Deze notitie mag niet verloren gaan.")
    expect(pending(page)).to_have_attribute("data-count", "1")
    # The visit page is gone now; the outbox page still shows the note, why, and what can be done.
    page.get_by_role("link", name="1 notitie wacht om verstuurd te worden").click()
    ready(page)
    waiting = page.locator("[data-outbox-list] li")
    expect(waiting).to_contain_text("Deze notitie mag niet verloren gaan.")
    expect(waiting).to_contain_text("bestaat niet")
    expect(waiting.get_by_role("button", name="Verwijderen")).to_be_visible()


def test_a_draft_survives_a_closed_tab(context, live_server, visits):
    page = context.new_page()
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}{visits[0]}")
    ready(page)
    form = page.locator("[data-note-form]")
    form.locator("textarea[name=body]").fill("Half af, de batterij is bijna leeg")
    expect(form).to_have_attribute("data-draft", "kept")
    page.close()

    page = context.new_page()
    page.goto(f"{live_server.url}{visits[0]}")
    ready(page)
    expect(page.locator("[data-note-form] textarea[name=body]")).to_have_value(
        "Half af, de batterij is bijna leeg"
    )
    expect(page.locator("[data-note-feedback]")).to_be_visible()


def test_signing_out_leaves_no_note_draft_or_page_on_the_phone(page, context, live_server, visits):
    sign_in(page, live_server, EMAIL)
    expect(page.locator("html")).to_have_attribute("data-offline-pages", "ready")
    page.goto(f"{live_server.url}{visits[0]}")
    ready(page)
    write_note(page, "Verstuurd en dus veilig.")
    expect(pending(page)).to_have_attribute("data-count", "0")
    form = page.locator("[data-note-form]")
    form.locator("textarea[name=body]").fill("Een kladje")
    expect(form).to_have_attribute("data-draft", "kept")

    page.goto(f"{live_server.url}/settings")
    page.get_by_role("button", name="Afmelden").click()
    expect(page.get_by_role("button", name="Aanmelden")).to_be_visible()
    left = page.evaluate(
        """async () => ({
            databases: (await indexedDB.databases()).map((db) => db.name),
            caches: (await caches.keys()).filter((name) => !name.startsWith("fieldapp-shell-")),
            local: localStorage.length,
        })"""
    )
    assert left == {"databases": [], "caches": [], "local": 0}

    # The service worker was removed with the rest; once the sign-in page has installed it again,
    # the visit page is not there without a network: only the offline page is.
    wait_for_service_worker(page)
    go_offline(page, context)
    page.goto(f"{live_server.url}{visits[0]}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Je bent offline")


def test_signing_out_with_unsent_notes_asks_first(page, context, live_server, visits):
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}{visits[0]}")
    ready(page)
    context.route(
        "**/api/visits/*/notes",
        lambda route: route.fulfill(status=503, json={"error": 503, "message": "onderhoud"}),
    )
    write_note(page, "Nog niet verstuurd.")
    expect(pending(page)).to_have_attribute("data-count", "1")

    page.goto(f"{live_server.url}/settings")
    ready(page)
    with page.expect_event("dialog") as asked:
        page.get_by_role("button", name="Afmelden").click()
    assert "1 notitie(s) op deze telefoon zijn nog niet verstuurd" in asked.value.message
    asked.value.dismiss()
    expect(pending(page)).to_have_attribute("data-count", "1")  # still signed in, note kept
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Afmelden").click()
    expect(page.get_by_role("button", name="Aanmelden")).to_be_visible()


def test_a_note_the_server_fails_on_holds_back_none_of_the_notes_behind_it(
    page, context, live_server, visits, db
):
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}{visits[0]}")
    ready(page)
    go_offline(page, context)
    for text in ("Giftige notitie.", "Eerste.", "Tweede.", "Derde."):
        write_note(page, text)
    expect(pending(page)).to_have_attribute("data-count", "4")

    def server_fails_on_poison(route):
        if "Giftige notitie." in (route.request.post_data or ""):
            route.fulfill(status=500, json={"error": 500, "message": "interne fout"})
        else:
            route.continue_()

    context.route("**/api/visits/*/notes", server_fails_on_poison)
    context.set_offline(False)
    page.reload()
    ready(page)  # a whole pass has run
    expect(pending(page)).to_have_attribute("data-count", "1")
    visit_id = int(visits[0].rsplit("/", 1)[1])
    assert notes_on_server(db) == {visit_id: 3}
    poison = page.locator("[data-pending-notes] li", has_text="Giftige notitie.")
    expect(poison).to_contain_text("interne fout")

    for _pass in range(3):  # it keeps failing: set aside with its reason, still on the phone
        page.reload()
        ready(page)
    expect(poison.locator("[data-note-state]")).to_have_attribute("data-note-state", "refused")
    expect(poison).to_contain_text("interne fout")
    expect(poison.get_by_role("button", name="Verwijderen")).to_be_visible()
    assert notes_on_server(db) == {visit_id: 3}


def test_two_taps_on_save_at_once_keep_one_note(page, context, live_server, visits, db):
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}{visits[0]}")
    ready(page)
    go_offline(page, context)
    page.locator("[data-note-form] textarea[name=body]").fill("Een keer bewaren.")
    page.evaluate(
        """() => {
            const form = document.querySelector("[data-note-form]");
            form.requestSubmit();
            form.requestSubmit();
        }"""
    )
    expect(page.locator("[data-note-form] textarea[name=body]")).to_have_value("")
    expect(pending(page)).to_have_attribute("data-count", "1")
    write_note(page, "Een tweede notitie.")  # the form has a fresh identity after keeping one
    expect(pending(page)).to_have_attribute("data-count", "2")
    context.set_offline(False)
    expect(pending(page)).to_have_attribute("data-count", "0")
    bodies = db.session.scalars(select(NoteRevision.body).order_by(NoteRevision.id)).all()
    assert bodies == ["Een keer bewaren.", "Een tweede notitie."]


def test_the_outbox_shows_when_a_note_was_written_as_the_rest_of_the_app_does(
    page, context, live_server, visits, db
):
    """The outbox said '23-11-2026 09:30' (and in English '11/23/26, 9:30 AM') where every page
    says '23 nov 2026 09:30': the moment in the page's language and the organisation's time."""
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}{visits[0]}")
    ready(page)
    context.route("**/api/visits/*/notes", lambda route: route.abort("connectionreset"))
    write_note(page, "Geschreven toen de server weg was.")
    page.goto(f"{live_server.url}/visits/outbox")
    ready(page)
    waiting = page.locator("[data-outbox-list] [data-note-state]")
    expect(waiting).to_have_count(1)
    in_the_outbox = waiting.text_content().split(" · ")[0]

    context.unroute("**/api/visits/*/notes")
    page.goto(f"{live_server.url}{visits[0]}")
    ready(page)
    expect(pending(page)).to_have_attribute("data-count", "0")
    page.reload()  # the note as the server shows it
    on_the_page = page.locator(".note__version time").first.text_content()
    assert in_the_outbox == on_the_page
    assert re.fullmatch(r"\d{1,2} [a-z]{3} \d{4} \d{2}:\d{2}", on_the_page)
