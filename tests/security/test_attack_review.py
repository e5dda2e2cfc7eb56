"""What an attacker's review found: each test shows a weakness that is now closed."""

from __future__ import annotations

import re
from datetime import time

from sqlalchemy import select

from fieldapp.audit.models import AuditEvent
from fieldapp.auth.models import User
from fieldapp.auth.roles import Role
from fieldapp.clients import services as client_services
from fieldapp.feedback.models import RaterGroup
from fieldapp.feedback.rounds import Rater
from fieldapp.organisation.models import Team
from fieldapp.reminders import notices
from fieldapp.visits import services as visit_services
from fieldapp.visits.models import FollowUp
from tests.audit_views import USER_AGENT, a_view_by_the_counsellor, views_of
from tests.factories import days_from_today

NEW_PASSWORD = "een nieuwe zin om te onthouden"


def _feed_path(client, auth, counsellor: User) -> str:
    auth.login(counsellor.email)
    page = client.post("/visits/calendar", data={"action": "new"}).get_data(as_text=True)
    auth.logout()
    return re.search(r'value="http://localhost(/calendar/[^"]+\.ics)"', page).group(1)


def test_the_calendar_feed_of_a_person_of_an_unknown_role_stops(client, auth, make, db):
    """A role this release does not know grants nothing: not a sign-in, nor the feed of one's
    visits (times and worksites), as for a deactivated account."""
    world = make.world()
    path = _feed_path(client, auth, world.counsellor)
    assert client.get(path).status_code == 200
    world.counsellor.role = "auditor"
    db.session.commit()

    assert client.get(path).status_code == 404


