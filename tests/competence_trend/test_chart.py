"""The trend on a client's file: one SVG with a series per source in each competence's chart, a
title and a description, a table with the same numbers, an empty state, and a number of queries
that does not grow with the history."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from flask_babel import force_locale
from sqlalchemy import delete

from bench.measure import counting_queries
from fieldapp.common.time import now_utc
from fieldapp.competence_trend import chart as charts
from fieldapp.competence_trend import services as trend
from fieldapp.competence_trend.sources import Point, SourceKind
from fieldapp.feedback.frameworks import CompetenceText, FrameworkText, shipped_framework
from fieldapp.feedback.models import RaterGroup
from fieldapp.feedback.rounds import Rater
from fieldapp.visits.models import NoteRevision
from tests.clients.test_caseload import queries_for
from tests.competence_trend.conftest import answers, note
from tests.factories import days_from_today


class Reader(HTMLParser):
    """The trend's SVG elements and its table's cells."""

    def __init__(self) -> None:
        super().__init__()
        self.svg: dict[str, str] | None = None
        self.ids: dict[str, str] = {}
        self.sources: dict[str, list[str]] = {}  # competence -> its series' source kinds
        self.markers: dict[tuple[str, str], int] = {}
        self.cells: list[list[str]] = []
        self._competence = ""
        self._source = ""
        self._capture: str | None = None
        self._text = ""
        self._in_table = False
        self._row: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg" and "data-trend-chart" in attrs:
            self.svg = attrs
        if "data-competence" in attrs:
            self._competence = attrs["data-competence"]
            self.sources[self._competence] = []
        if "data-source" in attrs:
            self._source = attrs["data-source"]
            self.sources[self._competence].append(self._source)
        if tag in ("circle", "polygon") and self._source:
            key = (self._competence, self._source)
            self.markers[key] = self.markers.get(key, 0) + 1
        if tag in ("title", "desc") and attrs.get("id"):
            self._capture, self._text = attrs["id"], ""
        if tag == "table" and "data-trend-table" in attrs:
            self._in_table = True
        if self._in_table and tag == "tr":
            self._row = []
        if self._row is not None and tag in ("td", "th"):
            self._capture, self._text = "cell", ""

    def handle_endtag(self, tag):
        if tag == "g" and self._source:
            self._source = ""
        elif tag == "g" and self._competence:
            self._competence = ""
        if tag in ("title", "desc") and self._capture not in (None, "cell"):
            self.ids[self._capture] = self._text.strip()
            self._capture = None
        if tag in ("td", "th") and self._capture == "cell" and self._row is not None:
            self._row.append(" ".join(self._text.split()))
            self._capture = None
        if tag == "tr" and self._row is not None:
            self.cells.append(self._row)
            self._row = None
        if tag == "table":
            self._in_table = False

    def handle_data(self, data):
        if self._capture:
            self._text += data


def read(page: str) -> Reader:
    reader = Reader()
    reader.feed(page)
    return reader


def scored_world(make, db):
    world = make.world()
    first = note(db, world, {"competence:punctuality": 2, "competence:teamwork": 3}, -60)
    note(db, world, {"competence:punctuality": 3, "competence:teamwork": 3}, -59, parent=first)
    note(db, world, {"competence:punctuality": 4}, -20)
    answers(db, world.feedback_round, RaterGroup.SELF, {"punctuality": 5, "teamwork": 4})
    answers(db, world.feedback_round, RaterGroup.SUPERVISOR, {"punctuality": 3, "teamwork": None})
    return world


def test_the_client_page_draws_one_series_per_source_and_a_table_with_the_same_numbers(
    client, auth, make, db
):
    world = scored_world(make, db)
    auth.login(world.counsellor.email)
    page = client.get(f"/clients/{world.client.id}").get_data(as_text=True)
    reader = read(page)

    assert reader.svg is not None
    assert reader.svg["role"] == "img"
    title_id, desc_id = reader.svg["aria-labelledby"].split()
    assert reader.ids[title_id] == "Competence trend"
    assert "Visit note as circles" in reader.ids[desc_id]
    assert "360°: self as triangles" in reader.ids[desc_id]

    # One chart per scored competence, one series per source in it: circles for the two notes
    # (the corrected revision left out), self and others of the round.
    assert reader.sources == {
        "punctuality": ["note", "self", "others"],
        "teamwork": ["note", "self"],
    }
    assert reader.markers[("punctuality", "note")] == 2
    assert reader.markers[("teamwork", "note")] == 1
    assert "<polyline" in page  # the two note scores of punctuality are joined by a line

    rows = reader.cells[1:]  # after the header
    assert [(row[0], row[2], row[3]) for row in rows] == [
        ("Punctuality and attendance", "Visit note", "3"),
        ("Punctuality and attendance", "Visit note", "4"),
        ("Punctuality and attendance", "360°: self", "5"),
        ("Punctuality and attendance", "360°: others", "3"),
        ("Teamwork", "Visit note", "3"),
        ("Teamwork", "360°: self", "4"),
    ]
    assert 'href="#trend-heading"' in page  # one tap from the top of the file


def test_each_source_has_its_own_shape_and_dash():
    shapes = {charts.STYLES[kind].shape for kind in SourceKind}
    assert len(shapes) == len(SourceKind)
    dashes = {(charts.STYLES[kind].shape, charts.STYLES[kind].dash) for kind in SourceKind}
    assert len(dashes) == len(SourceKind)


def test_the_axes_carry_the_scale_and_the_dates(app, db):
    framework = shipped_framework("en")
    points = [
        Point(days_from_today(-90), "quality", 2, SourceKind.NOTE),
        Point(days_from_today(-1), "quality", 4.5, SourceKind.OTHERS),
    ]
    with force_locale("en"):
        chart = charts.build(points, framework)
    (panel,) = chart.panels
    assert [level.score for level in panel.levels] == [1, 2, 3, 4, 5]
    assert [tick.anchor for tick in panel.ticks] == ["start", "middle", "end"]
    assert "1 = Not yet" in " ".join(line for _, line in chart.scale_key)
    assert "5 = Always" in " ".join(line for _, line in chart.scale_key)
    # every drawn thing stays inside the drawing
    for series in panel.series:
        for marker in series.markers:
            assert 0 <= marker.x <= chart.width
            assert 0 <= marker.y <= chart.height
    higher = next(s for s in panel.series if s.kind is SourceKind.OTHERS).markers[0]
    lower = next(s for s in panel.series if s.kind is SourceKind.NOTE).markers[0]
    assert higher.y < lower.y
    assert higher.x > lower.x
    assert "Quality of work" not in chart.unscored
    assert len(chart.unscored) == 9


def test_a_file_without_scores_says_so(client, auth, make, db):
    world = make.world()
    auth.login(world.counsellor.email)
    page = client.get(f"/clients/{world.client.id}").get_data(as_text=True)
    assert "data-trend-empty" in page
    assert "data-trend-chart" not in page
    assert "data-trend-table" not in page
    assert "No scores yet." in page


def _history(make, db, notes: int, rounds: int):
    world = make.world()
    for index in range(notes):
        note(db, world, {"competence:quality": 1 + index % 5}, -300 + index * 2)
    answers(db, world.feedback_round, RaterGroup.SELF, {"quality": 3})
    for _ in range(rounds - 1):
        started, _links = make.feedback_round(world, Rater(RaterGroup.SUPERVISOR, "Sofie"))
        answers(db, started, RaterGroup.SUPERVISOR, {"quality": 4})
        started.closed_at = now_utc()
        db.session.commit()
    return world


def test_the_client_page_costs_the_same_queries_for_a_long_history(app, client, auth, make, db):
    short = _history(make, db, notes=5, rounds=1)
    long = _history(make, db, notes=100, rounds=4)
    counts = []
    for world in (short, long):
        auth.login(world.counsellor.email)
        counts.append(queries_for(app, client, f"/clients/{world.client.id}"))
        auth.logout()
    assert counts[0] == counts[1]
    auth.login(long.counsellor.email)
    page = client.get(f"/clients/{long.client.id}").get_data(as_text=True)
    assert page.count("data-score=") == 100 + 1 + 3  # every note, the self-assessment, 3 rounds


def _opened(app, client, db, path: str) -> tuple[bool, Reader]:
    """Whether opening ``path`` read the notes' revisions, and what the page drew."""
    with app.app_context():
        engine = db.engine
    with counting_queries(engine) as statements:
        page = client.get(path).get_data(as_text=True)
    return any("note_revision.observations" in s for s in statements), read(page)


