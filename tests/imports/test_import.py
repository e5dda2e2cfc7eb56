"""The administrator's spreadsheet import: template, preview, all-or-nothing, idempotence."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from babel.dates import format_date as babel_date
from openpyxl import load_workbook
from sqlalchemy import func, select

from fieldapp.audit.models import AuditEvent
from fieldapp.auth.models import User
from fieldapp.auth.roles import Role
from fieldapp.clients.models import Client
from fieldapp.common.dates import today
from fieldapp.imports.models import ImportUpload
from fieldapp.mail.models import OutgoingMail
from fieldapp.trajectories.models import Trajectory
from fieldapp.worksites.models import Contact, Worksite
from tests import spreadsheets
from tests.factories import days_from_today
from tests.imports.filling import (
    CLIENTS,
    STAFF,
    WORKSITES,
    as_excel_saves_it,
    client_row,
    confirm,
    csv_file,
    upload,
    xlsx,
)


@pytest.fixture
def admin(make, auth):
    organisation = make.organisation()
    admin = make.user(organisation, role=Role.ADMIN, email="admin@example.org")
    make.user(organisation, email="an@example.org", name="An Counsellor")
    auth.login("admin@example.org")
    return admin


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def full_file() -> bytes:
    start = days_from_today(-30)
    return xlsx(
        {
            "Staff": [("bo@example.org", "Bo Nieuw", "Counsellor", "fr")],
            "Worksites": [
                ("Kringwinkel Oost", "Social economy partner", "Dok 1, Gent", "Sofie", "", "", ""),
                ("Kringwinkel Oost", "", "", "Jan", "Colleague", "jan@k.example", "09 1"),
                ("Stadsdienst Groen", "internal", "", "", "", "", ""),
            ],
            "Clients": [
                client_row(
                    "Mina",
                    "Peeters",
                    days_from_today(-9000),
                    "an@example.org",
                    "art60",
                    start,
                    start + timedelta(days=364),
                    "Kringwinkel Oost",
                ),
                client_row(
                    "Tom",
                    "Claes",
                    days_from_today(-10000).strftime("%d/%m/%Y"),
                    "bo@example.org",
                    "Temporary work experience (TWE)",
                    start.isoformat(),
                ),
                client_row("Lea", "Janssens", None, "an@example.org"),
            ],
        }
    )


def test_the_template_has_a_sheet_per_kind_with_headers_and_notes(client, admin):
    response = client.get("/admin/import/template.xlsx")
    assert response.status_code == 200
    assert response.mimetype == spreadsheets.XLSX_MIMETYPE
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Staff", "Worksites", "Clients", "Notes"]
    assert spreadsheets.sheet_rows(response.data, "Clients")[0] == CLIENTS
    assert spreadsheets.sheet_rows(response.data, "Staff")[0] == STAFF
    assert spreadsheets.sheet_rows(response.data, "Worksites")[0] == WORKSITES
    notes = spreadsheets.sheet_rows(response.data, "Notes")
    assert ("Clients", "Start", None, "The trajectory's start: 2025-09-01 or 1/9/2025.") in notes
    csv = client.get("/admin/import/template.csv?kind=clients")
    assert spreadsheets.csv_rows(csv.data) == [list(CLIENTS)]
    assert client.get("/admin/import/template.csv?kind=castles").status_code == 404


def test_the_template_speaks_the_users_language(client, admin, db):
    admin.language = "nl"
    db.session.commit()
    data = client.get("/admin/import/template.xlsx").data
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[2] == "Cliënten"
    assert spreadsheets.sheet_rows(data, "Cliënten")[0][:3] == (
        "Voornaam",
        "Achternaam",
        "Geboortedatum",
    )


def test_preview_then_confirm_saves_everything(client, admin, db):
    page = upload(client, full_file())
    assert page.status_code == 200, page.get_data(as_text=True)
    text = page.get_data(as_text=True)
    assert 'data-count="clients-create">3<' in text
    assert 'data-count="worksites-create">3<' in text
    assert 'data-count="staff-create">1<' in text
    assert count(db, Client) == 0  # nothing saved before confirming
    response = confirm(client, text)
    assert response.status_code == 302
    mina = db.session.scalars(select(Client).where(Client.first_name == "Mina")).one()
    assert mina.counsellor.email == "an@example.org"
    trajectory = db.session.scalars(select(Trajectory).where(Trajectory.client_id == mina.id)).one()
    assert trajectory.scheme == "art60"
    assert trajectory.worksite.name == "Kringwinkel Oost"
    assert trajectory.evaluations  # the rules planned its evaluation moments
    tom = db.session.scalars(select(Client).where(Client.first_name == "Tom")).one()
    assert tom.birth_date == days_from_today(-10000)
    assert tom.counsellor.email == "bo@example.org"
    bo = db.session.scalars(select(User).where(User.email == "bo@example.org")).one()
    assert bo.invitation_pending
    assert (bo.role, bo.language) == ("counsellor", "fr")
    assert db.session.scalars(
        select(OutgoingMail).where(OutgoingMail.recipient == "bo@example.org")
    ).all(), "the invitation is e-mailed as the invite flow does"
    assert count(db, Trajectory) == 2
    assert {c.name for c in db.session.scalars(select(Contact))} == {"Sofie", "Jan"}
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "import.completed")
    ).one()
    assert (event.detail["clients_created"], event.detail["staff_created"]) == (3, 1)
    assert count(db, ImportUpload) == 0


def test_a_second_import_of_the_same_file_changes_nothing(client, admin, db):
    confirm(client, upload(client, full_file()).get_data(as_text=True))
    before = [
        count(db, model) for model in (Client, Trajectory, Worksite, Contact, User, AuditEvent)
    ]
    again = upload(client, full_file()).get_data(as_text=True)
    assert 'data-count="clients-unchanged">3<' in again
    assert 'data-count="worksites-unchanged">3<' in again
    assert 'data-count="staff-unchanged">1<' in again
    assert confirm(client, again).status_code == 302
    after = [
        count(db, model) for model in (Client, Trajectory, Worksite, Contact, User, AuditEvent)
    ]
    assert after == before


def test_changed_rows_are_updates(client, admin, db, make):
    an = db.session.scalars(select(User).where(User.email == "an@example.org")).one()
    existing = make.client(an, "Mina", "Peeters", days_from_today(-9000))
    make.worksite(an, "Kringwinkel Oost")
    page = upload(client, full_file()).get_data(as_text=True)
    assert 'data-count="clients-update">1<' in page
    assert 'data-count="clients-create">2<' in page
    assert "Changes: Town, Scheme" in page
    confirm(client, page)
    db.session.refresh(existing)
    assert existing.city == "Gent"
    assert count(db, Client) == 3
    assert count(db, Worksite) == 2


def test_errors_per_row_with_row_and_column_and_nothing_saved(client, admin, db):
    start = days_from_today(-30)
    data = xlsx(
        {
            "Clients": [
                client_row("Mina", "Peeters", "31-31-2000", "an@example.org"),
                client_row("Tom", "Claes", None, "nobody@example.org"),
                client_row(
                    "Lea",
                    "Janssens",
                    None,
                    "an@example.org",
                    "art60",
                    start,
                    start + timedelta(days=800),
                ),
                client_row("Lea", "Janssens", None, "an@example.org"),
                client_row("Kim", "Maes", None, "an@example.org", "castle", start),
                client_row("Ali", "Aziz", None, "an@example.org", "twe", start, None, "Nowhere"),
                client_row("Eva", "Wouters", None, "admin@example.org"),
                client_row("Ok", "Fine", None, "an@example.org"),
            ]
        }
    )
    response = upload(client, data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    expected = {
        2: "Birth date: Write the date as 2025-09-01 or 1/9/2025.",
        3: "Counsellor (e-mail address): No one of your organisation has this e-mail address",
        4: "Planned end: An article 60 contract lasts at most two years",
        5: "Last name: This client is on row 4 too.",
        6: "Scheme: Unknown scheme",
        7: "Worksite: No worksite of your organisation has this name",
        8: "Counsellor (e-mail address): An administrator or a person who can no longer",
    }
    for row, message in expected.items():
        chunk = page[page.index(f'data-row="clients-{row}"') :]
        chunk = chunk[: chunk.index("</li>")]
        assert 'data-action="error"' in chunk, (row, chunk)
        assert message in chunk, (row, chunk)
    assert 'data-row="clients-9" data-action="create"' in page
    assert "Confirm the import" not in page
    # Even a forged confirmation saves nothing.
    assert confirm_by_id(client, db).status_code == 422
    assert count(db, Client) == 0


def confirm_by_id(client, db):
    upload_id = db.session.scalars(select(ImportUpload.id)).one()
    return client.post("/admin/import/confirm", data={"upload": str(upload_id)})


def test_a_rule_a_service_refuses_rolls_everything_back(client, admin, db, monkeypatch):
    from fieldapp.common.rules import RuleBroken
    from fieldapp.trajectories import services as trajectory_services

    def refuse(*args, **kwargs):
        raise RuleBroken("Refused by the rule.")

    page = upload(client, full_file()).get_data(as_text=True)
    # The rule every start of a trajectory checks, one at a time or a batch of them.
    monkeypatch.setattr(trajectory_services, "check_plan", refuse)
    response = confirm(client, page)
    assert response.status_code == 422
    assert "Refused by the rule." in response.get_data(as_text=True)
    assert [count(db, m) for m in (Client, Worksite, Contact, Trajectory)] == [0, 0, 0, 0]
    assert count(db, User) == 2


def test_of_two_rows_a_service_refuses_the_first_in_the_file_is_named(
    client, admin, db, monkeypatch
):
    """Row 2's trajectory is refused by its plan's rule, row 4 is a duplicate only the service
    sees (the preview let a client without a birth date through): row 2 is named, as when the
    rows were saved one after the other."""
    from fieldapp.common.rules import RuleBroken
    from fieldapp.trajectories import services as trajectory_services

    checked = trajectory_services.check_plan
    refused_start = days_from_today(-5)

    def refuse_one(plan, organisation_id):
        if plan.started_on == refused_start:
            raise RuleBroken("Refused by the rule.")
        return checked(plan, organisation_id)

    monkeypatch.setattr(trajectory_services, "check_plan", refuse_one)
    rows = [
        client_row("Jan", "Peeters", None, "an@example.org", "twe", refused_start),
        client_row("Tom", "Claes", None, "an@example.org"),
        client_row("Jan", "Peeters", days_from_today(-9000), "an@example.org", "twe", today()),
    ]
    page = upload(client, xlsx({"Clients": rows})).get_data(as_text=True)
    response = confirm(client, page)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    row_2 = text[text.index('data-row="clients-2"') :]
    assert "Refused by the rule." in row_2[: row_2.index("</li>")]
    assert "already has a file" not in text
    assert count(db, Client) == 0


@pytest.mark.parametrize("delimiter", [";", ","])
def test_csv_with_semicolons_or_commas(client, admin, db, delimiter):
    rows = [
        client_row("Mina", "Peeters", "3/2/1990", "an@example.org", "ibo", today().isoformat(), ""),
        client_row("Tom", "Claes", "1991-05-06", "an@example.org"),
    ]
    page = upload(client, csv_file(CLIENTS, rows, delimiter), "clients.csv")
    assert page.status_code == 200, page.get_data(as_text=True)
    assert confirm(client, page.get_data(as_text=True)).status_code == 302
    names = set(db.session.scalars(select(Client.first_name)))
    assert names == {"Mina", "Tom"}
    assert count(db, Trajectory) == 1


def test_a_file_that_is_not_a_workbook(client, admin, db):
    response = upload(client, b"PK\x03\x04 this is not a zip at all", "caseload.xlsx")
    assert response.status_code == 422
    assert "not an Excel workbook" in response.get_data(as_text=True)
    response = upload(client, bytes(range(256)) * 10, "photo.jpg")
    assert response.status_code == 422
    assert "neither an Excel workbook" in response.get_data(as_text=True)
    assert count(db, ImportUpload) == 0


def test_a_wrong_column_is_named(client, admin):
    headers = {"Clients": (*CLIENTS[:-1], "Shoe size")}
    response = upload(
        client, xlsx({"Clients": [client_row("A", "B", None, "an@example.org")]}, headers)
    )
    assert response.status_code == 422
    assert "column “Shoe size” is not one of the template" in response.get_data(as_text=True)
    headers = {"Clients": CLIENTS[1:]}
    response = upload(client, xlsx({"Clients": [("B",)]}, headers))
    assert "the column “First name” is missing" in response.get_data(as_text=True)


def test_formulas_are_refused_per_row(client, admin, db):
    data = xlsx({"Clients": [client_row("Mina", '=HYPERLINK("http://x")', None, "an@example.org")]})
    response = upload(client, data)
    assert response.status_code == 422
    assert "Last name: Formulas are not imported" in response.get_data(as_text=True)
    csv_data = csv_file(CLIENTS, [client_row("=1+1", "B", None, "an@example.org")])
    response = upload(client, csv_data, "c.csv")
    assert "First name: Formulas are not imported" in response.get_data(as_text=True)


def test_fifty_megabytes_is_too_large(client, admin, db):
    # A raw body: the test client would spool a form this large to a temporary file.
    response = client.post(
        "/admin/import/preview",
        data=b"a;b\r\n" * (10 * 1024 * 1024),
        content_type="multipart/form-data; boundary=x",
    )
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert count(db, ImportUpload) == 0


def test_only_administrators(client, auth, make):
    organisation = make.organisation()
    make.user(organisation, role=Role.TEAM_LEAD, email="lead@example.org")
    auth.login("lead@example.org")
    for path in ("/admin/import/", "/admin/import/template.xlsx"):
        assert client.get(path).status_code == 403
    assert upload(client, full_file()).status_code == 403
    assert client.post("/admin/import/confirm", data={"upload": "1"}).status_code == 403


def test_another_organisations_records_are_never_matched(client, admin, db, make):
    other = make.world()
    other_counsellor = other.counsellor
    data = xlsx(
        {
            "Staff": [(other_counsellor.email, "Someone", "Counsellor", "")],
            "Clients": [
                client_row(
                    other.client.first_name,
                    other.client.last_name,
                    None,
                    other_counsellor.email,
                    "twe",
                    today(),
                    None,
                    other.worksite.name,
                ),
            ],
        }
    )
    page = upload(client, data).get_data(as_text=True)
    assert "There is already an account with this e-mail address." in page
    assert "Worksite: No worksite of your organisation has this name" in page
    # Without the other organisation's people and worksite, the client is simply new here.
    data = xlsx(
        {
            "Clients": [
                client_row(other.client.first_name, other.client.last_name, None, "an@example.org")
            ]
        }
    )
    page = upload(client, data).get_data(as_text=True)
    assert 'data-count="clients-create">1<' in page


def test_another_administrators_upload_cannot_be_confirmed(client, admin, auth, make, db):
    page = upload(client, full_file()).get_data(as_text=True)
    make.user(admin.organisation, role=Role.ADMIN, email="second@example.org")
    auth.logout()
    auth.login("second@example.org")
    response = confirm(client, page)
    assert response.status_code == 422
    assert "expired" in response.get_data(as_text=True)
    assert count(db, Client) == 0


@pytest.mark.parametrize(
    ("upload_id", "status"),
    [
        ("²", 400),
        ("١", 400),
        ("1\n", 400),
        ("-1", 400),
        ("99999999999999999999", 400),
        ("9999999999", 422),
    ],
)
def test_an_upload_id_that_is_not_one_is_refused_and_the_upload_stays(
    client, admin, db, upload_id, status
):
    page = upload(client, full_file()).get_data(as_text=True)
    response = client.post("/admin/import/confirm", data={"upload": upload_id})
    assert response.status_code == status
    if status == 422:
        assert "expired" in response.get_data(as_text=True)
    assert count(db, Client) == 0
    assert confirm(client, page).status_code == 302  # the upload itself still imports


def test_a_thousand_clients_in_few_queries_for_the_preview(client, admin, db):
    start = days_from_today(-30)
    rows = [
        client_row(
            f"Voornaam{n}",
            f"Achternaam{n}",
            days_from_today(-8000 - n),
            "an@example.org",
            "twe",
            start,
            start + timedelta(days=300),
        )
        for n in range(1000)
    ]
    data = xlsx({"Clients": rows})
    page = upload(client, data)
    assert page.status_code == 200
    assert confirm(client, page.get_data(as_text=True)).status_code == 302
    assert count(db, Client) == 1000
    assert count(db, Trajectory) == 1000
    again = upload(client, data).get_data(as_text=True)
    assert 'data-count="clients-unchanged">1000<' in again


def test_five_thousand_clients_as_excel_saves_them_are_read(client, admin):
    """Excel keeps a workbook's texts in one table that the cells point into: a caseload of
    5,000 clients, each with a name, a phone and an e-mail address of their own, is not taken
    for a table of texts nobody uses."""
    rows = [
        (
            f"Voornaam{n}",
            f"Achternaam{n}",
            days_from_today(-8000 - n),
            f"+32 470 {n:06d}",
            f"client{n}@voorbeeld.be",
            "nl",
            "Gent",
            "an@example.org",
        )
        for n in range(5000)
    ]

    page = upload(client, as_excel_saves_it(xlsx({"Clients": rows})))

    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'data-count="clients-create">5000<' in text
    assert 'data-count="clients-error">0<' in text


def preview_queries(app, client, data: bytes) -> int:
    from bench.measure import counting_queries
    from fieldapp.extensions import db as _db

    with app.app_context():
        engine = _db.engine
    with counting_queries(engine) as statements:
        response = upload(client, data)
        assert response.status_code == 200
    return len(statements)


def test_the_preview_reads_existing_records_in_batches(app, client, admin, db, make):
    an = db.session.scalars(select(User).where(User.email == "an@example.org")).one()

    def clients_file(n: int) -> bytes:
        return xlsx(
            {
                "Clients": [
                    client_row(f"V{i}", f"A{i}", None, "an@example.org", "twe", today())
                    for i in range(n)
                ]
            }
        )

    for i in range(0, 40, 2):  # half of them exist already
        make.client(an, f"V{i}", f"A{i}")
    assert preview_queries(app, client, clients_file(40)) == preview_queries(
        app, client, clients_file(4)
    )


def test_an_imported_file_is_the_file_opened_by_hand(client, admin, db):
    """The import opens files and starts trajectories many at a time; what it makes is what the
    new-client and new-trajectory forms' services make one at a time: evaluation moments, agenda
    rows, timeline and audit trail."""
    from fieldapp.clients import services as client_services
    from fieldapp.clients.models import TimelineEvent
    from fieldapp.method import Scheme
    from fieldapp.reminders.models import Reminder
    from fieldapp.trajectories import services as trajectory_services
    from fieldapp.trajectories.models import Evaluation

    an = db.session.scalars(select(User).where(User.email == "an@example.org")).one()
    start, birth = days_from_today(-100), days_from_today(-9000)
    end = start + timedelta(days=400)
    details = client_services.ClientDetails("Mina", "Peeters", birth, "", "", "nl", "Gent")
    by_hand = client_services.create_client(admin, details, an)
    plan = trajectory_services.TrajectoryPlan(Scheme.ART60, start, end, None, None)
    trajectory_services.start(admin, by_hand, plan, None)
    db.session.commit()  # the agenda plans the file
    rows = [
        client_row(first, "Claes", birth, "an@example.org", "art60", start, end)
        for first in ("Tom", "Lea", "Jo")
    ]
    page = upload(client, xlsx({"Clients": rows}))
    assert confirm(client, page.get_data(as_text=True)).status_code == 302

    def file_of(client_id: int) -> tuple:
        found = db.session.get(Client, client_id)
        trajectory = db.session.scalars(
            select(Trajectory).where(Trajectory.client_id == client_id)
        ).one()
        evaluations = db.session.execute(
            select(Evaluation.months, Evaluation.due_on, Evaluation.done_on, Evaluation.agreed)
            .where(Evaluation.trajectory_id == trajectory.id)
            .order_by(Evaluation.months)
        ).all()
        reminders = db.session.execute(
            select(
                Reminder.kind,
                Reminder.moment,
                Reminder.event_on,
                Reminder.status,
                Reminder.channel,
                Reminder.user_id,
                Reminder.next_attempt_at,
                Reminder.organisation_id,
            )
            .where(Reminder.client_id == client_id)
            .order_by(Reminder.kind, Reminder.moment)
        ).all()
        timeline = db.session.execute(
            select(TimelineEvent.kind, TimelineEvent.data, TimelineEvent.actor_id)
            .where(TimelineEvent.client_id == client_id)
            .order_by(TimelineEvent.id)
        ).all()
        audit = db.session.execute(
            select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.organisation_id)
            .where(
                ((AuditEvent.target_type == "client") & (AuditEvent.target_id == client_id))
                | (
                    (AuditEvent.target_type == "trajectory")
                    & (AuditEvent.target_id == trajectory.id)
                )
            )
            .order_by(AuditEvent.id)
        ).all()
        assert evaluations
        assert reminders
        return (
            found.counsellor_id,
            found.organisation_id,
            (trajectory.scheme, trajectory.phase, trajectory.started_on, trajectory.planned_end_on),
            evaluations,
            reminders,
            timeline,
            audit,
        )

    imported = db.session.scalars(select(Client.id).where(Client.last_name == "Claes")).all()
    assert len(imported) == 3
    for client_id in imported:
        assert file_of(client_id) == file_of(by_hand.id)


def test_a_duplicate_only_the_service_sees_is_refused_on_its_row(client, admin, db):
    """The same name once without and once with a birth date: two rows to the preview, one
    client to the duplicate rule, which the import applies among the new files as well."""
    rows = [
        client_row("Jan", "Peeters", None, "an@example.org", "twe", today()),
        client_row("Tom", "Claes", None, "an@example.org"),
        client_row("Jan", "Peeters", days_from_today(-9000), "an@example.org", "twe", today()),
    ]
    page = upload(client, xlsx({"Clients": rows})).get_data(as_text=True)
    assert 'data-count="clients-create">3<' in page
    response = confirm(client, page)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    chunk = text[text.index('data-row="clients-4"') :]
    chunk = chunk[: chunk.index("</li>")]
    assert "This client already has a file" in chunk
    assert "This client already has a file" not in text[: text.index('data-row="clients-4"')]
    assert [count(db, m) for m in (Client, Trajectory)] == [0, 0]


def test_the_confirmation_reads_in_batches(app, client, admin, db):
    """New clients are opened and their trajectories started together: no query per row, so a
    file of 40 new clients reads as often as one of 4 (inserts aside: SQLite makes one per row)."""
    from bench.measure import counting_queries
    from fieldapp.extensions import db as _db

    with app.app_context():
        engine = _db.engine

    def reads_of_confirming(prefix: str, n: int) -> int:
        end = days_from_today(300)
        rows = [
            client_row(f"{prefix}{i}", "Claes", None, "an@example.org", "art60", today(), end)
            for i in range(n)
        ]
        page = upload(client, xlsx({"Clients": rows}))
        assert page.status_code == 200, page.get_data(as_text=True)
        with counting_queries(engine) as statements:
            assert confirm(client, page.get_data(as_text=True)).status_code == 302
        return sum(1 for s in statements if s.lstrip().upper().startswith("SELECT"))

    assert reads_of_confirming("Vier", 4) == reads_of_confirming("Veertig", 40)
    assert count(db, Trajectory) == 44


def test_the_preview_writes_a_birth_date_as_the_page_writes_dates(client, admin, db):
    """Tom's row reads 'Tom Peeters (12 Jul 1999)' in the page's language, as dates read
    everywhere else, not as the ISO date a machine writes."""
    born = days_from_today(-10000)
    text = upload(client, full_file()).get_data(as_text=True)
    assert f"({babel_date(born, 'medium', locale='en')})" in text
    assert born.isoformat() not in text
