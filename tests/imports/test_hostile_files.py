"""Files built to hurt: a sheet that declares a million rows, broken XML inside a workbook, a zip
that unpacks to far more than it weighs, an endless CSV field, dates in year 1; and what is left
of an upload nobody confirmed. Each gets a clear message (4xx), never a 500 or a busy worker."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from fieldapp import jobs
from fieldapp.auth.roles import Role
from fieldapp.common.time import now_utc
from fieldapp.imports.models import ImportUpload
from fieldapp.imports.reading import MAX_STRINGS, MAX_STRINGS_SIZE, MAX_UNPACKED, MIN_CELL
from tests.imports.filling import (
    CLIENTS,
    _zipped,
    client_row,
    csv_file,
    upload,
    with_string_table,
    xlsx,
)


@pytest.fixture
def admin(make, auth):
    organisation = make.organisation()
    admin = make.user(organisation, role=Role.ADMIN, email="admin@example.org")
    make.user(organisation, email="an@example.org", name="An Counsellor")
    auth.login("admin@example.org")
    return admin


def rewritten(data: bytes, change) -> bytes:
    """The workbook ``data`` with each member's bytes passed through ``change(name, bytes)``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(member, change(member.filename, source.read(member.filename)))
    return out.getvalue()


def one_client() -> bytes:
    return xlsx({"Clients": [client_row("Mina", "Peeters", "1990-01-01", "an@example.org")]})


def test_a_sheet_declaring_a_million_rows_is_read_as_it_is(client, admin):
    def huge(name: str, body: bytes) -> bytes:
        if name.startswith("xl/worksheets/"):
            start = body.index(b"<dimension ref=")
            end = body.index(b"/>", start) + 2
            return body[:start] + b'<dimension ref="A1:XFD1048576"/>' + body[end:]
        return body

    response = upload(client, rewritten(one_client(), huge))

    assert response.status_code == 200
    assert "Peeters" in response.get_data(as_text=True)


def test_broken_xml_inside_a_workbook_is_a_damaged_file(client, admin, db):
    def broken(name: str, body: bytes) -> bytes:
        return body[: len(body) // 2] if name.startswith("xl/worksheets/") else body

    response = upload(client, rewritten(one_client(), broken))

    assert response.status_code == 422
    assert "damaged" in response.get_data(as_text=True)


def test_a_workbook_that_unpacks_to_too_much_is_refused(client, admin):
    def padded(name: str, body: bytes) -> bytes:
        return body + b" " * (MAX_UNPACKED + 1) if name == "docProps/app.xml" else body

    response = upload(client, rewritten(one_client(), padded))

    assert response.status_code == 422
    assert "too large once unpacked" in response.get_data(as_text=True)


MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _padded(workbook: bytes, size: int) -> bytes:
    """``workbook`` with ``size`` more bytes of room (spaces in its properties) for cells."""
    return rewritten(
        workbook, lambda name, body: body + b" " * size if name == "docProps/app.xml" else body
    )


@pytest.mark.parametrize(
    "workbook",
    [
        pytest.param(
            lambda: with_string_table(
                one_client(),
                b'<x:sst xmlns:x="%s">%s</x:sst>' % (MAIN, b"<x:si><x:t>a</x:t></x:si>" * 20_000),
            ),
            id="more-texts-than-its-cells-could-use-under-another-prefix",
        ),
        pytest.param(
            lambda: with_string_table(
                _padded(one_client(), (MAX_STRINGS + 1) * MIN_CELL),
                b'<sst xmlns="%s">%s</sst>' % (MAIN, b"<si><t>a</t></si>" * (MAX_STRINGS + 1)),
            ),
            id="more-texts-than-any-import-needs-in-a-workbook-padded-to-hold-them",
        ),
        pytest.param(
            lambda: with_string_table(
                one_client(), b'<sst xmlns="%s">%s</sst>' % (MAIN, b"<a/>" * 20_000)
            ),
            id="elements-that-are-no-text",
        ),
        pytest.param(
            lambda: with_string_table(
                one_client(),
                b'<sst xmlns="%s"><si><t>%s</t></si></sst>' % (MAIN, b"a" * MAX_STRINGS_SIZE),
            ),
            id="more-bytes-than-any-import-needs",
        ),
    ],
)
def test_a_table_of_texts_larger_than_an_import_can_use_is_refused(client, admin, db, workbook):
    response = upload(client, workbook())

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "far more text than an import can use" in page
    assert "Peeters" not in page
    assert db.session.scalar(select(func.count()).select_from(ImportUpload)) == 0


def test_a_table_of_texts_with_a_document_type_is_a_damaged_file(client, admin, db):
    table = b'<!DOCTYPE sst [<!ENTITY name "Peeters">]><sst xmlns="%s"><si><t>&name;</t></si></sst>'

    response = upload(client, with_string_table(one_client(), table % MAIN))

    assert response.status_code == 422
    assert "damaged" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ImportUpload)) == 0


