"""The subject-access export holds the 360° rounds and the reminders too, as the client may see
them: named raters' answers in full, anonymous groups only as the report shows them."""

from __future__ import annotations

import io
import json
import zipfile

from fieldapp.feedback import rounds
from fieldapp.feedback.models import RaterGroup
from tests.spreadsheets import workbook


def test_the_export_holds_the_feedback_as_the_report_shows_it_and_the_reminders(
    app, client, auth, make, db
):
    world = make.world()
    with app.test_request_context():  # the invitations' e-mails carry absolute links
        feedback_round, _links = make.feedback_round(
            world,
            rounds.Rater(RaterGroup.SUPERVISOR, "Sofie Werkvloer", "sofie@example.org"),
            rounds.Rater(RaterGroup.COLLEAGUE, "Geheime Collega", "collega@example.org"),
        )
    supervisor, colleague = feedback_round.invitations
    for invitation, score, comment in (
        (supervisor, 4, "Altijd op tijd."),
        (colleague, 1, "Zegt nooit goedendag."),
    ):
        group = RaterGroup(invitation.rater_group)
        make.feedback_answer(
            feedback_round,
            group,
            {"punctuality": score},
            comments={"punctuality": comment},
            invitation=invitation,
        )
    auth.login(world.counsellor.email)
    response = client.get(f"/clients/{world.client.id}/export")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    data = json.loads(archive.read("client.json"))

    assert {r["round"] for r in data["feedback_rounds"]} >= {feedback_round.id}
    named = [a for a in data["feedback_named_answers"] if a["round"] == feedback_round.id]
    assert [(a["rater"], a["scores"], a["comments"]) for a in named] == [
        ("Sofie Werkvloer", {"punctuality": 4}, {"punctuality": "Altijd op tijd."})
    ]
    figures = [f for f in data["feedback_anonymous_figures"] if f["round"] == feedback_round.id]
    assert figures
    assert all((f["group"], f["shown"], f["mean"]) == ("colleague", False, None) for f in figures)
    assert data["feedback_anonymous_comments"] == []  # one colleague is below the threshold
    texts = [archive.read(name).decode() for name in archive.namelist() if name != "client.xlsx"]
    book = workbook(archive.read("client.xlsx"))
    cells = [
        str(value) for sheet in book for row in sheet.iter_rows(values_only=True) for value in row
    ]
    everything = "\n".join(texts + cells)
    for secret in ("Geheime Collega", "collega@example.org", "Zegt nooit goedendag"):
        assert secret not in everything
    assert {r["id"] for r in data["reminders"]} >= {world.reminder.id}
    assert "feedback_named_answers.csv" in archive.namelist()
