from __future__ import annotations

import re
from datetime import date

import pytest

from fieldapp.aftercare.models import AftercareRecord
from fieldapp.auth.roles import Role
from fieldapp.method import Outcome, Scheme
from fieldapp.privacy.services import anonymise
from fieldapp.reports.services import yearly
from fieldapp.trajectories import services as trajectories
from fieldapp.worksites.models import WorksiteKind
from tests.spreadsheets import csv_records, csv_rows, sheet_rows


@pytest.fixture
def year_2026(make, db):
    """Four clients in 2026: two art. 60 (internal service, social economy), one TWE at a private
    employer, one IBO that ended in 2025 (not counted), and one ended in a regular job, where the
    aftercare record three months later found them (a transition to regular work)."""
    lead = make.user(role=Role.TEAM_LEAD, email="lead@example.org")
    counsellor = make.user(lead.organisation, email="an@example.org")
    internal = make.worksite(counsellor, "Keuken", WorksiteKind.INTERNAL)
    social = make.worksite(counsellor, "Kringwinkel", WorksiteKind.SOCIAL_ECONOMY)
    private = make.worksite(counsellor, "Bakkerij", WorksiteKind.PRIVATE)
    a = make.client(counsellor, "A", "Een")
    b = make.client(counsellor, "B", "Twee")
    c = make.client(lead, "C", "Drie")
    d = make.client(counsellor, "D", "Vier")
    this_year, next_year = date(2026, 1, 5), date(2027, 1, 4)
    make.trajectory(
        counsellor, a, worksite=internal, started_on=this_year, planned_end_on=next_year
    )
    ended = make.trajectory(
        counsellor,
        b,
        worksite=social,
        started_on=date(2025, 6, 1),
        planned_end_on=date(2027, 5, 31),
    )
    trajectories.end(counsellor, ended, date(2026, 3, 31), Outcome.REGULAR_JOB)
    db.session.add(
        AftercareRecord(
            organisation_id=counsellor.organisation_id,
            trajectory_id=ended.id,
            client_id=b.id,
            recorded_on=date(2026, 6, 30),
            situation="regular_job",
            sector="retail",
            contract="permanent",
        )
    )
    make.trajectory(
        lead, c, scheme=Scheme.TWE, started_on=this_year, planned_end_on=None, worksite=private
    )
    old = make.trajectory(
        counsellor,
        d,
        scheme=Scheme.IBO,
        started_on=date(2025, 1, 6),
        planned_end_on=date(2025, 7, 6),
    )
    trajectories.end(counsellor, old, date(2025, 7, 6), Outcome.TRAINING)
    db.session.commit()
    make.world()  # another organisation, which must not count
    return lead, counsellor, b


def test_yearly_figures(app, db, year_2026):
    lead, counsellor, _ = year_2026
    with app.test_request_context():
        from fieldapp.common.tenancy import activate_tenant

        activate_tenant(lead.organisation_id)
        report = yearly(2026)
        assert report.clients_per_scheme == {"art60": 2, "twe": 1, "ibo": 0, "stage": 0, "other": 0}
        assert report.placements_per_kind == {
            "internal": 1,
            "social_economy": 1,
            "non_profit": 0,
            "private": 1,
        }
        assert report.ended_per_outcome["regular_job"] == 1
        assert report.to_regular_work == 1
        assert yearly(2025).ended_per_outcome["training"] == 1
        mine = yearly(2026, counsellor.id)
        assert mine.clients_per_scheme["twe"] == 0
        assert mine.clients_per_scheme["art60"] == 2


def test_yearly_report_page_and_csv(client, auth, year_2026):
    auth.login("lead@example.org")
    page = client.get("/reports/yearly?year=2026").get_data(as_text=True)
    assert "Article 60§7" in page
    assert "Transitions to regular work: 1" in page
    response = client.get("/reports/yearly.csv?year=2026")
    assert response.mimetype == "text/csv"
    rows = csv_records(response.data)
    as_dict = {(r["Figure"], r["Category"]): int(r["Number"]) for r in rows}
    assert as_dict[("Clients per scheme", "Article 60§7")] == 2
    assert as_dict[("Transitions to regular work", "Regular job")] == 1
    assert client.get("/reports/yearly?year=abc").status_code == 400
    assert client.get("/reports/yearly.csv?year=1800").status_code == 400


