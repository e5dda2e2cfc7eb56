"""Reading an uploaded spreadsheet into rows of text, dates and numbers, per sheet.

An XLSX (openpyxl, read-only) gives one sheet per kind; a CSV (``;`` or ``,``, sniffed from the
header line; UTF-8 with or without byte-order mark, else Windows-1252) gives one kind, found from
its headers. A formula is never evaluated: a cell that holds one is marked so that its row is
refused. What cannot be read at all is a :class:`FileProblem` with a message for the whole file.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any
from xml.parsers import expat

from flask_babel import gettext as _
from openpyxl import load_workbook
from openpyxl.packaging.manifest import Manifest
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.xml.constants import ARC_CONTENT_TYPES, SHARED_STRINGS
from openpyxl.xml.functions import fromstring

from fieldapp.imports import xlsx_parts
from fieldapp.imports.columns import COLUMNS, Kind, header_aliases, normalised, sheet_aliases

MAX_ROWS = 10_000  # per sheet: more is not a caseload but a mistake (or a zip bomb)
MAX_LINES = 2 * MAX_ROWS  # rows read per sheet, blank ones included
MAX_UNPACKED = 50 * 1024 * 1024  # bytes of a workbook once unzipped (a 2 MB upload may hold more)
EXTRA_COLUMNS = 10  # columns read beyond the template's (an unknown one is named, not read on)
# openpyxl reads a workbook's whole table of texts (its shared strings) before the first row, some
# 6 µs a text: a few KB zipped could hold millions that no cell uses. A workbook needs at most one
# text per cell of the template's columns on every sheet, with the headers and the notes sheet.
MAX_STRINGS = (MAX_ROWS + 1) * sum(len(columns) for columns in COLUMNS.values()) + 1_000
MIN_CELL = len('<c t="s"><v>0</v></c>')  # the fewest bytes of a cell that uses one
STRING_ELEMENTS = 4  # on average, a text at most: a plain one is two (<si><t>), a formatted more
# Bytes of that table: 10,000 rows on each sheet, with names and addresses all distinct: 4.5 MB.
MAX_STRINGS_SIZE = 8 * 1024 * 1024
_CHUNK = 64 * 1024


class FileProblem(Exception):
    """The file as a whole cannot be imported; ``message`` says why, in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Formula(str):
    """The text of a cell that holds a formula (refused, never evaluated)."""


@dataclass
class Row:
    number: int  # as the spreadsheet numbers it (the header is row 1)
    values: dict[str, Any]


@dataclass
class Sheet:
    kind: Kind
    name: str
    rows: list[Row] = field(default_factory=list)


def read(data: bytes, filename: str) -> list[Sheet]:
    if data.startswith(b"PK") or filename.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data)
    return [_read_csv(data)]


# The ways of packing a part that Python's zip reader unpacks (Excel and LibreOffice use the
# first two). It refuses an encrypted part or another method with errors of its own, at whatever
# moment the part is read: such a workbook is refused before.
PACKED_AS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
ENCRYPTED = 0x1  # a zip member's flag bit
# What a zip whose parts are damaged raises while one is read (a bad CRC is a BadZipFile).
UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ValueError, OSError, SyntaxError)


