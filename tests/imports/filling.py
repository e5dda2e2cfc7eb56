"""Filling in the import template as an administrator would, as XLSX or CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

STAFF = ("E-mail address", "Name", "Role", "Language")
WORKSITES = (
    "Worksite",
    "Kind",
    "Address",
    "Contact person",
    "Contact's role",
    "Contact's e-mail address",
    "Contact's phone",
)
CLIENTS = (
    "First name",
    "Last name",
    "Birth date",
    "Phone",
    "E-mail address",
    "Language",
    "Town",
    "Counsellor (e-mail address)",
    "Scheme",
    "Start",
    "Planned end",
    "Worksite",
)
HEADERS = {"Staff": STAFF, "Worksites": WORKSITES, "Clients": CLIENTS}


def xlsx(sheets: dict[str, Sequence[Sequence[Any]]], headers: dict | None = None) -> bytes:
    """A workbook with the template's sheets (those named) and these rows under the headers."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(list((headers or HEADERS)[name]))
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_file(header: Sequence[str], rows: Sequence[Sequence[Any]], delimiter: str = ";") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def client_row(
    first: str,
    last: str,
    birth: Any,
    counsellor: str,
    scheme: str = "",
    start: Any = None,
    end: Any = None,
    worksite: str = "",
) -> tuple[Any, ...]:
    return (first, last, birth, "", "", "nl", "Gent", counsellor, scheme, start, end, worksite)


def upload(client: Any, data: bytes, name: str = "import.xlsx") -> Any:
    return client.post(
        "/admin/import/preview",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def upload_id(page: str) -> str:
    marker = 'name="upload" type="hidden" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def confirm(client: Any, page: str) -> Any:
    return client.post("/admin/import/confirm", data={"upload": upload_id(page)})