def test_the_notes_are_read_again_only_when_one_was_added_or_deleted(app, client, auth, make, db):
    """A file of two years holds hundreds of revisions, read and taken apart on every opening of
    the client's page: they are read once, then again only when the notes changed, and what the
    page draws follows them."""
    world = scored_world(make, db)
    auth.login(world.counsellor.email)
    path = f"/clients/{world.client.id}"
    assert _opened(app, client, db, path)[0]
    read_again, reader = _opened(app, client, db, path)
    assert not read_again
    assert reader.markers[("punctuality", "note")] == 2

    note(db, world, {"competence:punctuality": 5}, -1)
    read_again, reader = _opened(app, client, db, path)
    assert read_again
    assert reader.markers[("punctuality", "note")] == 3

    db.session.execute(delete(NoteRevision))  # as erasing the client's visits does
    db.session.commit()
    read_again, reader = _opened(app, client, db, path)
    assert read_again
    assert ("punctuality", "note") not in reader.markers


def test_rows_of_an_unknown_competence_are_left_out(app, db):
    chart = charts.build(
        [Point(days_from_today(-1), "gone", 3, SourceKind.NOTE)], shipped_framework("nl")
    )
    assert chart.empty
    assert chart.rows == []


def test_scores_keep_their_decimals_in_the_table(client, auth, make, db):
    world = make.world()
    answers(db, world.feedback_round, RaterGroup.SUPERVISOR, {"quality": 4})
    answers(db, world.feedback_round, RaterGroup.COUNSELLOR, {"quality": 3})
    auth.login(world.counsellor.email)
    page = client.get(f"/clients/{world.client.id}").get_data(as_text=True)
    assert re.search(r'data-score="3.5">3.5<', page)


