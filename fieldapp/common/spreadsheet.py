"""Exports that a Belgian spreadsheet opens as data, in columns, and never as formulas.

Every export is a :class:`Table` (headers in the user's language, typed values) written by the one
writer here, as CSV or as XLSX:

- CSV: ``;`` between cells, a UTF-8 byte-order mark, ``\\r\\n`` line ends, dates as ``YYYY-MM-DD``
  and decimals in the user's locale (``3,50`` in Dutch and French): Excel in a Belgian locale opens
  it in columns without an import wizard.
- XLSX (openpyxl): dates as dates, numbers as numbers, a bold frozen header row, widths that fit.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a formula
by Excel and LibreOffice (``=HYPERLINK(...)`` in a note would become a live link). In a CSV such a
cell gets a leading apostrophe, as OWASP advises; plain numbers such as ``-0.50`` stay as they are.
Not every spreadsheet splits our file on ``;``: an English Excel or LibreOffice's import dialog
splits on ``,``, others on a tab or a ``|``, and some read a line break inside quotes as a new
row. So inside a text too, a formula character that follows any such separator (and maybe quotes
or spaces, which an importer may trim) gets an apostrophe before it: ``x,=HYPERLINK(...)`` is
written ``x,'=HYPERLINK(...)`` (and a text that starts `` "=1+1`` is written `` "'=1+1``), and no
cell starts like a formula whatever the importer splits on or trims. Numbers and dates are not text
and are written bare, so a Belgian Excel still opens them as numbers and dates.
In an XLSX every text is stored as text (never as a formula) and marked with Excel's quote prefix.

A text may hold control characters (a note pasted from a terminal, a bell in a name): valid in the
database and in a CSV, they cannot be written in an XLSX (its XML has no way to say them). There
each one reads as U+FFFD, the replacement character, so the reader sees that something was there.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import format_decimal
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from fieldapp.common.time import local_moment

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]+)?")
# The text's start or a character some importer splits cells or rows on, then quotes or spaces (an
# importer may trim them), before a formula character: in that importer, a cell would start there.
_AFTER_SEPARATOR = re.compile(r'((?:^|[,;|\t\r\n\v\f])[\s"]*)(?=[=+\-@])')
_DECIMALS = "0.00"
_MAX_WIDTH = 60
_SHEET_NAME_MAX = 31  # Excel's limit
UNWRITABLE = "\ufffd"  # what a control character reads as in an XLSX

CSV_MIMETYPE = "text/csv"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell(value: Any) -> Any:
    """A CSV value that no spreadsheet reads as a formula, whatever it splits on (see the
    module's docstring); anything but text as it is."""
    if not isinstance(value, str) or _PLAIN_NUMBER.fullmatch(value):
        return value
    value = _AFTER_SEPARATOR.sub(r"\1'", value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def row(values: Iterable[Any]) -> list[Any]:
    return [cell(value) for value in values]


def record(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: cell(value) for key, value in values.items()}


@dataclass
class Table:
    """One export: headers as the user reads them and rows of str, int, float, date, datetime,
    bool or None (a float is shown with two decimals)."""

    headers: Sequence[str]
    rows: list[Sequence[Any]] = field(default_factory=list)
    title: str = "Sheet"


def _local(moment: datetime) -> datetime:
    """A timestamp on the organisation's wall clock, without a zone (Excel has none)."""
    return local_moment(moment).replace(tzinfo=None) if moment.tzinfo else moment


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return format_decimal(value, format=_DECIMALS)
    return str(cell(value) if isinstance(value, str) else value)


def to_csv(table: Table) -> bytes:
    """The table as CSV for a Belgian spreadsheet (see the module's docstring)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_csv_text(header) for header in table.headers])
    for values in table.rows:
        writer.writerow([_csv_text(value) for value in values])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _sheet_title(title: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:_SHEET_NAME_MAX] or "Sheet"
    name, number = base, 2
    while name.lower() in taken:
        suffix = f" {number}"
        name, number = base[: _SHEET_NAME_MAX - len(suffix)] + suffix, number + 1
    taken.add(name.lower())
    return name


def _shown_width(value: Any) -> int:
    if isinstance(value, datetime):
        return 19
    if isinstance(value, date):
        return 10
    if isinstance(value, float):
        return len(f"{value:.2f}")
    return max((len(line) for line in str(value).splitlines()), default=0) if value else 0


def to_xlsx(tables: Sequence[Table]) -> bytes:
    """The tables as one workbook, a sheet each (see the module's docstring)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, taken))
        widths = [len(str(header)) for header in table.headers]
        for column, header in enumerate(table.headers, start=1):
            _put(sheet.cell(row=1, column=column), str(header)).font = bold
        for row_number, values in enumerate(table.rows, start=2):
            for column, value in enumerate(values, start=1):
                _put(sheet.cell(row=row_number, column=column), value)
                widths[column - 1] = max(widths[column - 1], _shown_width(value))
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, _MAX_WIDTH)
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _put(target: Any, value: Any) -> Any:
    """Write one typed value; text stays text, even when it starts like a formula."""
    if isinstance(value, str):
        target.value = ILLEGAL_CHARACTERS_RE.sub(UNWRITABLE, value)
        target.data_type = "s"
        target.quotePrefix = value.startswith(_FORMULA_START)
    elif isinstance(value, datetime):
        target.value = _local(value)
        target.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        target.value = value
        target.number_format = "yyyy-mm-dd"
    elif isinstance(value, float):
        target.value = value
        target.number_format = _DECIMALS
    else:
        target.value = value
    return target
