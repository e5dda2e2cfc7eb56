"""Reading the exports back as a spreadsheet would: the CSV for a Belgian Excel, the XLSX."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import load_workbook
from openpyxl.workbook import Workbook

BOM = "\ufeff"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_rows(data: bytes) -> list[list[str]]:
    """The rows of a CSV export, after checking its byte-order mark, ``;`` and ``\\r\\n``."""
    text = data.decode("utf-8")
    assert text.startswith(BOM), "a Belgian Excel needs the byte-order mark to read UTF-8"
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    return list(csv.reader(io.StringIO(text[len(BOM) :], newline=""), delimiter=";"))


def csv_records(data: bytes) -> list[dict[str, str]]:
    header, *rows = csv_rows(data)
    return [dict(zip(header, row, strict=True)) for row in rows]


def workbook(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def sheet_rows(data: bytes, sheet: str | None = None) -> list[tuple[Any, ...]]:
    """The values of one sheet (the first unless named), after checking its bold frozen header."""
    book = workbook(data)
    worksheet = book[sheet] if sheet else book.worksheets[0]
    assert worksheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in worksheet[1])
    return list(worksheet.iter_rows(values_only=True))
