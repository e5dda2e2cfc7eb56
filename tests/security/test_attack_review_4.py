"""What an attacker's fourth review found: each test shows a weakness; those not closed yet are
marked ``xfail(strict=True)`` with the reason and the fix they need."""

from __future__ import annotations

import io
import uuid
import zipfile

import pytest

from fieldapp.auth.roles import Role
from tests.audit_views import USER_AGENT, a_view_by_the_counsellor, views_of
from tests.imports.filling import _zipped, client_row, upload, with_string_table, xlsx

AGENT = {"User-Agent": USER_AGENT}
CONTACT_NOTE = "Huisbezoek: schuldbemiddeling loopt, partner drinkt"
VISIT_NOTE = "Kwam dronken toe, werkgever overweegt te stoppen"


def _record_contact(client, world) -> None:
    form = {"uuid": str(uuid.uuid4()), "kind": "office", "reached": "yes", "note": CONTACT_NOTE}
    assert client.post(f"/clients/{world.client.id}/contacts", data=form).status_code == 302


def test_reading_the_contacts_as_a_fragment_is_audited(client, auth, make, db):
    """The contacts page is audited since today, but the fragment its script reloads the list
    from, ``/clients/<id>/contacts/latest?limit=100``, shows the same hundred contacts with
    their notes (home visits, calls) and left no line: a reader who wants no trace asks it."""
    world = make.world()
    auth.login(world.counsellor.email)
    _record_contact(client, world)

    fragment = client.get(f"/clients/{world.client.id}/contacts/latest?limit=100", headers=AGENT)

    assert CONTACT_NOTE in fragment.get_data(as_text=True)
    assert views_of(db, world.client.id) == [a_view_by_the_counsellor(world)]


def test_the_contacts_shown_again_under_a_refused_form_are_audited(client, auth, make, db):
    """A contact form sent without its kind answers 422 with the whole contacts page, every
    note on it, and left no line in the audit log."""
    world = make.world()
    auth.login(world.counsellor.email)
    _record_contact(client, world)

    refused = client.post(f"/clients/{world.client.id}/contacts", data={"note": "x"}, headers=AGENT)

    assert refused.status_code == 422
    assert CONTACT_NOTE in refused.get_data(as_text=True)
    assert views_of(db, world.client.id) == [a_view_by_the_counsellor(world)]


def test_the_notes_shown_again_under_a_refused_note_are_audited(client, auth, make, db):
    """A note the visit page refuses (an action without its due date) answers 422 with the
    visit page and every note written at the worksite, without a line in the audit log: the
    notes could be read by posting a broken note instead of opening the page."""
    world = make.world()
    auth.login(world.counsellor.email)
    note = {"note_uuid": str(uuid.uuid4()), "revision_uuid": str(uuid.uuid4())}
    written = client.post(f"/visits/{world.visit.id}/notes", data=note | {"body": VISIT_NOTE})
    assert written.status_code == 302

    broken = {
        "note_uuid": str(uuid.uuid4()),
        "revision_uuid": str(uuid.uuid4()),
        "body": "Nog iets",
        "action_uuid": str(uuid.uuid4()),
        "action_text": "Attest binnenbrengen",
        "action_due": "",
    }
    refused = client.post(f"/visits/{world.visit.id}/notes", data=broken, headers=AGENT)

    assert refused.status_code == 422
    assert VISIT_NOTE in refused.get_data(as_text=True)
    assert views_of(db, world.client.id) == [a_view_by_the_counsellor(world)]


def test_the_evaluation_shown_again_under_a_refused_save_is_audited(client, auth, make, db):
    """The evaluation record's page (what was said and agreed, its evidence: visit notes, 360°)
    is audited on GET; a save it refuses (a day that is no date) answers 422 with the same
    page and left no line."""
    world = make.world()
    auth.login(world.counsellor.email)

    refused = client.post(
        f"/evaluations/{world.evaluation.id}/record",
        data={"action": "save", "held_on": "geen datum"},
        headers=AGENT,
    )

    assert refused.status_code == 422
    assert views_of(db, world.client.id) == [a_view_by_the_counsellor(world)]


