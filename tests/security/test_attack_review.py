"""What an attacker's review found: each test shows a weakness that is now closed."""

from __future__ import annotations

import re

from fieldapp.auth.models import User
from fieldapp.feedback.models import RaterGroup
from fieldapp.feedback.rounds import Rater
from tests.audit_views import USER_AGENT, a_view_by_the_counsellor, views_of

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
