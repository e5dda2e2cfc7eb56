from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from fieldapp.clients.models import TimelineEvent
from fieldapp.common.dates import today
from fieldapp.trajectories.models import Trajectory


@pytest.fixture
def counsellor(make):
    return make.user(email="an@example.org")


@pytest.fixture
def signed_in(auth, counsellor):
    auth.login("an@example.org")
    return counsellor


def start(client, client_id, **fields):
    data = {"scheme": "art60", "started_on": "2026-01-05", "planned_end_on": "2027-01-04"}
    data.update(fields)
    return client.post(f"/clients/{client_id}/trajectories/new", data=data)


def test_start_plans_the_evaluation_moments(client, make, db, signed_in):
    person = make.client(signed_in)
    response = start(client, person.id, hours_per_week="19")
    assert response.status_code == 302
    trajectory = db.session.scalars(select(Trajectory)).one()
    due = [(e.months, e.due_on) for e in trajectory.evaluations]
    # art. 60: 1, 3, 6 and 12 months in; 18 months falls after the planned end.
    assert (
        due
        == [
            (1, date(2026, 2, 5)),
            (3, date(2026, 4, 5)),
            (6, date(2026, 7, 5)),
            (12, date(2027, 1, 5)),
        ][: len(due)]
    )
    assert [m for m, _ in due] == [1, 3, 6]
    assert trajectory.regimes[0].hours_per_week == 19


def test_art60_lasts_at_most_two_years(client, make, db, signed_in):
    person = make.client(signed_in)
    response = start(client, person.id, planned_end_on="2028-01-06")
    assert response.status_code == 422
    assert "at most two years" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Trajectory)) == 0
    assert start(client, person.id, planned_end_on="2028-01-05").status_code == 302


def test_art60_needs_a_planned_end(client, make, signed_in):
    person = make.client(signed_in)
    response = start(client, person.id, planned_end_on="")
    assert response.status_code == 422
    assert "needs a planned end date" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"planned_end_on": "2025-12-31"}, "planned end is before the start"),
        ({"started_on": "05/01/2026"}, "Not a valid date"),
        ({"started_on": ""}, "This field is required"),
        ({"scheme": "fulltime"}, "Not a valid choice"),
        ({"worksite_id": "999999"}, "Not a valid choice"),
        ({"hours_per_week": "80"}, "between 0.5 and 60"),
    ],
)
def test_bad_input_gets_a_message_and_nothing_is_saved(
    client, make, db, signed_in, fields, message
):
    person = make.client(signed_in)
    response = start(client, person.id, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Trajectory)) == 0


def test_a_worksite_of_another_organisation_is_refused(client, make, db, signed_in):
    foreign = make.worksite(make.user(), name="Elders")
    person = make.client(signed_in)
    response = start(client, person.id, worksite_id=str(foreign.id))
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Trajectory)) == 0


def test_one_open_trajectory_per_client(client, make, db, signed_in):
    person = make.client(signed_in)
    start(client, person.id)
    response = start(client, person.id, scheme="twe")
    assert response.status_code == 422
    assert "already has an open trajectory" in response.get_data(as_text=True)


def test_phase_change_is_in_the_timeline(client, make, db, signed_in):
    person = make.client(signed_in)
    trajectory = make.trajectory(signed_in, person)
    assert (
        client.post(f"/trajectories/{trajectory.id}/phase", data={"phase": "3"}).status_code == 302
    )
    page = client.get(f"/clients/{person.id}").get_data(as_text=True)
    assert "Phase changed" in page
    assert "1 → 3 (Placement)" in page
    assert (
        client.post(f"/trajectories/{trajectory.id}/phase", data={"phase": "9"}).status_code == 400
    )


