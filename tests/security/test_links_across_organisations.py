"""A secret link works in a browser signed in to another organisation.

A floor supervisor may work for another OCMW that uses fieldapp too (an art. 60 placement in its
kitchen), and a rater may sit at a shared desk where someone of another organisation is signed
in. The link's secret alone names its placement or invitation; the signed-in person stays signed
in, and their own pages stay theirs."""

from __future__ import annotations

import re

from sqlalchemy import select

from fieldapp.feedback import rounds
from fieldapp.feedback.models import FeedbackResponse, RaterGroup
from fieldapp.supervisor_link.models import Pulse
from tests.feedback.conftest import complete_answers
from tests.supervisor_link.conftest import make_link

PULSE = {"going": "3", "attendance": "2", "attitude": "1", "line": "Goed bezig"}


def test_a_supervisors_link_works_where_another_organisation_is_signed_in(
    app, client, auth, make, db
):
    placement = make.world()
    url = f"/s/{make_link(app, db, placement)}"
    elsewhere = make.world()
    assert elsewhere.organisation.id != placement.organisation.id
    theirs, ours = placement.organisation.id, elsewhere.organisation.id
    first_name, their_client = placement.client.first_name, placement.client.last_name
    own_client, email = elsewhere.client.last_name, elsewhere.counsellor.email
    db.session.close()  # each request loads what it reads, as on a server
    auth.login(email)

    page = client.get(url)
    assert page.status_code == 200
    assert first_name in page.get_data(as_text=True)
    sent = client.post(f"{url}/pulse", data=PULSE)
    assert sent.status_code == 303
    db.session.rollback()
    (pulse,) = db.session.scalars(select(Pulse)).all()
    assert pulse.organisation_id == theirs != ours

    assert client.get("/").status_code == 200  # still signed in as themselves, in their own
    caseload = client.get("/clients/").get_data(as_text=True)  # organisation
    assert own_client in caseload
    assert re.search(rf"\b{their_client}\b", caseload) is None  # Client5 is not Client58


def test_a_raters_link_works_where_another_organisation_is_signed_in(app, client, auth, make, db):
    rated = make.world()
    with app.test_request_context():
        feedback_round, links = make.feedback_round(
            rated, rounds.Rater(RaterGroup.COLLEAGUE, "Collega Een")
        )
    (invitation,) = feedback_round.invitations
    url, theirs = f"/f/{links[invitation.id]}", rated.organisation.id
    email = make.world().counsellor.email
    db.session.commit()
    db.session.close()  # each request loads what it reads, as on a server
    auth.login(email)

    assert client.get(url).status_code == 200
    assert client.post(url, data=complete_answers()).status_code == 200
    db.session.rollback()
    (response,) = db.session.scalars(select(FeedbackResponse)).all()
    assert response.organisation_id == theirs
    assert client.get("/").status_code == 200
