"""The template to fill in: a sheet per kind with its headers in the user's language, and a notes
sheet that says what goes in each column; or one kind as CSV with ``;``."""

from __future__ import annotations

from flask_babel import gettext as _

from fieldapp.common import spreadsheet
from fieldapp.imports.columns import COLUMNS, NOTES_LABEL, Kind


def table(kind: Kind) -> spreadsheet.Table:
    return spreadsheet.Table([str(c.label) for c in COLUMNS[kind]], title=kind.label)


def notes() -> spreadsheet.Table:
    rows = [
        (kind.label, str(column.label), _("Yes") if column.required else "", str(column.note))
        for kind in Kind
        for column in COLUMNS[kind]
    ]
    headers = (_("Sheet"), _("Column"), _("Required"), _("What to fill in"))
    return spreadsheet.Table(headers, rows, title=str(NOTES_LABEL))


def workbook() -> bytes:
    return spreadsheet.to_xlsx([*(table(kind) for kind in Kind), notes()])
