"""Downloads: one table as CSV or as XLSX (fieldapp/common/spreadsheet.py), and a PDF document
named in the reader's language (fieldapp/common/file_names.py)."""

from __future__ import annotations

from flask import Response

from fieldapp.common import spreadsheet
from fieldapp.common.file_names import content_disposition

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


def pdf(body: bytes, filename: str) -> Response:
    """A PDF document about a client, to save as ``filename`` (its plain form for any system, the
    written one for the browsers that read it); never kept in a cache."""
    return Response(
        body,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": content_disposition(filename),
            "Cache-Control": "no-store",
        },
    )
