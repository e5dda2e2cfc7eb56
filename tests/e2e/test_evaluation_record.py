"""An evaluation on a phone: the notes' scores appear beside each competence, the judgements are
kept as they are typed (a reload loses nothing), and closing records the moment."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp.evaluations import forms as evaluation_forms
from fieldapp.evaluations import services
from fieldapp.evaluations.models import EvaluationRecord
from fieldapp.feedback.frameworks import framework_in_use
from tests.e2e.test_shell import sign_in
from tests.evaluations.conftest import record_json, visit_with_note
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

    # The closed version reads well on the phone too, on the evaluation's own page.
    page.get_by_role("link", name=re.compile(r"Na 1 maand")).click()
    expect(page.locator("[data-held-on]")).not_to_have_text("—")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def closed_versions(db, world: World, *agreements: str):
    """The world's first evaluation closed once per text of ``agreements``, each a correction of
    the one before (through the services: the page's own steps are tested above)."""
    counsellor = world.client.counsellor
    evaluation = world.trajectory.evaluations[0]
    framework = framework_in_use(world.organisation.id, "nl")
    keys = [competence.key for competence in framework.competences]
    for number, agreement in enumerate(agreements):
        if number:
            services.correct(counsellor, evaluation)
        draft = evaluation_forms.parse(record_json(agreements=agreement), keys)
        record = services.save_draft(counsellor, evaluation, draft, framework)
        services.close(counsellor, evaluation, record)
        db.session.commit()
    return evaluation


def test_a_closed_evaluation_reads_as_a_final_document_with_its_versions(
    page, live_server, db, world
):
    """The closed evaluation's page offered "Read" to a page whose "Current version" led back to
    it. Now it is the document itself, with the PDF, and lists the versions: the one shown is
    not a link, an earlier one opens on its own page, which leads back to the evaluation."""
    evaluation = closed_versions(db, world, "Eerste afspraak.", "Verbeterde afspraak.")
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/clients/{world.client.id}")
    page.get_by_role("link", name=re.compile(r"Na 1 maand")).click()

    main = page.get_by_role("main")
    expect(main).to_contain_text("Verbeterde afspraak.")  # read here, no other page to open
    expect(page.locator("[data-held-on]")).not_to_have_text("—")
    expect(page.get_by_role("link", name="Lezen")).to_have_count(0)
    expect(page.get_by_role("link", name="Huidige versie")).to_have_count(0)
    expect(page.get_by_role("link", name="De pdf downloaden")).to_be_visible()
    versions = page.locator("[data-versions] li")
    expect(versions).to_have_count(2)
    expect(versions.nth(0)).to_contain_text("Versie 2")
    expect(versions.nth(0).get_by_role("link")).to_have_count(0)  # the one on this page
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    versions.nth(1).get_by_role("link", name=re.compile("Versie 1")).click()
    expect(page.get_by_role("main")).to_contain_text("Eerste afspraak.")
    expect(page.locator("[data-replaced]")).to_be_visible()  # says a later version replaces it
    expect(page.get_by_role("link", name="Huidige versie")).to_have_count(0)
    page.get_by_role("link", name=re.compile("Evaluatie na 1 maand")).click()
    expect(page).to_have_url(f"{live_server.url}/evaluations/{evaluation.id}/record")
    expect(page.get_by_role("main")).to_contain_text("Verbeterde afspraak.")


def test_a_french_speaking_counsellor_saves_the_pdf_under_a_french_name(
    page, live_server, db, world
):
    """The browser saves the document as its name is written in the counsellor's language, with
    the accents (the header's ``filename*``)."""
    world.client.first_name = "Élise"
    evaluation = closed_versions(db, world, "Elke vrijdag overleg.")
    sign_in(page, live_server, EMAIL)
    world.client.counsellor.language = "fr"
    db.session.commit()
    page.goto(f"{live_server.url}/evaluations/{evaluation.id}/record")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le PDF").click()
    name = download.value.suggested_filename
    assert name.startswith("évaluation-élise-"), name
    assert name.endswith("-v1.pdf"), name
