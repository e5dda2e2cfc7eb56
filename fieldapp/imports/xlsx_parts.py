"""Counting the parts of a workbook that openpyxl parses whole, before it parses them.

In read-only mode openpyxl streams a worksheet row by row (the import stops at ``MAX_LINES``),
but it parses other parts whole, an object per element, before the first row:
``[Content_Types].xml``; the workbook part (its sheets and defined names) and its relationships;
the document properties (``docProps/core.xml``, ``docProps/custom.xml``); the styles, always
``xl/styles.xml`` whatever the workbook declares or relates; each worksheet's relationships; a
chart sheet with its drawings and charts. A few KB zipped can hold a million elements there:
17 s and 790 MB of a web worker for a million fonts, 25 s for 200,000 sheets.

So each such part is streamed from the zip and its elements counted with expat, stopping at the
first limit passed, before ``load_workbook``. The parts are found as openpyxl finds them (the
same fixed names, the same content types and relationships, read with openpyxl's own code once
the part that names them has passed its count), so that no naming or declaring of parts escapes
the count; a part used as a worksheet is not counted, unless it is one of the others as well.
External links are not read at all (the import opens workbooks with ``keep_links=False``); the
table of texts has its own rule (``reading._check_strings``).
"""

from __future__ import annotations

import zipfile
from typing import IO, Any
from xml.parsers import expat

from openpyxl.packaging.manifest import Manifest
from openpyxl.packaging.relationship import get_rels_path
from openpyxl.reader.excel import _find_workbook_part
from openpyxl.reader.workbook import WorkbookParser
from openpyxl.xml.constants import ARC_CONTENT_TYPES, ARC_CORE, ARC_CUSTOM, ARC_STYLE
from openpyxl.xml.functions import fromstring

# Elements a part may hold. Excel allows 64,000 cell formats; a real styles part has hundreds.
MAX_STYLES = 100_000
MAX_WORKBOOK = 5_000  # sheets, defined names, views
MAX_PACKAGE = 10_000  # [Content_Types].xml, the workbook's relationships, document properties
# A worksheet's relationships: Excel makes each e-mail address typed a link, one relationship
# each; two columns of them over the 10,000 rows a sheet may hold, with room (5 µs each).
MAX_SHEET_RELATIONS = 25_000
# Of all the parts together, a part read twice counted twice: 2 to 3 s of openpyxl at most.
MAX_TOTAL = 200_000
# The template has four sheets; a sheet of another name is refused anyway, but only after
# openpyxl has opened them all (each sheet's relationships parsed, its start streamed).
MAX_SHEETS = 50
_CHUNK = 64 * 1024


class TooMany(Exception):
    """A part (or all of them together) holds more elements than an import can use."""


class Damaged(Exception):
    """A part openpyxl would parse is not well-formed XML, or declares a document type."""


class ChartSheet(Exception):
    """The workbook holds a chart sheet (openpyxl reads it whole, with its drawings)."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class _Parts:
    """The elements counted so far, per part and in all."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = set(archive.namelist())
        self.counted: dict[str, int] = {}
        self.total = 0

    def count(self, name: str, limit: int) -> None:
        """Count ``name`` as openpyxl reads it (``archive.read(name)``) once more."""
        if name not in self.counted:
            with self.archive.open(name) as part:
                self.counted[name] = count_elements(part, limit)
        if self.counted[name] > limit:
            raise TooMany(name)
        self.total += self.counted[name]
        if self.total > MAX_TOTAL:
            raise TooMany(name)

    def count_if_present(self, name: str, limit: int) -> None:
        if name in self.names:
            self.count(name, limit)


def check(archive: zipfile.ZipFile) -> None:
    """Raise :class:`TooMany`, :class:`Damaged` or :class:`ChartSheet` before openpyxl parses
    too much. A missing part openpyxl needs (``KeyError``) is left for openpyxl to refuse."""
    parts = _Parts(archive)
    parts.count(ARC_CONTENT_TYPES, MAX_PACKAGE)
    manifest = Manifest.from_tree(fromstring(archive.read(ARC_CONTENT_TYPES)))
    workbook = _find_workbook_part(manifest).PartName[1:]  # as openpyxl names it
    parts.count(workbook, MAX_WORKBOOK)
    parts.count_if_present(ARC_CORE, MAX_PACKAGE)
    parts.count_if_present(ARC_CUSTOM, MAX_PACKAGE)
    parts.count_if_present(ARC_STYLE, MAX_STYLES)
    reader = WorkbookParser(archive, workbook, keep_links=False)
    reader.parse()
    if len(reader.sheets) > MAX_SHEETS:
        raise TooMany(workbook)
    if not reader.sheets:
        return
    parts.count(get_rels_path(workbook), MAX_PACKAGE)
    targets: set[str] = set()
    for sheet, relationship in reader.find_sheets():
        target = relationship.target
        if target not in parts.names:
            continue  # openpyxl skips it
        if "chartsheet" in relationship.Type:
            raise ChartSheet(sheet.name)
        if target in targets:
            raise Damaged(target)  # one worksheet read as many: never saved so
        targets.add(target)
        parts.count_if_present(get_rels_path(target), MAX_SHEET_RELATIONS)


def count_elements(part: IO[bytes], limit: int) -> int:
    """The elements of ``part``, streamed; :class:`TooMany` as soon as they pass ``limit``.
    A part expat cannot read is :class:`Damaged`, not skipped: openpyxl's parser might read
    what expat does not (another encoding)."""
    elements = 0

    def element(_name: str, _attributes: Any) -> None:
        nonlocal elements
        elements += 1
        if elements > limit:
            raise TooMany

    def doctype(*_ignored: Any) -> None:
        raise Damaged

    parser = expat.ParserCreate()
    parser.StartElementHandler = element
    parser.StartDoctypeDeclHandler = doctype
    try:
        while chunk := part.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise Damaged from None
    return elements