def test_an_endless_csv_field_is_a_file_problem(client, admin):
    data = csv_file(CLIENTS, [client_row("Mina", "P" * 200_000, None, "an@example.org")])

    response = upload(client, data, "clients.csv")

    assert response.status_code == 422
    assert "a field is too long" in response.get_data(as_text=True)


def test_a_date_in_year_one_is_refused_per_row(client, admin):
    data = csv_file(
        CLIENTS,
        [client_row("Mina", "Peeters", "1/1/0001", "an@example.org", "art60", "0001-01-01")],
    )

    response = upload(client, data, "clients.csv")

    assert response.status_code == 422
    assert "Choose a date between" in response.get_data(as_text=True)


def test_an_upload_nobody_confirmed_is_dropped_by_the_nightly_sweep(app, client, admin, db):
    assert upload(client, one_client()).status_code == 200
    db.session.execute(update(ImportUpload).values(created_at=now_utc() - timedelta(hours=3)))
    db.session.commit()

    jobs.in_app(app, jobs.sweep_retention)()

    assert db.session.scalar(select(func.count()).select_from(ImportUpload)) == 0


TOO_MANY = "far more styles, sheets or names than an import can use"
_MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_RELATIONS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _changed(
    name_to_change: str, change: Callable[[bytes], bytes]
) -> Callable[[str, bytes], bytes]:
    """A ``rewritten`` change that passes ``name_to_change``'s bytes through ``change``."""
    return lambda name, body: change(body) if name == name_to_change else body


# Each element alike, so that the upload stays small (under the test client's 500 KB, past which
# it spools the request to a file it leaves open), as an attacker's upload would.


def _sheets(body: bytes, count: int) -> bytes:
    extra = b'<sheet name="S" sheetId="9" r:id="rId9"/>' * count
    return body.replace(b"</sheets>", extra + b"</sheets>")


def _defined_names(body: bytes, count: int) -> bytes:
    names = b'<definedName name="n">Clients!$A$1</definedName>' * count
    return body.replace(b"<definedNames />", b"<definedNames>" + names + b"</definedNames>")


def _content_types(body: bytes, count: int) -> bytes:
    extra = b'<Default Extension="x" ContentType="application/xml"/>' * count
    return body.replace(b"</Types>", extra + b"</Types>")


def _fonts(body: bytes, count: int) -> bytes:
    return body.replace(b"</fonts>", b"<font><b/></font>" * count + b"</fonts>")


@pytest.mark.parametrize(
    ("part", "change"),
    [
        # 25 s of a worker before the import refused the first unknown sheet
        pytest.param("xl/workbook.xml", lambda body: _sheets(body, 200_000), id="sheets"),
        pytest.param(
            "xl/workbook.xml", lambda body: _defined_names(body, 100_000), id="defined-names"
        ),
        pytest.param(
            "[Content_Types].xml", lambda body: _content_types(body, 100_000), id="content-types"
        ),
        pytest.param(
            "docProps/core.xml",
            lambda body: body.replace(
                b"</cp:coreProperties>", b"<dc:subject/>" * 100_000 + b"</cp:coreProperties>"
            ),
            id="properties",
        ),
    ],
)
def test_a_part_openpyxl_reads_whole_is_counted_before_it_does(client, admin, db, part, change):
    """openpyxl builds an object per element of these parts before the first row: far more
    than an import can use is refused as soon as counting passes the limit."""
    response = upload(client, rewritten(one_client(), _changed(part, change)))

    assert response.status_code == 422
    assert TOO_MANY in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ImportUpload)) == 0


def _styles_declared_elsewhere(body: bytes) -> bytes:
    return body.replace(b'PartName="/xl/styles.xml"', b'PartName="/xl/look.xml"')


def _styles_related_elsewhere(body: bytes) -> bytes:
    return body.replace(b'Target="styles.xml"', b'Target="look.xml"')


def _clients_read_from_the_styles(body: bytes) -> bytes:
    return body.replace(b'Target="/xl/worksheets/sheet1.xml"', b'Target="/xl/styles.xml"')


@pytest.mark.parametrize(
    ("part", "change"),
    [
        pytest.param("[Content_Types].xml", _styles_declared_elsewhere, id="declared-elsewhere"),
        pytest.param(
            "xl/_rels/workbook.xml.rels", _styles_related_elsewhere, id="related-elsewhere"
        ),
        pytest.param(
            "xl/_rels/workbook.xml.rels", _clients_read_from_the_styles, id="also-a-worksheet"
        ),
    ],
)
def test_the_styles_are_counted_however_they_are_declared(client, admin, part, change):
    """openpyxl reads its styles from xl/styles.xml whatever the workbook declares or relates,
    and reads them even when a sheet's relationship points there too."""

    def hostile(name: str, body: bytes) -> bytes:
        if name == "xl/styles.xml":
            body = _fonts(body, 200_000)
        return change(body) if name == part else body

    response = upload(client, rewritten(one_client(), hostile))

    assert response.status_code == 422
    assert TOO_MANY in response.get_data(as_text=True)