def _check_before_reading(data: bytes) -> None:
    """Refuse, before openpyxl opens it, a workbook that would cost far more to read than an
    import can use, or that Python's zip reader cannot unpack (the zip is read once for all)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError):
        return  # not a zip at all: load_workbook says so
    with archive:
        members = archive.infolist()
        if sum(member.file_size for member in members) > MAX_UNPACKED:
            raise FileProblem(_("This workbook is too large once unpacked. Import it in parts."))
        if any(m.flag_bits & ENCRYPTED or m.compress_type not in PACKED_AS for m in members):
            raise FileProblem(_("This workbook is damaged and cannot be read."))
        _check_parts(archive)
        _check_strings(archive)


def _read_xlsx(data: bytes) -> list[Sheet]:
    _check_before_reading(data)
    try:
        # External links (cached copies of other workbooks) are never imported: not read at all.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except (InvalidFileException, *UNREADABLE):
        raise FileProblem(
            _(
                "This file is not an Excel workbook (.xlsx). Save it as .xlsx or as CSV and try "
                "again."
            )
        ) from None
    sheets: list[Sheet] = []
    known = sheet_aliases()
    try:
        for worksheet in book.worksheets:
            name = normalised(worksheet.title)
            if name not in known:
                raise FileProblem(
                    _(
                        "Sheet “%(sheet)s” is not one of the template's sheets.",
                        sheet=worksheet.title,
                    )
                )
            kind = known[name]
            if kind is None:
                continue
            # The size a sheet declares is not trusted: read-only mode pads every row up to it.
            worksheet.reset_dimensions()
            rows = worksheet.iter_rows(max_col=len(COLUMNS[kind]) + EXTRA_COLUMNS)
            header = next(rows, None)
            if header is None:
                continue
            sheet = Sheet(kind, worksheet.title)
            keys = _keys(kind, [cell.value for cell in header], worksheet.title)
            for number, cells in enumerate(rows, start=2):
                values = [_xlsx_value(cell) for cell in cells]
                _add_row(sheet, keys, number, values)
            sheets.append(sheet)
    except UNREADABLE:
        raise FileProblem(_("This workbook is damaged and cannot be read.")) from None
    finally:
        book.close()
    if not sheets:
        raise FileProblem(_("This workbook has none of the template's sheets."))
    return sheets


def _check_parts(archive: zipfile.ZipFile) -> None:
    """Refuse a workbook whose styles, sheets, names or other parts openpyxl reads whole hold
    far more than an import can use (see :mod:`fieldapp.imports.xlsx_parts`)."""
    try:
        xlsx_parts.check(archive)
    except xlsx_parts.TooMany:
        raise FileProblem(
            _(
                "This workbook holds far more styles, sheets or names than an import can use. "
                "Copy its rows into the template and try again."
            )
        ) from None
    except xlsx_parts.Damaged:
        raise FileProblem(_("This workbook is damaged and cannot be read.")) from None
    except xlsx_parts.ChartSheet as chart:
        raise FileProblem(
            _("Sheet “%(sheet)s” is not one of the template's sheets.", sheet=chart.name)
        ) from None
    except (*UNREADABLE, TypeError):
        return  # not a workbook openpyxl can open either: it says so


class _TooMuch(Exception):
    """The table of texts holds more than an import can use; counting stops here."""


def _check_strings(archive: zipfile.ZipFile) -> None:
    """Refuse a table of texts larger than the workbook can use, before openpyxl reads it all.

    A text is used by a cell, and a cell that uses one takes at least ``MIN_CELL`` bytes of
    another part: a table with more texts than the rest of the workbook has room to use, or
    more than any import needs (``MAX_STRINGS``), is refused. The part is streamed from the zip
    and counted with expat (texts in any namespace or prefix, elements, bytes), stopping at the
    first limit passed: a few milliseconds for a normal workbook. What is not a workbook, or not
    well-formed, is left for openpyxl to refuse.
    """
    try:
        parts = list(dict.fromkeys(_string_parts(archive)))
        rest = sum(m.file_size for m in archive.infolist() if m.filename not in parts)
        limit = min(MAX_STRINGS, rest // MIN_CELL)
        for name in parts:
            try:
                with archive.open(name) as part:
                    _count_strings(part, limit)
            except _TooMuch:
                raise FileProblem(
                    _(
                        "This workbook holds far more text than an import can use. Copy its "
                        "rows into the template and try again."
                    )
                ) from None
            except expat.ExpatError:
                continue  # not well-formed: openpyxl says so if it is the one it reads
    except (*UNREADABLE, TypeError):
        return  # not a workbook openpyxl can open either: it says so


def _string_parts(archive: zipfile.ZipFile) -> Iterator[str]:
    """The parts the workbook declares as its table of texts, named as openpyxl opens them:
    without the first character of the declared name only (``//xl/s.xml`` is ``/xl/s.xml``, a
    part of its own in a zip; stripping every slash checked ``xl/s.xml`` instead)."""
    manifest = Manifest.from_tree(fromstring(archive.read(ARC_CONTENT_TYPES)))
    for declared in manifest.findall(SHARED_STRINGS):
        yield declared.PartName[1:]


def _count_strings(part: IO[bytes], limit: int) -> None:
    """Raise :class:`_TooMuch` past ``limit`` texts, ``STRING_ELEMENTS`` elements a text or
    ``MAX_STRINGS_SIZE`` bytes. A document type (which could declare entities that expand into
    more) is never in a workbook's table of texts: the file is damaged."""
    elements = strings = 0

    def element(name: str, _attributes: Any) -> None:
        nonlocal elements, strings
        elements += 1
        if name.rpartition(" ")[2] == "si":
            strings += 1
        if strings > limit or elements > STRING_ELEMENTS * (limit + 1):
            raise _TooMuch

    def doctype(*_ignored: Any) -> None:
        raise FileProblem(_("This workbook is damaged and cannot be read."))

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = element
    parser.StartDoctypeDeclHandler = doctype
    size = 0
    while chunk := part.read(_CHUNK):
        size += len(chunk)
        if size > MAX_STRINGS_SIZE:
            raise _TooMuch
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


