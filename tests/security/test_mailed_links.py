"""Every link fieldapp mails, or shows to hand over, starts at ``FIELDAPP_BASE_URL``, whatever
Host the request carried. Invitations, 360° links, floor-supervisor links and hand-overs were
made from the request's Host (behind the proxy, X-Forwarded-Host): a request with another Host
had fieldapp mail a rater or a supervisor a link, with its secret, to that Host's server."""

from __future__ import annotations

import pytest

from fieldapp.auth.roles import Role
from fieldapp.feedback import rounds
from fieldapp.feedback.models import RaterGroup
from tests.factories import DEFAULT_PASSWORD

CONFIGURED = "https://fieldapp.ocmw.example"
FORGED = "http://forged.example"


class ForgedHost:
    """The test client, each request carrying the Host ``FORGED`` (signed in there too)."""

    def __init__(self, client) -> None:
        self._client = client

    def post(self, path: str, **kwargs):
        return self._client.post(path, base_url=FORGED, **kwargs)

    def login(self, email: str) -> None:
        response = self.post("/login", data={"email": email, "password": DEFAULT_PASSWORD})
        assert response.status_code == 302


@pytest.fixture
def forged(app, client) -> ForgedHost:
    app.config["FIELDAPP_BASE_URL"] = CONFIGURED  # the app fixture restores it after the test
    return ForgedHost(client)


def assert_linked_at_the_base(text: str, path: str) -> None:
    assert f"{CONFIGURED}{path}" in text
    assert "forged.example" not in text


def test_an_invitation_links_to_the_configured_address(forged, make, sent_mail):
    admin = make.user(role=Role.ADMIN, email="admin@ocmw.example")
    forged.login(admin.email)

    invited = forged.post(
        "/admin/users/invite",
        data={"name": "Nadia", "email": "nadia@ocmw.example", "role": "counsellor", "language": ""},
    )

    assert invited.status_code == 302
    (mail,) = [m for m in sent_mail() if m.to == "nadia@ocmw.example"]
    assert_linked_at_the_base(mail.body, "/invitation/")


def test_a_raters_mail_links_to_the_configured_address(app, forged, make, sent_mail):
    world = make.world()

    with app.test_request_context(base_url=FORGED):  # a counsellor's request starts the round
        make.feedback_round(
            world, rounds.Rater(RaterGroup.SUPERVISOR, "Sofie", "sofie@example.org")
        )

    (mail,) = [m for m in sent_mail() if m.to == "sofie@example.org"]
    assert_linked_at_the_base(mail.body, "/f/")


def test_a_floor_supervisors_mail_links_to_the_configured_address(forged, make, db, sent_mail):
    world = make.world()
    world.contact.email = "sofie@werkplek.example"
    db.session.commit()
    forged.login(world.counsellor.email)

    mailed = forged.post(f"/trajectories/{world.trajectory.id}/supervisor-link/mail")

    assert mailed.status_code == 302
    (mail,) = [m for m in sent_mail() if m.to == "sofie@werkplek.example"]
    assert_linked_at_the_base(mail.body, "/s/")


def test_a_hand_over_mail_links_to_the_configured_address(forged, make, sent_mail):
    world = make.world()
    colleague = make.user(world.organisation, email="bo@ocmw.example", name="Bo")
    forged.login(world.counsellor.email)

    handed = forged.post(
        f"/clients/{world.client.id}/handover",
        data={"to": str(colleague.id), "note": "Werkt graag buiten."},
    )

    assert handed.status_code == 302
    (mail,) = [m for m in sent_mail() if m.to == "bo@ocmw.example"]
    assert_linked_at_the_base(mail.body, f"/clients/{world.client.id}")


def test_a_reset_mail_links_to_the_configured_address(forged, make, sent_mail, send_resets):
    person = make.user(email="an@ocmw.example")

    forged.post("/password/forgot", data={"email": person.email})
    assert send_resets() == 1

    (mail,) = [m for m in sent_mail() if m.to == "an@ocmw.example"]
    assert_linked_at_the_base(mail.body, "/password/reset/")


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/feedback/invitations/{invitation}/link", "/f/"),
        ("/trajectories/{trajectory}/supervisor-link/new", "/s/"),
        ("/visits/calendar", "/calendar/"),
    ],
    ids=["rater", "floor-supervisor", "calendar-feed"],
)
def test_a_link_shown_to_hand_over_is_at_the_configured_address(forged, make, path, shown):
    world = make.world()
    forged.login(world.counsellor.email)

    page = forged.post(
        path.format(invitation=world.invitation.id, trajectory=world.trajectory.id),
        data={"action": "new"},
    )

    assert page.status_code == 200
    assert_linked_at_the_base(page.get_data(as_text=True), shown)
