"""The 360° report as CSV and XLSX: the labels the report shows, in the user's language, and
numbers a Belgian spreadsheet reads as numbers."""

from __future__ import annotations

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