def _xlsx_value(cell: Any) -> Any:
    value = cell.value
    if getattr(cell, "data_type", None) == "f" or (
        isinstance(value, str) and value.startswith("=")
    ):
        return Formula(value)
    if isinstance(value, datetime):
        return value.date()
    return value


def _read_csv(data: bytes) -> Sheet:
    if b"\x00" in data[:4096]:
        raise FileProblem(_("This file is neither an Excel workbook (.xlsx) nor a CSV file."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    lines = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(lines, None)
    except csv.Error:
        raise FileProblem(_("This CSV file cannot be read: a field is too long.")) from None
    if not header or not any(cell.strip() for cell in header):
        raise FileProblem(_("This file is empty."))
    kind = _kind_of(header)
    sheet = Sheet(kind, kind.label)
    keys = _keys(kind, header, kind.label)
    try:
        for number, cells in enumerate(lines, start=2):
            values = [Formula(cell) if cell.startswith("=") else cell for cell in cells]
            _add_row(sheet, keys, number, values)
    except csv.Error:  # e.g. a field longer than the csv module allows
        raise FileProblem(_("This CSV file cannot be read: a field is too long.")) from None
    return sheet


def _kind_of(header: list[str]) -> Kind:
    """The kind whose columns the headers name best (a CSV holds one kind)."""
    names = {normalised(cell) for cell in header}

    def score(kind: Kind) -> int:
        return len(names & set(header_aliases(kind)))

    best = max(Kind, key=score)
    if score(best) == 0:
        raise FileProblem(
            _("The first line does not hold the template's column names. Start from the template.")
        )
    return best


def _keys(kind: Kind, header: list[Any], sheet: str) -> list[str | None]:
    aliases = header_aliases(kind)
    keys: list[str | None] = []
    for cell in header:
        if cell is None or not str(cell).strip():
            keys.append(None)
            continue
        key = aliases.get(normalised(cell))
        if key is None:
            raise FileProblem(
                _(
                    "Sheet “%(sheet)s”: column “%(column)s” is not one of the template's columns.",
                    sheet=sheet,
                    column=str(cell),
                )
            )
        keys.append(key)
    missing = [c for c in COLUMNS[kind] if c.required and c.key not in keys]
    if missing:
        raise FileProblem(
            _(
                "Sheet “%(sheet)s”: the column “%(column)s” is missing.",
                sheet=sheet,
                column=str(missing[0].label),
            )
        )
    return keys


def _add_row(sheet: Sheet, keys: list[str | None], number: int, values: list[Any]) -> None:
    if number > MAX_LINES + 1:
        raise FileProblem(
            _(
                "Sheet “%(sheet)s” has more than %(rows)d rows. Import it in parts.",
                sheet=sheet.name,
                rows=MAX_ROWS,
            )
        )
    if all(_blank(value) for value in values):
        return
    if len(sheet.rows) >= MAX_ROWS:
        raise FileProblem(
            _(
                "Sheet “%(sheet)s” has more than %(rows)d rows. Import it in parts.",
                sheet=sheet.name,
                rows=MAX_ROWS,
            )
        )
    row = Row(number, {})
    for key, value in zip(keys, values, strict=False):
        if key is not None and not _blank(value):
            row.values[key] = (
                value.strip()
                if isinstance(value, str) and not isinstance(value, Formula)
                else value
            )
    sheet.rows.append(row)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value: Any) -> str:
    """A cell as text: a whole number without ``.0`` (a phone number typed as a number)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()
