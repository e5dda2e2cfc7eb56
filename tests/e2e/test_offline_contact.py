"""A phone call logged on a 360 px phone without signal: kept on the phone, sent once when the
network is back."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp.contact_moments.models import ContactMoment
from tests.e2e.test_shell import go_offline, sign_in

EMAIL = "an@example.org"


@pytest.fixture
def amina(make, db):
    counsellor = make.user(email=EMAIL, name="An Peeters")
    person = make.client(counsellor, "Amina", "El Idrissi")
    make.trajectory(counsellor, person)
    db.session.commit()
    return person


def contacts_on_server(db) -> list[ContactMoment]:
    db.session.rollback()  # a fresh look at what the app server committed
    return list(db.session.scalars(select(ContactMoment)))


def test_a_phone_call_logged_offline_arrives_once(page, context, live_server, amina, db):
    assert page.viewport_size["width"] == 360
    sign_in(page, live_server, EMAIL)
    page.goto(f"{live_server.url}/clients/{amina.id}")
    form = page.locator("[data-contact-form]")
    expect(form).to_have_attribute("data-enhanced", "true")

    go_offline(page, context)
    page.get_by_text("Contact registreren", exact=True).first.click()  # opens the form
    form.get_by_label("Telefoongesprek").check()
    form.get_by_label("Korte notitie").fill("Belde over het nieuwe uurrooster.")
    form.get_by_role("button", name="Contact bewaren").click()
    expect(form.locator("[data-contact-feedback]")).to_contain_text("bewaard op deze telefoon")
    expect(page.locator("[data-outbox-status]")).to_have_attribute("data-count", "1")
    assert contacts_on_server(db) == []

    context.set_offline(False)
    expect(page.locator("[data-outbox-status]")).to_have_attribute("data-count", "0")
    (contact,) = contacts_on_server(db)
    assert (contact.kind, contact.reached, contact.note) == (
        "phone_call",
        True,
        "Belde over het nieuwe uurrooster.",
    )
    page.reload()
    expect(page.locator("[data-contacts]")).to_contain_text("Belde over het nieuwe uurrooster.")
    assert len(contacts_on_server(db)) == 1
