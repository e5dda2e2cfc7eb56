"""Downloads: one table as CSV or as XLSX (fieldapp/common/spreadsheet.py), a PDF document, and
file names that every system can keep."""

from __future__ import annotations

import re
import unicodedata

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


def pdf(body: bytes, filename: str) -> Response:
    """A PDF document about a client, to save; never kept in a cache."""
    return Response(
        body,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def name_part(text: str) -> str:
    """A name as part of a file name, in plain ASCII: "Élise Van Damme" -> "elise-van-damme"."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")
