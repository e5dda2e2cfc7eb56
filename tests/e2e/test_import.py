"""An administrator on a 360 px phone downloads the import template, uploads it filled in, reads
the preview and confirms."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from fieldapp.auth.roles import Role
from fieldapp.clients.models import Client
from fieldapp.common.dates import today
from tests.e2e.test_shell import sign_in


def test_an_administrator_imports_a_filled_in_template(page, live_server, make, db, tmp_path):
    organisation = make.organisation()
    make.user(organisation, role=Role.ADMIN, email="beheer@example.org", name="Bea Beheer")
    counsellor = make.user(organisation, email="an@example.org", name="An Peeters")
    make.worksite(counsellor, "Kringwinkel Oost")
    sign_in(page, live_server, "beheer@example.org")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Beheer").click()
    page.get_by_role("navigation", name="Beheer").get_by_role("link", name="Importeren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importeren uit een spreadsheet")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Sjabloon (Excel)").click()
    template = download_info.value.path()

    book = load_workbook(io.BytesIO(Path(template).read_bytes()))
    start = today() - timedelta(days=20)
    clients = book["Cliënten"]
    clients.append(
        [
            "Amina",
            "El Idrissi",
            "3/2/1990",
            "",
            "",
            "nl",
            "Gent",
            "an@example.org",
            "art60",
            start,
            start + timedelta(days=365),
            "Kringwinkel Oost",
        ]
    )
    clients.append(["Tom", "Claes", "1985-07-01", "", "", "nl", "Gent", "an@example.org"])
    filled = tmp_path / "ingevuld.xlsx"
    book.save(filled)

    page.get_by_label("Ingevuld sjabloon (.xlsx of .csv)").set_input_files(filled)
    page.get_by_role("button", name="Toon wat geïmporteerd wordt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Voorbeeld van de import")
    expect(page.locator('[data-row="clients-2"]')).to_contain_text("Amina El Idrissi")
    expect(page.locator('[data-count="clients-create"]')).to_have_text("2")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert db.session.scalars(select(Client)).all() == []

    page.get_by_role("button", name="Bevestig de import").click()
    expect(page.get_by_text("Geïmporteerd: 2 nieuw, 0 gewijzigd.")).to_be_visible()
    db.session.expire_all()
    names = {c.full_name for c in db.session.scalars(select(Client))}
    assert names == {"Amina El Idrissi", "Tom Claes"}