def test_a_reset_link_does_not_change_the_password_of_a_person_of_an_unknown_role(
    client, make, db, sent_mail, send_resets
):
    """Before, the link changed the password and said "you are signed in", and the next page sent
    the person back to sign in: the link now says it no longer works, and changes nothing."""
    person = make.user(email="an@example.org")
    client.post("/password/forgot", data={"email": "an@example.org"})
    send_resets()
    link = re.search(r"http://localhost(/\S+)", sent_mail()[-1].body).group(1)
    person.role = "auditor"
    db.session.commit()
    before = person.password_hash

    assert client.get(link).status_code == 302
    answer = client.post(
        "/password/reset", data={"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD}
    )
    assert answer.status_code == 410
    db.session.refresh(person)
    assert person.password_hash == before
    assert client.get("/").status_code == 302  # not signed in


def test_reading_or_downloading_a_360_report_is_audited_as_an_opening_of_the_file(
    client, auth, make, db
):
    """The report holds what the client's raters said of them; its CSV and XLSX leave the
    server. Like the file and its documents, each reading leaves a line in the audit log."""
    world = make.world()
    auth.login(world.counsellor.email)
    url = f"/feedback/rounds/{world.feedback_round.id}/report"
    for path in (url, f"{url}.csv", f"{url}.xlsx"):
        assert client.get(path, headers={"User-Agent": USER_AGENT}).status_code == 200
    assert views_of(db, world.client.id) == 3 * [a_view_by_the_counsellor(world)]


def test_a_new_link_for_an_anonymous_rater_does_not_show_the_counsellor_their_saved_answers(
    app, client, auth, make, db
):
    """The counsellor makes a new link to show a colleague as a QR code, and holds it first:
    opened, it showed what that named colleague had saved for later, their scores and comments,
    which the report only ever shows counted with others once the round is closed."""
    world = make.world()
    feedback_round, secrets_of = make.feedback_round(world, Rater(RaterGroup.COLLEAGUE, "Jan"))
    (colleague,) = [i for i in feedback_round.invitations if i.group is RaterGroup.COLLEAGUE]
    key = feedback_round.competences[0]["key"]
    rater = app.test_client()
    saved = rater.post(
        f"/f/{secrets_of[colleague.id]}",
        data={"action": "save", f"score-{key}": "2", f"comment-{key}": "komt elke dag te laat"},
    )
    assert saved.status_code == 200
    db.session.refresh(colleague)
    assert colleague.draft["comments"] == {key: "komt elke dag te laat"}

    auth.login(world.counsellor.email)
    page = client.post(f"/feedback/invitations/{colleague.id}/link").get_data(as_text=True)
    path = re.search(r"http://localhost(/f/[A-Za-z0-9_-]+)", page).group(1)
    form = client.get(path)

    assert form.status_code == 200
    assert "komt elke dag te laat" not in form.get_data(as_text=True)
    assert 'value="2" checked' not in form.get_data(as_text=True)


def test_a_hand_over_takes_the_planned_visits_and_agreed_actions_off_the_previous_phone(
    app, client, auth, make, db
):
    """After a hand-over the previous counsellor may no longer open the file, yet their home
    screen kept naming the client (a visit this week, an agreed action), their phone kept the
    visit's page for offline use (refreshing it got a 404, so the old copy stayed), and their
    calendar feed kept the visits. They go to the new counsellor, who makes them now."""
    world = make.world()
    successor = make.user(world.organisation, email="next@example.org")
    with app.test_request_context():
        visit = visit_services.plan(
            world.counsellor,
            world.client,
            visit_services.VisitPlan(days_from_today(2), time(10), 60, ""),
        )
        db.session.commit()
    visit_page = f"/visits/{visit.id}"
    auth.login(world.counsellor.email)
    assert visit_page in client.get("/api/offline-pages").get_json()["pages"]
    assert world.client.full_name in client.get("/").get_data(as_text=True)
    feed = _feed_path(client, auth, world.counsellor)
    assert f"visit-{visit.id}@" in client.get(feed).get_data(as_text=True)

    auth.login(world.counsellor.email)
    handed = client.post(
        f"/clients/{world.client.id}/handover", data={"to": str(successor.id), "note": "Voor jou"}
    )
    assert handed.status_code == 302
    client.get("/")  # the message that says it was handed over (it names the client)

    assert client.get(visit_page).status_code == 404
    assert visit_page not in client.get("/api/offline-pages").get_json()["pages"]
    assert world.client.full_name not in client.get("/").get_data(as_text=True)
    assert f"visit-{visit.id}@" not in client.get(feed).get_data(as_text=True)

    auth.logout()
    auth.login(successor.email)
    assert visit_page in client.get("/api/offline-pages").get_json()["pages"]
    home = client.get("/").get_data(as_text=True)
    assert world.client.full_name in home
    assert "Werkschoenen kopen" in home  # the agreed action (tests/factories.py)


def test_a_floor_supervisors_message_not_read_yet_goes_with_the_hand_over(
    app, client, auth, make, db
):
    """The previous counsellor's notifications kept "Message from a floor supervisor · <client>"
    for a file they may no longer open, and the new counsellor never heard of it."""
    world = make.world()
    successor = make.user(world.organisation, email="next@example.org")
    with app.test_request_context():
        notices.tell(
            organisation_id=world.organisation.id,
            user_id=world.counsellor.id,
            client_id=world.client.id,
            kind=notices.SUPERVISOR,
            subject_id=world.trajectory.id,
            about="report-1",
        )
        db.session.commit()
    auth.login(world.counsellor.email)
    assert world.client.full_name in client.get("/notifications").get_data(as_text=True)

    client.post(
        f"/clients/{world.client.id}/handover", data={"to": str(successor.id), "note": "Voor jou"}
    )
    client.get("/")  # the message that says it was handed over (it names the client)

    assert world.client.full_name not in client.get("/notifications").get_data(as_text=True)
    auth.logout()
    auth.login(successor.email)
    page = client.get("/notifications").get_data(as_text=True)
    assert f"Message from a floor supervisor · {world.client.full_name}" in page


def test_removing_a_share_gives_the_colleagues_open_agreed_actions_to_the_counsellor(
    client, auth, make, db
):
    """The colleague may no longer open the file, yet their home screen kept naming the client
    with the actions they had agreed at a visit, and the counsellor never saw them. The open ones
    go to the counsellor, as at a hand-over, and the audit log says so; done ones stay theirs."""
    world = make.world()
    colleague = world.share.user
    open_action = make.follow_up(colleague, world.visit, "Attest ophalen bij de huisarts")
    done_action = make.follow_up(colleague, world.visit, "Busabonnement nagevraagd")
    done_action.done_at = done_action.created_at
    db.session.commit()
    auth.login(colleague.email)
    assert world.client.full_name in client.get("/").get_data(as_text=True)
    auth.logout()

    auth.login(world.counsellor.email)
    removed = client.post(f"/clients/{world.client.id}/shares/{world.share.id}/delete")
    assert removed.status_code == 302
    assert "Attest ophalen bij de huisarts" in client.get("/").get_data(as_text=True)
    auth.logout()

    auth.login(colleague.email)
    home = client.get("/").get_data(as_text=True)
    assert world.client.full_name not in home
    assert "Attest ophalen" not in home
    db.session.expire_all()
    owners = {
        action.text: action.owner_id
        for action in db.session.scalars(
            select(FollowUp).where(FollowUp.id.in_([open_action.id, done_action.id]))
        )
    }
    assert owners == {
        "Attest ophalen bij de huisarts": world.counsellor.id,
        "Busabonnement nagevraagd": colleague.id,
    }
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "client.unshared")
    ).one()
    assert (event.actor_id, event.target_id) == (world.counsellor.id, world.client.id)
    assert event.detail == {"with": colleague.id, "follow_ups_to": world.counsellor.id}


def test_a_team_lead_who_still_opens_the_file_keeps_their_agreed_actions(app, make, db):
    """Their role still lets them open it: what they agreed stays on their own list."""
    world = make.world()
    team = Team(organisation_id=world.organisation.id, name="Team Noord")
    db.session.add(team)
    db.session.flush()
    world.counsellor.team_id = team.id
    lead = make.user(world.organisation, role=Role.TEAM_LEAD, email="lead@example.org")
    lead.team_id = team.id
    db.session.commit()
    with app.test_request_context():
        grant = client_services.share(world.counsellor, world.client, lead, False)
        db.session.commit()
    action = make.follow_up(lead, world.visit, "Overleg met de werkgever")

    with app.test_request_context():
        client_services.unshare(world.counsellor, world.client, grant)
        db.session.commit()

    db.session.expire_all()
    assert db.session.get(FollowUp, action.id).owner_id == lead.id
