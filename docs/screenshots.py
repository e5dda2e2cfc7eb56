"""Regenerate the README's screenshots: ``make screenshots``.

Serves the app with demo data from a temporary folder and photographs it in Debian's Chromium at a
phone's size (360 x 740 CSS pixels).
"""

from __future__ import annotations

import re
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from fieldapp import create_app
from fieldapp.auth import services
from fieldapp.auth.passwords import hash_password
from fieldapp.clients.models import Client
from fieldapp.common.dates import today
from fieldapp.demo import load_demo_data
from fieldapp.extensions import db
from fieldapp.feedback import rounds
from fieldapp.feedback.models import RaterGroup
from fieldapp.supervisor_link import services as supervisor_links
from fieldapp.trajectories.models import Trajectory

OUT = Path(__file__).parent / "screenshots"
PASSWORD = "screenshot sentence for the demo"  # noqa: S105


def main() -> None:
    with tempfile.TemporaryDirectory() as instance:
        app = create_app(
            {"INSTANCE_PATH": instance, "FIELDAPP_ENV": "development", "SECRET_KEY": "shots"}
        )
        with app.app_context():
            db.create_all()
            load_demo_data()
            user = services.find_user_by_email("an@demostad.example")
            user.password_hash = hash_password(PASSWORD)
            db.session.commit()
            links = secret_links(user)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}"
        try:
            shoot(url, links)
        finally:
            server.shutdown()


def secret_links(counsellor) -> dict[str, str]:
    """A new floor supervisor's link to Amina's placement, and an easy-read self-assessment link
    in Arabic for another client (only their hashes are kept, so they are made here)."""
    placements = db.session.scalars(
        select(Trajectory)
        .join(Client, Client.id == Trajectory.client_id)
        .where(Client.counsellor_id == counsellor.id, Trajectory.ended_on.is_(None))
        .order_by(Client.first_name != "Amina", Client.id)
    ).all()
    supervisor = supervisor_links.renew(counsellor, placements[0])
    other = placements[1]
    feedback_round, secrets = rounds.start(
        counsellor,
        other,
        today() + timedelta(days=14),
        [rounds.Rater(RaterGroup.SELF, other.client.first_name, language="ar", easy_read=True)],
        today(),
    )
    db.session.commit()
    return {
        "supervisor": f"/s/{supervisor}",
        "easy_read": f"/f/{secrets[feedback_round.invitations[0].id]}/easy",
    }


def shoot(url: str, links: dict[str, str]) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update"],
        )
        context = browser.new_context(
            viewport={"width": 360, "height": 740}, device_scale_factor=2, locale="nl-BE"
        )
        page = context.new_page()
        page.goto(f"{url}/login")
        page.get_by_label("E-mailadres").fill("an@demostad.example")
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Aanmelden").click()
        page.wait_for_url(f"{url}/")
        page.screenshot(path=OUT / "home-phone.png")
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
            "link", name="Cliënten"
        ).click()
        page.wait_for_url(f"{url}/clients/")
        page.screenshot(path=OUT / "caseload-phone.png")
        page.get_by_role("link", name="Amina El Idrissi").click()
        page.get_by_role("heading", name="Amina El Idrissi").wait_for()
        page.screenshot(path=OUT / "client-phone.png", full_page=True)
        trend_and_evaluation(page)
        page.goto(f"{url}/notifications")
        page.screenshot(path=OUT / "reminders-phone.png")
        feedback_report_and_form(page, url)
        visit_without_signal(page, url)
        page.goto(url + links["supervisor"])
        page.screenshot(path=OUT / "supervisor-phone.png")
        page.goto(url + links["easy_read"])
        page.locator(".easy-scale__point").nth(3).click()
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=OUT / "easy-read-arabic-phone.png")
        browser.close()


def trend_and_evaluation(page) -> None:
    """On the demo client's file: the competence trend, then the next evaluation moment's page
    with the evidence gathered since the six-month evaluation."""
    page.locator("a.jump-link[href='#trend-heading']").click()
    page.locator("svg.trend-chart").wait_for()
    page.screenshot(path=OUT / "trend-phone.png")
    page.get_by_role("link", name=re.compile(r"^Na 12 maand")).click()
    page.get_by_role("heading", name="Evaluatie na 12 maand(en)").wait_for()
    page.locator("[data-evaluation-form] [data-competence] select").first.select_option("4")
    page.locator("[data-evaluation-form] h2").first.scroll_into_view_if_needed()
    page.locator("[data-evaluation-form] h2").first.evaluate("heading => heading.scrollIntoView()")
    page.screenshot(path=OUT / "evaluation-phone.png")


def feedback_report_and_form(page, url: str) -> None:
    """The 360° report of the demo round, and the form at the colleague's (new) link."""
    page.goto(f"{url}/clients/")
    page.get_by_role("link", name="Amina El Idrissi").click()
    page.locator("a[href^='/feedback/rounds/']").first.click()
    page.get_by_role("link", name="Rapport openen").click()
    page.locator("svg.chart").first.wait_for()
    page.screenshot(path=OUT / "report-phone.png", full_page=True)
    page.go_back()
    # The colleague (the last person asked) has not answered; the anonymous groups' rows all
    # offer a new link, whether their person answered or not.
    page.locator("[data-invitation]").last.get_by_role("link", name="Nieuwe link tonen").click()
    page.get_by_role("button", name="Nieuwe link tonen").click()  # asked once first
    link = page.locator("[data-feedback-link]").input_value()
    page.goto(link)
    page.locator("fieldset.question").first.get_by_text("Vaak", exact=True).click()
    page.screenshot(path=OUT / "feedback-form-phone.png")


def visit_without_signal(page, url: str) -> None:
    """A visit opened and a note written without a connection: the note waits on the phone."""
    page.goto(f"{url}/")
    page.locator("html[data-offline-pages=ready]").wait_for(state="attached")
    page.context.set_offline(True)
    page.get_by_role("region", name="Bezoeken van vandaag").get_by_role("link").first.click()
    page.locator("html[data-notes-ready=true]").wait_for(state="attached")
    page.get_by_label("Wat zag en hoorde je?").fill(
        "Amina werkt zelfstandig aan de afwas. Vraagt hulp als het druk wordt."
    )
    page.locator("[data-note-form] button[type=submit]").click()
    page.locator("[data-outbox-status][data-count='1']").wait_for()
    page.screenshot(path=OUT / "visit-offline-phone.png", full_page=True)
    page.context.set_offline(False)


if __name__ == "__main__":
    main()
