"""Filling in the import template as an administrator would, as XLSX or CSV."""

from __future__ import annotations

import csv
import io
import re
import zipfile
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


_INLINE_TEXT = re.compile(rb'<c ([^>]*)t="inlineStr"([^>]*)><is><t(?: [^>]*)?>(.*?)</t></is></c>')


def as_excel_saves_it(workbook: bytes) -> bytes:
    """``workbook`` (openpyxl writes each text in its cell) with its texts in a table of shared
    strings that the cells point into, each text once, as Excel and LibreOffice save a workbook."""
    texts: dict[bytes, int] = {}
    uses = 0

    def shared(match: re.Match[bytes]) -> bytes:
        nonlocal uses
        uses += 1
        index = texts.setdefault(match[3], len(texts))
        return b'<c %st="s"%s><v>%d</v></c>' % (match[1], match[2], index)

    source = zipfile.ZipFile(io.BytesIO(workbook))
    parts = {name: source.read(name) for name in source.namelist()}
    for name in parts:
        if name.startswith("xl/worksheets/"):
            parts[name] = _INLINE_TEXT.sub(shared, parts[name])
    table = b"".join(b"<si><t>%s</t></si>" % text for text in texts)
    return with_string_table(
        _zipped(parts),
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'count="%d" uniqueCount="%d">%s</sst>' % (uses, len(texts), table),
    )


def with_string_table(workbook: bytes, table: bytes) -> bytes:
    """``workbook`` with ``table`` as its part of shared strings, declared as Excel declares it."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/sharedStrings.xml"] = table
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdStrings" Target="sharedStrings.xml" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    return _zipped(parts)


def _zipped(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, body in parts.items():
            target.writestr(name, body)
    return out.getvalue()


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
