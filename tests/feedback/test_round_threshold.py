"""A round keeps the anonymity threshold its raters were told when it started: a lower threshold
set afterwards never shows their group, anywhere the round is read; a higher one applies to it
too (the stricter of the two wins)."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

import pytest

from fieldapp.auth.roles import Role
from fieldapp.feedback import rounds
from fieldapp.feedback.models import FeedbackRound, RaterGroup
from tests.feedback.conftest import KEYS, complete_answers
from tests.spreadsheets import sheet_rows

SECRET = "Vergeet altijd de veiligheidsschoenen"
HIDDEN = "Colleague (anonymous)"


@dataclass
class Closed:
    """A closed and released round of a client (self) and two colleagues, with its links."""

    round: FeedbackRound
    links: dict[int, str]
    world: Any
    admin: Any

    @property
    def self_link(self) -> str:
        return f"/f/{self.links[self.round.invitations[0].id]}"


@pytest.fixture
def set_threshold(client, auth):
    def set_to(closed: Closed, threshold: int) -> None:
        """The administrator sets the organisation's threshold through the settings page."""
        auth.logout()
        auth.login(closed.admin.email)
        changed = client.post(
            "/admin/organisation",
            data={
                "retention_months": "24",
                "default_language": "nl",
                "feedback_threshold": str(threshold),
            },
        )
        assert changed.status_code == 302
        auth.logout()
        auth.login(closed.world.counsellor.email)

    return set_to


@pytest.fixture
def closed_round(app, client, auth, make, db):
    def made(threshold: int) -> Closed:
        """Started under ``threshold``; the client scores 4, both colleagues 1 with ``SECRET``;
        closed and released to the client, the counsellor signed in."""
        world = make.world()
        world.organisation.feedback_threshold = threshold
        db.session.commit()
        admin = make.user(world.organisation, role=Role.ADMIN)
        with app.test_request_context():
            feedback_round, links = make.feedback_round(
                world,
                rounds.Rater(RaterGroup.SELF, world.client.first_name, language="en"),
                rounds.Rater(RaterGroup.COLLEAGUE, "Collega Een", language="en"),
                rounds.Rater(RaterGroup.COLLEAGUE, "Collega Twee", language="en"),
            )
        own, *colleagues = feedback_round.invitations
        assert client.post(f"/f/{links[own.id]}", data=complete_answers()).status_code == 200
        low = {f"score-{key}": "1" for key in KEYS if key != "language"}
        for invitation in colleagues:
            data = complete_answers(**low, **{f"comment-{KEYS[0]}": SECRET})
            assert client.post(f"/f/{links[invitation.id]}", data=data).status_code == 200
        auth.login(world.counsellor.email)
        base = f"/feedback/rounds/{feedback_round.id}"
        assert client.post(f"{base}/close").status_code == 302
        assert client.post(f"{base}/release").status_code == 302
        return Closed(feedback_round, links, world, admin)

    return made


def everything_read(client, closed: Closed) -> dict[str, Any]:
    """The round as every reader gets it: the report, its CSV and XLSX, the client's file export
    (subject access) and the client's own report at their link."""
    base = f"/feedback/rounds/{closed.round.id}"
    report = client.get(f"{base}/report")
    csv = client.get(f"{base}/report.csv")
    xlsx = client.get(f"{base}/report.xlsx")
    export = client.get(f"/clients/{closed.world.client.id}/export")
    own = client.get(closed.self_link)
    for response in (report, csv, xlsx, export, own):
        assert response.status_code == 200
    data = json.loads(zipfile.ZipFile(io.BytesIO(export.data)).read("client.json"))
    return {
        "report": report.get_data(as_text=True),
        "csv": csv.get_data(as_text=True),
        "xlsx": [row[1] for row in sheet_rows(xlsx.data)],
        "figures": [f for f in data["feedback_anonymous_figures"] if f["round"] == closed.round.id],
        "comments": data["feedback_anonymous_comments"],
        "own": own.get_data(as_text=True),
    }


def assert_hidden(read: dict[str, Any]) -> None:
    assert SECRET not in read["report"]
    assert 'data-hidden-group="colleague"' in read["report"]
    assert HIDDEN not in read["csv"]
    assert HIDDEN not in read["xlsx"]
    assert read["figures"]
    assert all(not f["shown"] and f["mean"] is None for f in read["figures"])
    assert read["comments"] == []
    assert "The others: 1.0" not in read["own"]  # only the colleagues' 1s would make it


def assert_shown(read: dict[str, Any]) -> None:
    assert SECRET in read["report"]
    assert f"{HIDDEN};1.00;2;" in read["csv"]
    assert HIDDEN in read["xlsx"]
    assert any(f["shown"] and f["mean"] == 1.0 for f in read["figures"])
    assert {c["comment"] for c in read["comments"]} == {SECRET}
    assert "The others: 1.0" in read["own"]


def test_a_round_keeps_the_threshold_of_its_start(closed_round, set_threshold, db):
    closed = closed_round(3)
    assert closed.round.threshold == 3
    set_threshold(closed, 2)
    db.session.refresh(closed.round)
    assert closed.round.threshold == 3


def test_a_lower_threshold_shows_a_closed_rounds_group_nowhere(client, closed_round, set_threshold):
    """Told "at least 3", two colleagues answered; lowered to 2 afterwards, their figures and
    words stay out of the report, its CSV and XLSX, the file export and the client's own page."""
    closed = closed_round(3)
    assert_hidden(everything_read(client, closed))

    set_threshold(closed, 2)

    assert_hidden(everything_read(client, closed))


def test_a_higher_threshold_hides_a_group_that_was_shown(client, closed_round, set_threshold):
    """The stricter wins: raised after the round, a group of two that was shown is hidden."""
    closed = closed_round(2)
    assert_shown(everything_read(client, closed))

    set_threshold(closed, 3)

    assert_hidden(everything_read(client, closed))


def test_the_rater_form_tells_the_rounds_threshold(app, client, auth, make, db):
    """A rater of a round started under 3 is told 3 after the organisation lowered it to 2 (their
    group is never shown below 3), and 4 after it raised it to 4 (nor below 4)."""
    world = make.world()
    admin = make.user(world.organisation, role=Role.ADMIN)
    with app.test_request_context():
        feedback_round, links = make.feedback_round(
            world, rounds.Rater(RaterGroup.COLLEAGUE, "Collega Een", language="en")
        )
    link = f"/f/{links[feedback_round.invitations[0].id]}"
    told = "only shown in a group of at least {} people"
    assert told.format(3) in client.get(link).get_data(as_text=True)

    for threshold, shown in ((2, 3), (4, 4)):
        auth.login(admin.email)
        data = {"retention_months": "24", "default_language": "nl"}
        changed = client.post(
            "/admin/organisation", data={**data, "feedback_threshold": str(threshold)}
        )
        assert changed.status_code == 302
        auth.logout()
        assert told.format(shown) in client.get(link).get_data(as_text=True)


def test_the_settings_page_says_which_rounds_a_new_threshold_applies_to(client, auth, make):
    world = make.world()
    admin = make.user(world.organisation, role=Role.ADMIN)
    auth.login(admin.email)
    page = client.get("/admin/organisation").get_data(as_text=True)
    assert (
        "A lower number applies to rounds started from now on, a higher one to every round." in page
    )
