"""Pages that show a row whose stored code this release does not know: a later release wrote it
before a downgrade, or someone wrote it in the database. The page opens and shows the code as it
is; an action that depends on the code refuses with its message. (The client's file:
``tests/test_templating.py``.)"""

from __future__ import annotations

import pytest

from fieldapp.aftercare.models import AftercareRecord
from fieldapp.auth.roles import Role
from fieldapp.common.rules import RuleBroken
from fieldapp.evaluations import services as evaluations
from fieldapp.evaluations.models import RecordStatus
from fieldapp.supervisor_link.models import SupervisorReport
from tests.factories import days_from_today


def test_a_visit_with_an_unknown_status_opens_and_is_neither_done_nor_cancelled(
    client, auth, make, db
):
    world = make.world()
    world.visit.status = "postponed"
    db.session.commit()
    auth.login(world.counsellor.email)
    page = client.get(f"/visits/{world.visit.id}").get_data(as_text=True)
    assert "<dd data-visit-status>postponed</dd>" in page
    for status in ("done", "cancelled"):
        refused = client.post(f"/visits/{world.visit.id}/{status}", data={"confirm": "yes"})
        assert refused.status_code == 409
        assert "This visit is no longer planned." in refused.get_data(as_text=True)
    asked = client.get(f"/visits/{world.visit.id}/cancel")
    assert asked.status_code == 302
    assert asked.location == f"/visits/{world.visit.id}"
    moved = client.post(
        f"/visits/{world.visit.id}/edit",
        data={"day": days_from_today(9).isoformat(), "at": "10:00", "minutes": "60"},
    )
    assert moved.status_code == 422
    assert "Only a planned visit can be moved." in moved.get_data(as_text=True)
    db.session.refresh(world.visit)
    assert world.visit.status == "postponed"


def test_a_supervisors_report_of_an_unknown_kind_shows_as_its_code(client, auth, make, db):
    world = make.world()
    db.session.add(
        SupervisorReport(
            organisation_id=world.organisation.id,
            trajectory_id=world.trajectory.id,
            client_id=world.client.id,
            kind="carrier_pigeon",
            text="Komt morgen later.",
            once="a" * 32,
        )
    )
    db.session.commit()
    auth.login(world.counsellor.email)
    page = client.get(f"/trajectories/{world.trajectory.id}/supervisor-link")
    assert page.status_code == 200
    assert "<strong>carrier_pigeon</strong>" in page.get_data(as_text=True)
    evaluation = client.get(f"/evaluations/{world.evaluation.id}/record")
    assert evaluation.status_code == 200
    assert "<strong>carrier_pigeon</strong>" in evaluation.get_data(as_text=True)


def test_aftercare_of_an_unknown_situation_sector_and_contract_shows_their_codes(
    client, auth, make, db
):
    world = make.world()
    db.session.add(
        AftercareRecord(
            organisation_id=world.organisation.id,
            trajectory_id=world.trajectory.id,
            client_id=world.client.id,
            recorded_on=days_from_today(-1),
            situation="emigrated",
            sector="space",
            contract="gig",
        )
    )
    db.session.commit()
    auth.login(world.counsellor.email)
    page = client.get(f"/trajectories/{world.trajectory.id}/aftercare")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert ": emigrated</span>" in text
    assert "space · gig" in text


def test_an_evaluation_record_with_an_unknown_decision_opens_and_asks_for_one_to_close(
    client, auth, make, db
):
    world = make.world()
    record = make.evaluation_record(world)
    record.decision = "pause"
    db.session.commit()
    auth.login(world.counsellor.email)
    page = client.get(f"/evaluation-records/{record.id}")
    assert page.status_code == 200
    assert "<dd>pause</dd>" in page.get_data(as_text=True)

    record.status = RecordStatus.DRAFT.value
    db.session.commit()
    with pytest.raises(RuleBroken) as refused:
        evaluations.close(world.counsellor, record.evaluation, record)
    assert refused.value.field == "decision"


def test_a_person_of_an_unknown_role_is_listed_with_it(client, auth, make, db):
    world = make.world()
    admin = make.user(world.organisation, role=Role.ADMIN)
    world.counsellor.role = "auditor"
    db.session.commit()
    auth.login(admin.email)
    page = client.get("/admin/users/")
    assert page.status_code == 200
    assert '<span class="tag">auditor</span>' in page.get_data(as_text=True)


def test_a_person_of_an_unknown_role_is_refused_as_an_inactive_account_is(client, auth, make, db):
    """A role this release does not know grants nothing: its holder cannot sign in, and a
    session opened before the role was written stops working (not a 500 on every page)."""
    world = make.world()
    auth.login(world.counsellor.email)
    assert client.get(f"/clients/{world.client.id}").status_code == 200
    world.counsellor.role = "auditor"
    db.session.commit()

    opened = client.get(f"/clients/{world.client.id}")
    assert opened.status_code == 302
    assert opened.headers["Location"].startswith("/login")
    refused = auth.login(world.counsellor.email)
    assert refused.status_code == 401
    assert "is not correct" in refused.get_data(as_text=True)
    assert client.get("/").status_code == 302