def test_ending_needs_an_outcome_and_a_date_after_the_start(client, make, db, signed_in):
    person = make.client(signed_in)
    trajectory = make.trajectory(signed_in, person, started_on=date(2026, 1, 5))
    url = f"/trajectories/{trajectory.id}/end"
    assert client.post(url, data={"ended_on": "2026-06-30", "outcome": ""}).status_code == 422
    response = client.post(url, data={"ended_on": "2025-06-30", "outcome": "regular_job"})
    assert "end is before the start" in response.get_data(as_text=True)
    assert (
        client.post(url, data={"ended_on": "2026-06-30", "outcome": "regular_job"}).status_code
        == 302
    )
    db.session.refresh(trajectory)
    assert (trajectory.ended_on, trajectory.outcome) == (date(2026, 6, 30), "regular_job")
    # Evaluations after the end are no longer planned; the ended trajectory cannot change.
    assert all(e.due_on <= date(2026, 6, 30) for e in trajectory.evaluations)
    assert (
        client.post(f"/trajectories/{trajectory.id}/phase", data={"phase": "2"}).status_code == 409
    )
    # A new trajectory may start now.
    assert start(client, person.id, scheme="twe", started_on="2026-07-01").status_code == 302


def test_changing_the_start_moves_the_planned_evaluations(client, make, db, signed_in):
    person = make.client(signed_in)
    trajectory = make.trajectory(
        signed_in, person, started_on=date(2026, 1, 5), planned_end_on=date(2027, 1, 4)
    )
    first = trajectory.evaluations[0]
    client.post(f"/evaluations/{first.id}", data={"held_on": "2026-02-06", "note": "goed gestart"})
    response = client.post(
        f"/trajectories/{trajectory.id}/edit",
        data={"scheme": "art60", "started_on": "2026-03-02", "planned_end_on": "2027-03-01"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    trajectory = db.session.get(Trajectory, trajectory.id)
    moments = [(e.months, e.due_on, e.done_on) for e in trajectory.evaluations]
    assert (1, date(2026, 2, 5), date(2026, 2, 6)) in moments  # held: kept as it was
    assert (3, date(2026, 6, 2), None) in moments
    assert len([m for m in moments if m[0] == 1]) == 1  # no doubles


def test_working_time_changes_over_time(client, make, db, signed_in):
    person = make.client(signed_in)
    trajectory = make.trajectory(signed_in, person, started_on=date(2026, 1, 5))
    url = f"/trajectories/{trajectory.id}/regime"
    assert (
        client.post(url, data={"starts_on": "2026-03-01", "hours_per_week": "28.5"}).status_code
        == 302
    )
    response = client.post(url, data={"starts_on": "2025-03-01", "hours_per_week": "30"})
    assert "cannot start before the trajectory" in response.get_data(as_text=True)
    db.session.refresh(trajectory)
    assert [str(r.hours_per_week) for r in trajectory.regimes] == ["19.0", "28.5"]
    timeline = db.session.scalars(select(TimelineEvent.kind)).all()
    assert "regime_changed" in timeline


def test_checklist_answers_are_kept_and_limited(client, make, db, signed_in):
    person = make.client(signed_in)
    trajectory = make.trajectory(signed_in, person)
    url = f"/trajectories/{trajectory.id}/checklist/2"
    assert (
        client.post(url, data={"diplomas": "secundair", "driving_licence": "B"}).status_code == 302
    )
    response = client.post(url, data={"diplomas": "x" * 501})
    assert response.status_code == 422
    assert "at most 500 characters" in response.get_data(as_text=True)
    page = client.get(f"/clients/{person.id}?phase=2").get_data(as_text=True)
    assert "secundair" in page
    assert client.get(f"/trajectories/{trajectory.id}/checklist/7").status_code == 404


def test_the_file_shows_the_working_time_of_today(client, make, db, signed_in):
    person = make.client(signed_in)
    trajectory = make.trajectory(signed_in, person, started_on=today() - timedelta(days=60))
    url = f"/trajectories/{trajectory.id}/regime"
    for days, hours in ((-10, "24"), (10, "32")):  # one begun, one still to come
        starts_on = (today() + timedelta(days=days)).isoformat()
        response = client.post(url, data={"starts_on": starts_on, "hours_per_week": hours})
        assert response.status_code == 302
    page = client.get(f"/clients/{person.id}").get_data(as_text=True)
    assert "<dd>24 hours a week · " in page  # the timeline names both changes; the facts, today's
