"""Files built to hurt: a sheet that declares a million rows, broken XML inside a workbook, a zip
that unpacks to far more than it weighs, an endless CSV field, dates in year 1; and what is left
of an upload nobody confirmed. Each gets a clear message (4xx), never a 500 or a busy worker."""

from __future__ import annotations

import io
import zipfile
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
