"""Issue 14's journey on a 360 px phone: a phone call logged without signal, two blind spots of a
closed 360° round made into goals, the evaluation held with the floor supervisor (the notes' scores
and the round as evidence, the goals reviewed), the record closed and its PDF downloaded."""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from fieldapp.contact_moments.models import ContactMoment
from fieldapp.development_plan.models import Goal
from fieldapp.evaluations.models import EvaluationRecord
from fieldapp.feedback import rounds
from fieldapp.feedback.models import RaterGroup
from tests.e2e.test_shell import go_offline, sign_in
from tests.evaluations.conftest import visit_with_note
from tests.factories import days_from_today

EMAIL = "an@example.org"
SUPERVISOR = "Sofie Vermeulen"
BLIND_SPOTS = ("punctuality", "instructions")


@pytest.fixture
def cycle(app, make, db):
    """A client placed with a floor supervisor; two scored visit notes; a closed 360° round where
    the client scores punctuality and instructions higher than the supervisor (two blind spots)."""
    counsellor = make.user(email=EMAIL, name="An Peeters")
    worksite = make.worksite(counsellor, "Sociale kruidenier")
    supervisor = make.contact(counsellor, worksite, SUPERVISOR)
    client = make.client(counsellor, "Amina", "El Idrissi")
    trajectory = make.trajectory(counsellor, client, worksite=worksite, supervisor=supervisor)
    world = SimpleNamespace(
        organisation=counsellor.organisation,
        counsellor=counsellor,
        client=client,
        trajectory=trajectory,
    )
    visit_with_note(db, world, 30, {"punctuality": 3, "instructions": 2})
    visit_with_note(db, world, 10, {"punctuality": 4, "instructions": 3})
    with app.test_request_context():  # starting a round mails its links
        feedback_round, _ = make.feedback_round(
            world,
            rounds.Rater(RaterGroup.SELF, client.first_name),
            rounds.Rater(RaterGroup.SUPERVISOR, SUPERVISOR),
        )
    plain = feedback_round.competences[2]["key"]
    make.feedback_answer(
        feedback_round, RaterGroup.SELF, {"punctuality": 5, "instructions": 5, plain: 3}
    )
    make.feedback_answer(
        feedback_round, RaterGroup.SUPERVISOR, {"punctuality": 2, "instructions": 2, plain: 3}
    )
    rounds.close(counsellor, feedback_round)
    db.session.commit()
    return SimpleNamespace(client=client, feedback_round=feedback_round)


def fresh(db, model, **where) -> list:
    db.session.rollback()  # a fresh look at what the app server committed
    return list(db.session.scalars(select(model).filter_by(**where)))


def pdf_text(path: str) -> str:
    with open(path, "rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_an_evaluation_cycle_on_a_phone(page, context, live_server, db, cycle):
    assert page.viewport_size["width"] == 360
    client = cycle.client
    sign_in(page, live_server, EMAIL)

    # A phone call without signal: kept on the phone, sent once the network is back.
    page.goto(f"{live_server.url}/clients/{client.id}")
    form = page.locator("[data-contact-form]")
    expect(form).to_have_attribute("data-enhanced", "true")
    go_offline(page, context)
    page.get_by_text("Contact registreren", exact=True).first.click()
    form.get_by_label("Telefoongesprek").check()
    form.get_by_label("Korte notitie").fill("Belde over de evaluatie van volgende week.")
    form.get_by_role("button", name="Contact bewaren").click()
    expect(form.locator("[data-contact-feedback]")).to_contain_text("bewaard op deze telefoon")
    expect(page.locator("[data-outbox-status]")).to_have_attribute("data-count", "1")
    assert fresh(db, ContactMoment, client_id=client.id) == []
    context.set_offline(False)
    expect(page.locator("[data-outbox-status]")).to_have_attribute("data-count", "0")
    [call] = fresh(db, ContactMoment, client_id=client.id)
    assert call.kind == "phone_call"

    # The two blind spots of the 360° report become goals, one tap each.
    page.goto(f"{live_server.url}/feedback/rounds/{cycle.feedback_round.id}/report")
    for key in BLIND_SPOTS:
        row = page.locator(f"tr[data-competence={key}]")
        expect(row.locator("[data-flag=blind_spot]")).to_be_visible()
        row.get_by_role("button", name="maak er een doel van").click()
        expect(page.locator(f"tr[data-competence={key}] [data-goal-made]")).to_have_text(
            "doel gemaakt"
        )
    goals = fresh(db, Goal, client_id=client.id)
    assert sorted(goal.competence_key for goal in goals) == sorted(BLIND_SPOTS)
    texts = [goal.text for goal in goals]

    # The evaluation, with the floor supervisor: the notes' scores and the round as evidence.
    page.goto(f"{live_server.url}/clients/{client.id}")
    page.get_by_role("link", name=re.compile(r"Na 1 maand")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evaluatie na 1 maand")
    expect(page.get_by_label(f"{SUPERVISOR} · Werkvloerbegeleider")).to_be_checked()
    expect(page.locator('[data-evidence="punctuality"] [data-note-scores]')).to_have_text("3 · 4")
    expect(page.locator('[data-evidence="instructions"] [data-note-scores]')).to_have_text("2 · 3")
    for key in BLIND_SPOTS:
        evidence = page.locator(f'[data-evidence="{key}"]')
        expect(evidence).to_contain_text("360°")
        expect(evidence).to_contain_text("blinde vlek")
    plan = page.locator("[data-evaluation-plan]")
    for text in texts:
        expect(plan.locator("[data-goal-text]", has_text=text)).to_be_visible()

    form = page.locator("form[data-evaluation-form]")
    page.get_by_label("Gezamenlijk oordeel: Op tijd en aanwezig").select_option("3")
    page.get_by_label("Gezamenlijk oordeel: Volgt afspraken en instructies").select_option("3")
    page.get_by_label("Sterktes").fill("Helpt klanten vriendelijk.")
    page.get_by_label("Afspraken", exact=True).fill("Elke vrijdag een kort overleg met Sofie.")
    expect(form).to_have_attribute("data-autosave", "saved")
    page.get_by_label("Voortzetten zoals afgesproken").check()
    page.get_by_label("Volgende evaluatie").fill(days_from_today(21).isoformat())
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Het verslag afsluiten").click()
    expect(page.get_by_text("De evaluatie is afgesloten en bewaard.")).to_be_visible()
    [record] = fresh(db, EvaluationRecord, client_id=client.id)
    assert record.is_closed
    assert {"kind": "supervisor", "name": SUPERVISOR} in record.participants

    # The document: names, the goals and the signature lines.
    page.get_by_role("link", name=re.compile(r"Na 1 maand")).click()
    expect(page.locator("[data-record-closed]")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="De pdf downloaden").click()
    assert download.value.suggested_filename.startswith("evaluatie-amina-el-idrissi-")  # in Dutch
    text = pdf_text(download.value.path())
    for expected in (
        client.full_name,
        SUPERVISOR,
        *texts,
        f"Cliënt: {client.full_name}",
        f"Werkvloerbegeleider: {SUPERVISOR}",
        "Trajectbegeleider: An Peeters",
        "Datum en handtekening",
    ):
        assert expected in text, expected
    assert len(fresh(db, ContactMoment, client_id=client.id)) == 1