def test_the_calendar_feed_links_to_the_app_not_to_the_host_it_was_asked_at(client, auth, make, db):
    """Each visit in the calendar feed links to its page, built from the Host the feed's
    request carried: a forged Host (or X-Forwarded-Host behind the proxy), cached on the way or
    fetched by a calendar service that shares feeds, puts another server's address in the
    counsellor's calendar, one tap from a sign-in page that is not fieldapp's."""
    world = make.world()
    auth.login(world.counsellor.email)
    page = client.post("/visits/calendar", data={"action": "new"}).get_data(as_text=True)
    address = page.split('id="feed-address" type="text" readonly value="')[1].split('"')[0]
    auth.logout()

    feed = client.get(address.replace("http://localhost", ""), headers={"Host": "evil.example"})

    assert feed.status_code == 200
    body = feed.get_data(as_text=True)
    assert "evil.example" not in body
    assert f"URL:http://localhost/visits/{world.visit.id}" in body


def _with_fonts(workbook: bytes, count: int) -> bytes:
    """``workbook`` with ``count`` bold fonts in its styles, which no cell uses."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/styles.xml"] = parts["xl/styles.xml"].replace(
        b"</fonts>", b"<font><b/></font>" * count + b"</fonts>"
    )
    return _zipped(parts)


FONTS = 100_000  # 1.7 MB unpacked; a million (45 KB zipped) kept a worker 17 s and 790 MB


def test_a_small_workbook_cannot_keep_a_worker_busy_with_styles_no_cell_uses(client, make, auth):
    """A 45 KB workbook, 17 MB unpacked (within the 50 MB limit), whose styles part holds a
    million fonts: openpyxl builds an object for each before the first row, 17 seconds and
    790 MB of a web worker, at upload and again at confirmation. 200,000 sheets named in
    workbook.xml (1 MB zipped) cost 25 s before the import refuses the first unknown sheet."""
    admin = make.user(role=Role.ADMIN, email="admin@ocmw.example")
    make.user(admin.organisation, email="an@example.org")
    auth.login(admin.email)
    workbook = xlsx({"Clients": [client_row("Mina", "Peeters", "1990-01-01", "an@example.org")]})

    response = upload(client, _with_fonts(workbook, FONTS))

    assert response.status_code == 422
    assert "Peeters" not in response.get_data(as_text=True)


def _strings_declared_as(workbook: bytes, part_name: bytes, member: str, count: int) -> bytes:
    """``workbook`` with a table of ``count`` unused strings in the zip's ``member``, declared
    in [Content_Types].xml as ``part_name``."""
    moved = zipfile.ZipFile(io.BytesIO(with_string_table(workbook, b"")))
    parts = {name: moved.read(name) for name in moved.namelist()}
    del parts["xl/sharedStrings.xml"]
    parts[member] = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<si><t>a</t></si>" * count
        + b"</sst>"
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b'PartName="/xl/sharedStrings.xml"', b'PartName="' + part_name + b'"'
    )
    return _zipped(parts)


@pytest.mark.parametrize(
    ("part_name", "member"),
    [
        pytest.param(b"//xl/sharedStrings.xml", "/xl/sharedStrings.xml", id="two-slashes"),
        pytest.param(b"xl/sharedStrings.xml", "l/sharedStrings.xml", id="no-slash"),
    ],
)
def test_a_table_of_texts_declared_with_an_odd_name_is_checked_too(
    client, make, auth, part_name, member
):
    """The check opens the declared part without every leading slash, openpyxl without the
    first one only: declared as ``//xl/sharedStrings.xml`` (or ``xl/sharedStrings.xml``), the
    check looked for a part the zip did not hold, gave up on the whole workbook, and openpyxl
    read the table it did hold (``/xl/sharedStrings.xml``, ``l/sharedStrings.xml``): the
    three million strings of 653bdf9's workbook were read again, 19 s of a worker."""
    admin = make.user(role=Role.ADMIN, email="admin@ocmw.example")
    make.user(admin.organisation, email="an@example.org")
    auth.login(admin.email)
    workbook = xlsx({"Clients": [client_row("Mina", "Peeters", "1990-01-01", "an@example.org")]})

    response = upload(client, _strings_declared_as(workbook, part_name, member, 400_000))

    assert response.status_code == 422
    assert "Peeters" not in response.get_data(as_text=True)
