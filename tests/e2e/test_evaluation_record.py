"""An evaluation on a phone: the notes' scores appear beside each competence, the judgements are
kept as they are typed (a reload loses nothing), and closing records the moment."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp.evaluations.models import EvaluationRecord
from tests.e2e.test_shell import sign_in
from tests.evaluations.conftest import visit_with_note
from tests.factories import World, days_from_today

EMAIL = "an@example.org"


@pytest.fixture
def world(make, db) -> World:
    world = make.world_followed_by(EMAIL, "An Peeters")
    visit_with_note(db, world, 10, {"punctuality": 4, "instructions": 2})
    return world


def test_a_counsellor_holds_an_evaluation_on_a_phone(page, live_server, db, world):
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/clients/{world.client.id}")
    page.get_by_role("link", name=re.compile(r"Na 1 maand")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluatie na 1 maand")

    # The note's score is the evidence beside the competence's judgement.
    evidence = page.locator('[data-evidence="punctuality"] [data-note-scores]')
    expect(evidence).to_have_text("4")

    form = page.locator("form[data-evaluation-form]")
    page.get_by_label("Gezamenlijk oordeel: Op tijd en aanwezig").select_option("4")
    page.get_by_label("Gezamenlijk oordeel: Volgt afspraken en instructies").select_option("3")
    page.get_by_label("Afspraken", exact=True).fill("Elke vrijdag een kort overleg met Sofie.")
    expect(form).to_have_attribute("data-autosave", "saved")

    # The draft survives a reload.
    page.reload()
    expect(page.get_by_label("Gezamenlijk oordeel: Op tijd en aanwezig")).to_have_value("4")
    expect(page.get_by_label("Afspraken", exact=True)).to_have_value(
        "Elke vrijdag een kort overleg met Sofie."
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_label("Voortzetten zoals afgesproken").check()
    page.get_by_label("Volgende evaluatie").fill(days_from_today(21).isoformat())
    page.get_by_role("button", name="Het verslag afsluiten").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(world.client.full_name)
    expect(page.get_by_text("De evaluatie is afgesloten en bewaard.")).to_be_visible()
    db.session.rollback()  # a fresh look at what the app server committed
    [record] = db.session.scalars(select(EvaluationRecord))
    assert record.is_closed
    assert record.scores()["punctuality"] == 4
    assert record.agreements == "Elke vrijdag een kort overleg met Sofie."

    # The closed version reads well on the phone too.
    page.get_by_role("link", name=re.compile(r"Na 1 maand")).click()
    page.get_by_role("link", name="Lezen").click()
    expect(page.locator("[data-held-on]")).not_to_have_text("—")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