def test_the_yearly_report_is_filtered_on_those_who_follow_clients(client, auth, make, year_2026):
    """Counsellors and team leads: an administrator follows no client, his figures are nil."""
    lead, counsellor, _ = year_2026
    admin = make.user(lead.organisation, role=Role.ADMIN, name="Ad Ministrator")
    auth.login(admin.email)
    page = client.get("/reports/yearly?year=2026").get_data(as_text=True)
    options = re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', page)
    assert ("", "Whole organisation") in options
    assert (str(counsellor.id), counsellor.name) in options
    assert (str(lead.id), lead.name) in options
    assert str(admin.id) not in [value for value, _ in options]


def test_anonymising_keeps_the_figures(app, client, auth, db, year_2026):
    _lead, counsellor, ended_client = year_2026
    with app.test_request_context():
        anonymise(counsellor, ended_client)
        db.session.commit()
    auth.login("lead@example.org")
    page = client.get("/reports/yearly?year=2026").get_data(as_text=True)
    assert "Transitions to regular work: 1" in page


def test_counsellors_have_no_reports(client, auth, year_2026):
    auth.login("an@example.org")
    assert client.get("/reports/yearly").status_code == 403
    for export in ("yearly.csv", "yearly.xlsx"):
        assert client.get(f"/reports/{export}").status_code == 403
    for export in ("caseloads.csv", "caseloads.xlsx"):
        assert client.get(f"/team/{export}").status_code == 403
    assert client.get("/team/").status_code == 403


def test_team_caseloads(client, auth, make, db, year_2026):
    from fieldapp.organisation.models import Team

    lead, counsellor, _ = year_2026
    team = Team(organisation_id=lead.organisation_id, name="Noord")
    db.session.add(team)
    db.session.flush()
    lead.team_id = counsellor.team_id = team.id
    db.session.commit()
    auth.login("lead@example.org")
    page = client.get("/team/").get_data(as_text=True)
    assert f"/clients/?counsellor={counsellor.id}" in page


def test_the_yearly_report_in_dutch_as_csv_and_xlsx(client, auth, db, year_2026):
    lead, counsellor, _ = year_2026
    lead.language = "nl"
    db.session.commit()
    auth.login("lead@example.org")
    query = f"year=2026&counsellor={counsellor.id}"
    header, *lines = csv_rows(client.get(f"/reports/yearly.csv?{query}").data)
    assert header == ["Jaar", "Trajectbegeleider", "Cijfer", "Categorie", "Aantal"]
    assert ["2026", counsellor.name, "Cliënten per statuut", "Artikel 60§7", "2"] in lines
    assert all(line[1] == counsellor.name for line in lines)  # a name, not an id

    response = client.get(f"/reports/yearly.xlsx?{query}")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert 'filename="fieldapp-2026.xlsx"' in response.headers["Content-Disposition"]
    header, *rows = sheet_rows(response.data)
    assert list(header) == ["Jaar", "Trajectbegeleider", "Cijfer", "Categorie", "Aantal"]
    assert (2026, counsellor.name, "Cliënten per statuut", "Artikel 60§7", 2) in rows
    assert client.get("/reports/yearly.xlsx?year=1800").status_code == 400


def test_the_caseloads_as_csv_and_xlsx_with_the_team_by_name(client, auth, db, year_2026):
    from fieldapp.organisation.models import Team

    lead, counsellor, _ = year_2026
    team = Team(organisation_id=lead.organisation_id, name="Noord")
    db.session.add(team)
    db.session.flush()
    lead.team_id = counsellor.team_id = team.id
    lead.language = "fr"
    db.session.commit()
    auth.login("lead@example.org")
    response = client.get("/team/caseloads.csv")
    header, *lines = csv_rows(response.data)
    assert header == ["Accompagnateur", "Équipe", "Clients", "Trajets en cours"]
    assert [counsellor.name, "Noord", "3", "1"] in lines
    header, *rows = sheet_rows(client.get("/team/caseloads.xlsx").data)
    assert (counsellor.name, "Noord", 3, 1) in rows
