"""The hand-over summary for the regional employment service: who, which trajectory, the trend
of the competences and the outcome, in the client's language; for whom the file is open only."""

from __future__ import annotations

import io
import re

from flask_babel import force_locale
from pypdf import PdfReader

from fieldapp.clients import services as client_services
from fieldapp.common.dates import today
from fieldapp.documents.handover import RegionalService, service_for
from fieldapp.method import Outcome, Scheme
from fieldapp.trajectories import services as trajectory_services
from tests.audit_views import USER_AGENT, a_view_by_the_counsellor, views_of
from tests.competence_trend.conftest import note


def ended_world(make, db, language: str, city: str = ""):
    world = make.world()
    world.client.language = language
    world.client.city = city
    note(db, world, {"competence:punctuality": 2, "competence:teamwork": 4}, -200)
    note(db, world, {"competence:punctuality": 4, "competence:teamwork": 3}, -30)
    note(db, world, {"competence:quality": 3}, -20)
    trajectory_services.end(world.counsellor, world.trajectory, today(), Outcome.REGULAR_JOB)
    db.session.commit()
    return world


def text_of(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def labels(language: str) -> dict[str, str]:
    with force_locale(language):
        return {
            "scheme": str(Scheme.ART60.label),
            "outcome": str(Outcome.REGULAR_JOB.label),
        }


def test_the_summary_in_dutch(client, auth, make, db):
    world = ended_world(make, db, "nl", "9000 Gent")
    auth.login(world.counsellor.email)  # the counsellor reads English; the client Dutch
    response = client.get(f"/trajectories/{world.trajectory.id}/handover-summary")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    text = text_of(page)
    assert '<html lang="nl">' in page
    assert "Overdrachtsverslag voor VDAB" in text
    assert world.client.full_name in text
    assert labels("nl")["scheme"] in text
    assert labels("nl")["outcome"] in text
    assert world.worksite.name in text
    assert world.contact.name in text
    assert "Op tijd en aanwezig 2 (" in text
    assert "4 (" in text
    assert re.search(r'data-direction="up">\s*gegroeid', page)  # punctuality 2 → 4
    assert re.search(r'data-direction="down">\s*gedaald', page)  # teamwork 4 → 3
    assert re.search(r'data-direction="once">\s*één keer gescoord', page)  # quality
    assert "data-preview" not in page
    assert 'role="img"' in page
    assert "data-trend-chart" in page
    assert "Afspraken" in text


def test_the_summary_in_french(client, auth, make, db):
    world = ended_world(make, db, "fr", "5000 Namur")
    auth.login(world.counsellor.email)
    page = client.get(f"/trajectories/{world.trajectory.id}/handover-summary").get_data(
        as_text=True
    )
    text = text_of(page)
    assert '<html lang="fr">' in page
    assert "Rapport de transmission pour Le Forem" in text
    assert world.client.full_name in text
    assert labels("fr")["scheme"] in text
    assert labels("fr")["outcome"] in text
    assert "Ponctualité et présence" in text
    assert re.search(r'data-direction="up">\s*en progrès', page)
    assert "Évolution des compétences" in page  # the chart's title


def test_without_a_known_region_the_counsellor_picks(client, auth, make, db):
    world = ended_world(make, db, "en")
    auth.login(world.counsellor.email)
    url = f"/trajectories/{world.trajectory.id}/handover-summary"
    page = client.get(url).get_data(as_text=True)
    assert "<h1>Hand-over summary</h1>" in page
    assert page.count('name="service"') == 3
    page = client.get(url, query_string={"service": "actiris"}).get_data(as_text=True)
    assert "Hand-over summary for Actiris" in page
    assert 'value="actiris" checked' in page
    wrong = client.get(url, query_string={"service": "elsewhere"})
    assert wrong.status_code == 400
    assert "Choose VDAB, Le Forem or Actiris." in wrong.get_data(as_text=True)


def test_an_open_trajectory_gives_a_preview(client, auth, make, db):
    world = make.world()
    auth.login(world.counsellor.email)
    page = client.get(f"/trajectories/{world.trajectory.id}/handover-summary").get_data(
        as_text=True
    )
    assert "data-preview" in page
    assert "data-trend-empty" in page  # nothing scored yet
    show = client.get(f"/clients/{world.client.id}").get_data(as_text=True)
    assert f"/trajectories/{world.trajectory.id}/handover-summary" in show


def test_an_ended_trajectory_is_linked_from_the_file(client, auth, make, db):
    world = ended_world(make, db, "nl")
    auth.login(world.counsellor.email)
    show = client.get(f"/clients/{world.client.id}").get_data(as_text=True)
    assert f"/trajectories/{world.trajectory.id}/handover-summary" in show


def test_the_agreements_of_the_latest_evaluation_meeting_are_in_it(client, auth, make, db):
    world = ended_world(make, db, "nl")
    record = make.evaluation_record(world)
    record.agreements = "Solliciteert bij drie rusthuizen.\nElke vrijdag overleg."
    db.session.commit()
    auth.login(world.counsellor.email)

    page = client.get(f"/trajectories/{world.trajectory.id}/handover-summary").get_data(True)

    assert re.search(r"<li>Solliciteert bij drie rusthuizen.</li>\s*<li>Elke vrijdag", page)


def test_the_summary_as_a_pdf(client, auth, make, db):
    world = ended_world(make, db, "fr", "5000 Namur")
    make.evaluation_record(world)
    auth.login(world.counsellor.email)

    response = client.get(f"/trajectories/{world.trajectory.id}/handover-summary.pdf")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    pages = PdfReader(io.BytesIO(response.data)).pages
    text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    assert world.client.full_name in text
    assert "Le Forem" in text
    assert "Elke vrijdag overleg." in text
    assert labels("fr")["outcome"] in text


def test_the_region_comes_from_the_postcode(make, db):
    client = make.client(make.user())
    for city, expected in (
        ("1000 Brussel", RegionalService.ACTIRIS),
        ("1348 Louvain-la-Neuve", RegionalService.FOREM),
        ("6000 Charleroi", RegionalService.FOREM),
        ("2000 Antwerpen", RegionalService.VDAB),
        ("Gent", None),
        ("", None),
    ):
        client.city = city
        assert service_for(client) is expected, city


def test_only_who_may_open_the_file_gets_the_summary(client, auth, make, db):
    world = ended_world(make, db, "nl")
    stranger = make.user(world.organisation, email="stranger@example.org")
    url = f"/trajectories/{world.trajectory.id}/handover-summary"
    auth.login(stranger.email)
    assert client.get(url).status_code == 404
    assert world.client.full_name not in client.get(url).get_data(as_text=True)
    auth.logout()

    client_services.share(world.counsellor, world.client, stranger, include_sensitive=False)
    db.session.commit()
    auth.login(stranger.email)
    assert client.get(url).status_code == 200

    auth.logout()
    other = make.world()  # another organisation
    auth.login(other.counsellor.email)
    assert client.get(url).status_code == 404


def test_reading_the_summary_is_audited_as_an_opening_of_the_file(client, auth, make, db):
    """The summary and its PDF show the client's file: each reading is one audit row, with who,
    from where and when, as an opening of the file is."""
    world = ended_world(make, db, "nl")
    auth.login(world.counsellor.email)
    url = f"/trajectories/{world.trajectory.id}/handover-summary"
    for path in (url, f"{url}.pdf"):
        assert client.get(path, headers={"User-Agent": USER_AGENT}).status_code == 200
    assert views_of(db, world.client.id) == 2 * [a_view_by_the_counsellor(world)]