def test_a_chart_drawn_before_shows_a_new_score_at_the_next_opening(client, auth, make, db):
    """The drawn chart is kept for the same scores (``services.drawn``): a new score, a score
    corrected away and another language each draw another one."""
    world = scored_world(make, db)
    auth.login(world.counsellor.email)
    path = f"/clients/{world.client.id}"
    assert read(client.get(path).get_data(as_text=True)).markers[("punctuality", "note")] == 2

    latest = note(db, world, {"competence:punctuality": 5}, -1)
    reader = read(client.get(path).get_data(as_text=True))
    assert reader.markers[("punctuality", "note")] == 3
    assert ["Punctuality and attendance", "Visit note", "5"] in [
        [row[0], row[2], row[3]] for row in reader.cells
    ]

    note(db, world, {"competence:punctuality": 1}, -1, parent=latest)  # corrected: 5 becomes 1
    reader = read(client.get(path).get_data(as_text=True))
    scores = [row[3] for row in reader.cells if row[2] == "Visit note" and row[0].startswith("P")]
    assert scores == ["3", "4", "1"]


def test_the_same_scores_are_drawn_in_each_readers_language(client, auth, make, db):
    world = scored_world(make, db)
    path = f"/clients/{world.client.id}"
    titles = {}
    for language in ("en", "nl", "fr", "en"):
        world.counsellor.language = language
        db.session.commit()
        auth.login(world.counsellor.email)
        reader = read(client.get(path).get_data(as_text=True))
        title_id, _desc_id = reader.svg["aria-labelledby"].split()
        titles[language] = (reader.ids[title_id], reader.cells[1][2])
        auth.logout()
    assert titles == {
        "en": ("Competence trend", "Visit note"),
        "nl": ("Verloop van de competenties", "Bezoeknotitie"),
        "fr": ("Évolution des compétences", "Note de visite"),
    }


def test_a_renamed_competence_is_another_chart(app, db):
    shipped = shipped_framework("en")
    renamed = FrameworkText(
        shipped.id,
        shipped.name,
        tuple(
            CompetenceText(competence.key, "Being on time", competence.description)
            if competence.key == "punctuality"
            else competence
            for competence in shipped.competences
        ),
    )
    points = (Point(days_from_today(-1), "punctuality", 4, SourceKind.NOTE),)
    with app.test_request_context(), force_locale("en"):
        before = trend._chart(points, shipped, "en")
        after = trend._chart(points, renamed, "en")
        assert trend._chart(points, shipped, "en") is before  # the same scores: drawn once
    assert [panel.label for panel in before.panels] == ["Punctuality and attendance"]
    assert [panel.label for panel in after.panels] == ["Being on time"]


def test_a_long_chart_is_built_for_its_page_only(client, auth, make, db, monkeypatch):
    world = scored_world(make, db)
    monkeypatch.setattr(trend, "KEPT_POINTS", 2)  # the world's file has more scores than this
    trend._chart.cache_clear()
    auth.login(world.counsellor.email)
    page = client.get(f"/clients/{world.client.id}").get_data(as_text=True)
    assert read(page).markers[("punctuality", "note")] == 2
    assert trend._chart.cache_info().currsize == 0