def test_a_styles_part_in_another_encoding_is_not_skipped(client, admin):
    """expat reads UTF-8, UTF-16 and single-byte encodings only; another parser might read a
    styles part expat cannot: it is refused, not left uncounted."""

    def utf32(name: str, body: bytes) -> bytes:
        if name != "xl/styles.xml":
            return body
        return ('<?xml version="1.0" encoding="UTF-32"?>' + body.decode()).encode("utf-32")

    response = upload(client, rewritten(one_client(), utf32))

    assert response.status_code == 422
    assert "damaged" in response.get_data(as_text=True)


def test_a_chart_sheet_is_refused_before_it_is_read(client, admin):
    """openpyxl reads a chart sheet whole, with its drawings and charts, in read-only mode too;
    one named as a template sheet was then read as a worksheet (a 500)."""
    chart = (
        b"<chartsheet " + _MAIN + b'><sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        b"</chartsheet>"
    )

    def with_chart(name: str, body: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return chart
        if name == "xl/_rels/workbook.xml.rels":
            return body.replace(b"/relationships/worksheet", b"/relationships/chartsheet")
        return body

    response = upload(client, rewritten(one_client(), with_chart))

    assert response.status_code == 422
    assert "Sheet “Clients” is not one of the template" in response.get_data(as_text=True)


def test_one_worksheet_named_by_many_sheets_is_a_damaged_file(client, admin):
    """openpyxl opens every sheet the workbook names (streaming each to its first row): one
    worksheet named by many sheets would be read as many times. Excel never saves that."""
    twice = b'<sheet name="Clients" sheetId="1" state="visible" r:id="rId1" />'

    def named_again(name: str, body: bytes) -> bytes:
        return body.replace(twice, twice * 2) if name == "xl/workbook.xml" else body

    response = upload(client, rewritten(one_client(), named_again))

    assert response.status_code == 422
    assert "damaged" in response.get_data(as_text=True)


def test_a_sheet_whose_e_mail_addresses_excel_made_links_is_read(client, admin):
    """Excel makes each e-mail address typed a link, one relationship of the sheet each: two
    columns of them over 10,000 rows are within the limit of a sheet's relationships."""
    links = b"".join(
        b'<Relationship Id="rIdLink%d" Type="%s/hyperlink" Target="mailto:c%d@voorbeeld.be" '
        b'TargetMode="External"/>' % (n, _RELATIONS, n)
        for n in range(20_000)
    )
    source = zipfile.ZipFile(io.BytesIO(one_client()))
    parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/worksheets/_rels/sheet1.xml.rels"] = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + links
        + b"</Relationships>"
    )

    response = upload(client, _zipped(parts))

    assert response.status_code == 200
    assert "Peeters" in response.get_data(as_text=True)


def test_the_template_downloaded_from_the_app_imports(client, admin):
    """Its styles, sheets, names and properties are within every limit."""
    template = client.get("/admin/import/template.xlsx").data

    response = upload(client, template)

    assert response.status_code == 200
    assert "Confirm the import" in response.get_data(as_text=True)


def _central_entry_changed(data: bytes, member: str, offset: int, value: int) -> bytes:
    """``data`` (a zip) with two bytes at ``offset`` of ``member``'s central directory entry set
    to ``value``: what a zip reader believes of how the part is packed."""
    raw = bytearray(data)
    at = raw.find(b"PK\x01\x02")
    while at != -1:
        if raw[at + 46 : at + 46 + len(member)] == member.encode():
            raw[at + offset : at + offset + 2] = value.to_bytes(2, "little")
        at = raw.find(b"PK\x01\x02", at + 4)
    return bytes(raw)


FLAGS, METHOD = 8, 10  # offsets in a central directory entry


@pytest.mark.parametrize("member", ["xl/styles.xml", "xl/worksheets/sheet1.xml", "xl/workbook.xml"])
@pytest.mark.parametrize(
    ("offset", "value"),
    [pytest.param(METHOD, 99, id="packed-another-way"), pytest.param(FLAGS, 1, id="encrypted")],
)
def test_a_part_packed_in_a_way_no_reader_unpacks_is_refused_not_a_crash(
    client, admin, member, offset, value
):
    """A part encrypted inside the zip, or packed with a method Python does not unpack, raised
    the zip reader's own errors (NotImplementedError, RuntimeError) wherever the part was read:
    a 500 at upload."""
    response = upload(client, _central_entry_changed(one_client(), member, offset, value))
    assert response.status_code == 422
    assert "damaged" in response.get_data(as_text=True)


def test_a_part_whose_packed_bytes_are_damaged_is_refused_not_a_crash(client, admin):
    """A deflated part with its bytes damaged raised zlib.error (a 500)."""
    workbook = one_client()
    source = zipfile.ZipFile(io.BytesIO(workbook))
    sheet = source.getinfo("xl/worksheets/sheet1.xml")
    raw = bytearray(workbook)
    start = sheet.header_offset + 30 + len(sheet.filename.encode()) + len(sheet.extra)
    for at in range(start + 2, start + min(sheet.compress_size, 40)):
        raw[at] ^= 0x5A
    response = upload(client, bytes(raw))
    assert response.status_code == 422
    assert "not an Excel workbook" in response.get_data(as_text=True)
