"""Aftercare records after a trajectory ended, their refusals, the reminder that leads to them,
and the yearly report's transitions to regular work counted from them (on the page, in CSV and
in XLSX)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.aftercare.models import AftercareRecord
from fieldapp.auth.roles import Role
from fieldapp.common.dates import add_months, today
from fieldapp.common.tenancy import activate_tenant
from fieldapp.method import Outcome
from fieldapp.reminders import messages
from fieldapp.reminders.models import Reminder
from fieldapp.reports.services import yearly
from fieldapp.trajectories import services as trajectories
from tests.factories import days_from_today
from tests.spreadsheets import csv_records, sheet_rows


def ended_file(make, db, counsellor=None, *, ended_on: date | None = None):
    counsellor = counsellor or make.user()
    client = make.client(counsellor)
    ended_on = ended_on or days_from_today(-100)
    trajectory = make.trajectory(counsellor, client, started_on=ended_on - timedelta(days=200))
    trajectories.end(counsellor, trajectory, ended_on, Outcome.REGULAR_JOB)
    db.session.commit()
    return counsellor, client, trajectory


def records(db) -> list[AftercareRecord]:
    db.session.expire_all()
    return list(db.session.scalars(select(AftercareRecord).order_by(AftercareRecord.id)))


def test_aftercare_is_recorded_from_the_reminder_and_the_file(app, client, auth, db, make):
    counsellor, person, trajectory = ended_file(make, db)
    auth.login(counsellor.email)
    reminder = db.session.scalars(
        select(Reminder).where(Reminder.kind == "aftercare", Reminder.subject_id == trajectory.id)
    ).first()
    assert reminder is not None
    assert reminder.moment == add_months(trajectory.ended_on, 6)  # the 3 months' moment is past
    url = f"/trajectories/{trajectory.id}/aftercare"
    with app.test_request_context():
        assert messages.url_of(reminder) == url
    assert url in client.get(f"/clients/{person.id}").get_data(as_text=True)

    form = client.get(url)
    assert form.status_code == 200
    response = client.post(
        url,
        data={
            "recorded_on": today().isoformat(),
            "situation": "regular_job",
            "sector": "care",
            "contract": "fixed_term",
        },
    )
    assert response.status_code == 303
    [entry] = records(db)
    assert (entry.trajectory_id, entry.client_id, entry.recorded_on) == (
        trajectory.id,
        person.id,
        today(),
    )
    assert (entry.situation, entry.sector, entry.contract) == ("regular_job", "care", "fixed_term")
    page = client.get(url).get_data(as_text=True)
    assert "Care and health · Fixed term" in page

    client.post(
        url, data={"recorded_on": today().isoformat(), "situation": "training", "sector": "care"}
    )
    assert (records(db)[-1].situation, records(db)[-1].sector) == ("training", None)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"recorded_on": "before end"}, "Aftercare follows the end of the trajectory"),
        ({"situation": "lottery"}, "Not a valid choice"),
        ({"sector": ""}, "Choose the sector of the job."),
        ({"contract": "handshake"}, "Not a valid choice"),
        ({"recorded_on": "tomorrow"}, "Choose a date between"),
    ],
)
def test_wrong_aftercare_is_refused_and_nothing_is_saved(client, auth, db, make, data, message):
    counsellor, _person, trajectory = ended_file(make, db)
    if data.get("recorded_on") == "before end":
        data = {"recorded_on": (trajectory.ended_on - timedelta(days=1)).isoformat()}
    elif data.get("recorded_on") == "tomorrow":
        data = {"recorded_on": days_from_today(1).isoformat()}
    auth.login(counsellor.email)
    response = client.post(
        f"/trajectories/{trajectory.id}/aftercare",
        data={
            "recorded_on": today().isoformat(),
            "situation": "regular_job",
            "sector": "retail",
            "contract": "interim",
            **data,
        },
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert records(db) == []


def test_no_aftercare_before_the_trajectory_ended(client, auth, db, make):
    world = make.world()
    auth.login(world.counsellor.email)
    response = client.post(
        f"/trajectories/{world.trajectory.id}/aftercare",
        data={"recorded_on": today().isoformat(), "situation": "unknown"},
    )
    assert response.status_code == 422
    assert "once the trajectory has ended" in response.get_data(as_text=True)
    assert records(db) == []


def record(db, trajectory, on: date, situation: str, sector=None, contract=None) -> None:
    db.session.add(
        AftercareRecord(
            organisation_id=trajectory.organisation_id,
            trajectory_id=trajectory.id,
            client_id=trajectory.client_id,
            recorded_on=on,
            situation=situation,
            sector=sector,
            contract=contract,
        )
    )
    db.session.commit()


@pytest.fixture
def this_year(make, db):
    """Five ended files: this year, one client found in a job and later still in it (counted
    once), one first in training and then in a job, one first in a job and then on benefits (not
    counted), one in a job last year only (not counted), and one of another counsellor."""
    lead = make.user(role=Role.TEAM_LEAD, email="lead@example.org")
    counsellor = make.user(lead.organisation, email="an@example.org")
    first_day = date(today().year, 1, 1)
    last_year = first_day - timedelta(days=1)
    files = [
        ended_file(make, db, counsellor, ended_on=last_year - timedelta(days=40))[2]
        for _ in range(4)
    ]
    other = ended_file(make, db, lead, ended_on=last_year - timedelta(days=40))[2]
    stays, trains, stops, earlier = files
    record(db, stays, first_day, "regular_job", "care", "permanent")
    record(db, stays, today(), "regular_job", "care", "permanent")
    record(db, trains, first_day, "training")
    record(db, trains, today(), "regular_job", "logistics", "interim")
    record(db, stops, first_day, "regular_job", "retail", "fixed_term")
    record(db, stops, today(), "benefits")
    record(db, earlier, last_year, "regular_job", "retail", "permanent")
    record(db, other, today(), "regular_job", "office", "permanent")
    make.world()  # another organisation, which must not count
    return lead, counsellor


def test_the_yearly_report_counts_transitions_from_aftercare(app, db, this_year):
    lead, counsellor = this_year
    with app.test_request_context():
        activate_tenant(lead.organisation_id)
        report = yearly(today().year)
        assert report.to_regular_work == 3
        sectors = {str(k): v for k, v in report.regular_work_per_sector.items() if v}
        assert sectors == {"care": 1, "logistics": 1, "office": 1}
        contracts = {str(k): v for k, v in report.regular_work_per_contract.items() if v}
        assert contracts == {"permanent": 2, "interim": 1}
        assert yearly(today().year, counsellor.id).to_regular_work == 2
        assert yearly(today().year - 1).to_regular_work == 1
        # The other figures still count trajectories: five ended last year in a regular job.
        assert yearly(today().year - 1).ended_per_outcome["regular_job"] == 5
    assert db.session.scalar(select(func.count()).select_from(AftercareRecord)) == 8


def test_the_transitions_on_the_page_and_in_the_exports(client, auth, this_year):
    auth.login("lead@example.org")
    year = today().year
    page = client.get(f"/reports/yearly?year={year}").get_data(as_text=True)
    transitions = page.split("data-transitions", 1)[1].split("</section>", 1)[0]
    assert "Transitions to regular work: 3" in transitions
    assert "Care and health" in transitions
    assert "Interim" in transitions

    response = client.get(f"/reports/yearly.csv?year={year}")
    assert response.status_code == 200
    lines = {(r["Figure"], r["Category"]): int(r["Number"]) for r in csv_records(response.data)}
    assert lines[("Transitions to regular work", "Regular job")] == 3
    assert lines[("Transitions to regular work, per sector", "Care and health")] == 1
    assert lines[("Transitions to regular work, per sector", "Retail")] == 0
    assert lines[("Transitions to regular work, per kind of contract", "Permanent")] == 2
    assert lines[("Clients per scheme", "Article 60§7")] == 0

    response = client.get(f"/reports/yearly.xlsx?year={year}&counsellor=")
    rows = sheet_rows(response.data)
    header, body = rows[0], rows[1:]
    figure, category, number = (header.index(name) for name in ("Figure", "Category", "Number"))
    cells = {(row[figure], row[category]): row[number] for row in body}
    assert cells[("Transitions to regular work", "Regular job")] == 3
    assert cells[("Transitions to regular work, per kind of contract", "Interim")] == 1
    assert cells[("Transitions to regular work, per sector", "Office and administration")] == 1


def test_export_holds_goals_and_aftercare_and_anonymising_keeps_only_the_figures(
    app, client, auth, db, make
):
    import io
    import json
    import zipfile

    from fieldapp.development_plan.models import Goal
    from fieldapp.privacy.services import anonymise

    counsellor, person, trajectory = ended_file(make, db, ended_on=days_from_today(-10))
    goal = Goal(
        organisation_id=trajectory.organisation_id,
        trajectory_id=trajectory.id,
        client_id=person.id,
        text="Rijbewijs halen",
        actor="client",
    )
    db.session.add(goal)
    db.session.commit()
    record(db, trajectory, today(), "regular_job", "construction", "permanent")
    auth.login(counsellor.email)
    response = client.get(f"/clients/{person.id}/export")
    held = json.loads(zipfile.ZipFile(io.BytesIO(response.data)).read("client.json"))
    assert [g["text"] for g in held["goals"]] == ["Rijbewijs halen"]
    assert [a["sector"] for a in held["aftercare"]] == ["construction"]

    with app.test_request_context():
        anonymise(counsellor, person)
        db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Goal)) == 0
    assert [entry.situation for entry in records(db)] == ["regular_job"]
    with app.test_request_context():
        activate_tenant(counsellor.organisation_id)
        assert yearly(today().year).to_regular_work == 1
