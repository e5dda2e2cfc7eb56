"""The client's file shows its trajectories (``caseload.file_trajectories``): the open one with its
worksite, floor supervisor, evaluations, working time and link, the earlier ones under it; and
nothing of another organisation's rows that point at this file's trajectories."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import update

from fieldapp.common.dates import today
from fieldapp.common.time import now_utc
from fieldapp.supervisor_link.models import SupervisorLink
from fieldapp.trajectories.models import Evaluation, RegimePeriod, Trajectory
from fieldapp.worksites.models import Contact


def _section(page: str) -> str:
    """The trajectory card and the list of earlier trajectories, as the page shows them."""
    card = page.split('aria-labelledby="trajectory-heading"', 1)[1].split("</section>", 1)[0]
    past = page.split('aria-labelledby="past-heading"', 1)[1:]
    return card + "\n----\n" + "".join(p.split("</section>", 1)[0] for p in past)


def _traj(db, world, started_days: int, ended_days: int | None, **extra) -> Trajectory:
    trajectory = Trajectory(
        organisation_id=world.organisation.id,
        client_id=world.client.id,
        scheme="art60",
        phase=2,
        started_on=today() + timedelta(days=started_days),
        planned_end_on=None,
        ended_on=None if ended_days is None else today() + timedelta(days=ended_days),
        outcome=None if ended_days is None else "training",
        **extra,
    )
    db.session.add(trajectory)
    db.session.flush()
    return trajectory


def test_the_trajectory_card_and_the_earlier_trajectories(client, db, auth, make):
    world = make.world()
    auth.login(world.counsellor.email)
    org = world.organisation.id
    trajectory = world.trajectory

    def page() -> str:
        response = client.get(f"/clients/{world.client.id}")
        assert response.status_code == 200
        return _section(response.get_data(as_text=True))

    # A supervisor contact with an empty name.
    db.session.execute(update(Contact).where(Contact.id == world.contact.id).values(name=""))
    db.session.commit()
    shown = page()
    assert "<dt>Floor supervisor</dt><dd></dd>" in shown  # an empty name, not "—"

    # No worksite, no supervisor.
    db.session.execute(
        update(Trajectory)
        .where(Trajectory.id == trajectory.id)
        .values(worksite_id=None, supervisor_id=None)
    )
    db.session.commit()
    shown = page()
    assert "<dt>Worksite</dt><dd>—</dd>" in shown
    assert "<dt>Floor supervisor</dt><dd>—</dd>" in shown

    # Several evaluations, two due on one day, one held; order by due date.
    due = today() + timedelta(days=5)
    for months, done in ((30, None), (31, today() - timedelta(days=1)), (29, None)):
        db.session.add(
            Evaluation(
                organisation_id=org,
                trajectory_id=trajectory.id,
                months=months,
                due_on=due,
                done_on=done,
            )
        )
    db.session.commit()
    shown = page()
    listed = re.findall(r"After (\d+) month", shown)
    assert listed[-3:] == ["30", "31", "29"]  # by due date, then as made

    # Hours: several regime periods starting on the same day (the last made wins), one later.
    for hours, days in (("20", -2), ("24", -2), ("38", 3)):
        db.session.add(
            RegimePeriod(
                organisation_id=org,
                trajectory_id=trajectory.id,
                starts_on=today() + timedelta(days=days),
                hours_per_week=Decimal(hours),
            )
        )
    db.session.commit()
    shown = page()
    assert "<dt>Working time</dt><dd>24 hours a week" in shown  # of two the same day, the last

    # A link given, then revoked.
    link = SupervisorLink(
        organisation_id=org, trajectory_id=trajectory.id, token_hash=uuid.uuid4().hex * 2
    )
    db.session.add(link)
    db.session.commit()
    shown = page()
    assert "The link, the pulses and what the supervisor reported" in shown
    link.revoked_at = now_utc()
    db.session.commit()
    shown = page()
    assert "Give the floor supervisor a link" in shown

    # Earlier trajectories with evaluations, two started on one day.
    made = []
    for ended in (-400, -380):
        earlier = _traj(db, world, -500, ended)
        made.append(earlier.id)
        db.session.add(
            Evaluation(
                organisation_id=org,
                trajectory_id=earlier.id,
                months=1,
                due_on=earlier.started_on + timedelta(days=30),
            )
        )
    made.append(_traj(db, world, -600, -550).id)
    db.session.commit()
    shown = page()
    past = shown.split("----", 1)[1]
    # Newest first; of two started the same day, the one made first.
    listed = re.findall(r"/trajectories/(\d+)/handover-summary", past)
    assert listed == [str(i) for i in (made[0], made[1], made[2])]


def test_nothing_of_another_organisation_shows_on_the_file(client, db, auth, make):
    """Rows of another organisation that point at this file's trajectory (a bug or a crafted
    import could write them: the foreign keys do not hold the organisation) show nowhere."""
    world = make.world()
    other = make.world()  # another organisation
    theirs = other.organisation.id
    ours = world.trajectory

    # Our trajectory pointing at their worksite and supervisor.
    db.session.execute(
        update(Trajectory)
        .where(Trajectory.id == ours.id)
        .values(worksite_id=other.worksite.id, supervisor_id=other.contact.id)
    )
    db.session.execute(
        update(Contact).where(Contact.id == other.contact.id).values(name="THEIR SUPERVISOR")
    )
    # Their evaluation, regime period and (live) supervisor link on our trajectory.
    db.session.add(
        Evaluation(
            organisation_id=theirs,
            trajectory_id=ours.id,
            months=77,
            due_on=today() + timedelta(days=1),
        )
    )
    db.session.add(
        RegimePeriod(
            organisation_id=theirs,
            trajectory_id=ours.id,
            starts_on=today(),
            hours_per_week=Decimal("37.5"),
        )
    )
    db.session.add(
        SupervisorLink(organisation_id=theirs, trajectory_id=ours.id, token_hash="f" * 64)
    )
    # Their trajectory on our client, started later (it would be listed first).
    db.session.add(
        Trajectory(
            organisation_id=theirs,
            client_id=world.client.id,
            scheme="art60",
            phase=3,
            started_on=today() - timedelta(days=10),
            ended_on=today() - timedelta(days=1),
            outcome="training",
        )
    )
    db.session.commit()
    their_worksite = other.worksite.name

    auth.login(world.counsellor.email)
    page = client.get(f"/clients/{world.client.id}").get_data(as_text=True)
    section = _section(page)
    assert their_worksite not in page
    assert "THEIR SUPERVISOR" not in page
    assert "After 77 month" not in page
    assert "77 maand" not in page
    assert "37,5" not in section
    assert "37.5" not in section
    assert "Give the floor supervisor a link" in section or "link geven" in section.lower()
    assert section.count("data-current-phase") == 1
    # Only our own earlier trajectories: none.
    assert "----\n" in section
    assert section.split("----\n", 1)[1].strip() == ""
