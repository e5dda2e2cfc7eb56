"""The 360° report as CSV and XLSX: the labels the report shows, in the user's language, and
numbers a Belgian spreadsheet reads as numbers."""

from __future__ import annotations

import re

from fieldapp.feedback.models import RaterGroup
from tests.factories import CaseloadFactories
from tests.spreadsheets import csv_rows, sheet_rows

KEY = "punctuality"


def test_the_report_in_french_with_decimal_commas_and_as_a_workbook(client, auth, db, make):
    world = make.world()
    feedback_round = world.feedback_round
    factories = CaseloadFactories(db)
    for group, score in ((RaterGroup.SELF, 5), (RaterGroup.SUPERVISOR, 3)):
        factories.feedback_answer(feedback_round, group, {KEY: score})
    factories.feedback_answer(feedback_round, RaterGroup.SUPERVISOR, {KEY: 4})
    world.counsellor.language = "fr"
    db.session.commit()
    auth.login(world.counsellor.email)
    assert client.post(f"/feedback/rounds/{feedback_round.id}/close").status_code == 302

    header, *lines = csv_rows(client.get(f"/feedback/rounds/{feedback_round.id}/report.csv").data)
    assert header[:4] == ["Compétence", "Qui", "Moyenne", "Réponses"]
    own = next(line for line in lines if line[1] == "Le client (auto-évaluation)")
    assert own[2:] == ["5,00", "1", "0,00", "1,50", "angle mort"]
    supervisor = next(line for line in lines if line[1] == "Tuteur sur le lieu de travail")
    assert supervisor[2:5] == ["3,50", "2", "0,50"]

    response = client.get(f"/feedback/rounds/{feedback_round.id}/report.xlsx")
    assert response.status_code == 200
    header, *rows = sheet_rows(response.data)
    assert header[:4] == ("Compétence", "Qui", "Moyenne", "Réponses")
    own_row = next(row for row in rows if row[1] == "Le client (auto-évaluation)")
    assert own_row[2:] == (5, 1, 0, 1.5, "angle mort")
    assert isinstance(own_row[5], float)
    assert isinstance(own_row[3], int)


def test_a_negative_difference_reads_with_a_minus_sign_and_stays_a_number_in_the_exports(
    client, auth, db, make
):
    """The report wrote "-0,5" with a hyphen; the page shows a real minus (U+2212), while the
    CSV and the workbook keep what a spreadsheet reads as a number."""
    world = make.world()
    feedback_round = world.feedback_round
    factories = CaseloadFactories(db)
    for group, score in ((RaterGroup.SELF, 2), (RaterGroup.SUPERVISOR, 3)):
        factories.feedback_answer(feedback_round, group, {KEY: score})
    factories.feedback_answer(feedback_round, RaterGroup.COUNSELLOR, {KEY: 2})
    world.counsellor.language = "nl"
    db.session.commit()
    auth.login(world.counsellor.email)
    assert client.post(f"/feedback/rounds/{feedback_round.id}/close").status_code == 302

    page = client.get(f"/feedback/rounds/{feedback_round.id}/report").get_data(as_text=True)
    cells = re.findall(r'data-label="Verschil">([^<]*)<', page)
    assert "\u22120,5" in cells, cells
    assert not [cell for cell in cells if "-" in cell], cells

    _header, *lines = csv_rows(client.get(f"/feedback/rounds/{feedback_round.id}/report.csv").data)
    own = next(line for line in lines if line[1] == "De cliënt (zelfbeoordeling)")
    assert own[5] == "-0,50"  # hyphen-minus: Excel reads it as a number
    _header, *rows = sheet_rows(
        client.get(f"/feedback/rounds/{feedback_round.id}/report.xlsx").data
    )
    own_row = next(row for row in rows if row[1] == "De cliënt (zelfbeoordeling)")
    assert own_row[5] == -0.5
