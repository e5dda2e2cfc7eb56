"""An export as a download: one table as CSV or as XLSX (fieldapp/common/spreadsheet.py)."""

from __future__ import annotations

from flask import Response

from fieldapp.common import spreadsheet

FORMATS = {
    "csv": (spreadsheet.CSV_MIMETYPE, lambda table: spreadsheet.to_csv(table)),
    "xlsx": (spreadsheet.XLSX_MIMETYPE, lambda table: spreadsheet.to_xlsx([table])),
}


def download(table: spreadsheet.Table, name: str, kind: str) -> Response:
    """``table`` as ``name.csv`` or ``name.xlsx`` (``kind``), to save rather than show."""
    mimetype, write = FORMATS[kind]
    return Response(
        write(table),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}.{kind}"'},
    )
