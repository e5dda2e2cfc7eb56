"""The subject-access export's tables: a CSV each for a Belgian spreadsheet and one workbook with
a sheet per table, dates as dates and a name that looks like a formula kept as text."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime

from tests.spreadsheets import csv_records, workbook

FORMULA = '=HYPERLINK("https://evil.example/","Klik")'


def test_every_table_is_a_csv_and_a_sheet_of_one_workbook(client, auth, make, db):
    world = make.world()
    world.client.first_name = FORMULA
    db.session.commit()
    auth.login(world.counsellor.email)
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/clients/{world.client.id}/export").data))
    data = json.loads(archive.read("client.json"))
    assert data["client"]["first_name"] == FORMULA
    assert data["trajectories"][0]["started_on"] == world.trajectory.started_on.isoformat()

    book = workbook(archive.read("client.xlsx"))
    tables = {name[: -len(".csv")] for name in archive.namelist() if name.endswith(".csv")}
    assert set(book.sheetnames) == tables
    assert {"client", "trajectories", "visits", "feedback_rounds"} <= tables

    [person] = csv_records(archive.read("client.csv"))
    assert person["first_name"] == "'" + FORMULA
    header = [cell.value for cell in book["client"][1]]
    name_cell = book["client"].cell(row=2, column=header.index("first_name") + 1)
    assert name_cell.value == FORMULA
    assert name_cell.data_type == "s"  # text, not a formula

    [trajectory] = csv_records(archive.read("trajectories.csv"))
    assert trajectory["started_on"] == world.trajectory.started_on.isoformat()
    sheet = book["trajectories"]
    header = [cell.value for cell in sheet[1]]
    started = sheet.cell(row=2, column=header.index("started_on") + 1).value
    assert isinstance(started, datetime | date)
    assert started.date() == world.trajectory.started_on
    assert isinstance(sheet.cell(row=2, column=header.index("id") + 1).value, int)
