"""The competence trend of a client's file: per competence, its scores over time as a chart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup

from fieldapp.clients.models import Client
from fieldapp.competence_trend import chart as charts
from fieldapp.competence_trend.sources import Point, Scope, SourceKind, points_of
from fieldapp.extensions import db
from fieldapp.feedback.frameworks import FrameworkText, framework_in_use
from fieldapp.feedback.models import FeedbackRound
from fieldapp.feedback.rounds import ListedRound
from fieldapp.organisation.models import Organisation
from fieldapp.trajectories.models import Trajectory

KEPT_CHARTS = 64  # charts of files opened lately, per process
KEPT_POINTS = 400  # the longest chart kept (some 100 kB with its drawings)


def _threshold(client: Client) -> int:
    organisation = db.session.get(Organisation, client.organisation_id)
    return organisation.feedback_threshold if organisation else 3


def trend_of(
    client: Client,
    language: str,
    trajectory: Trajectory | None = None,
    framework: FrameworkText | None = None,
    rounds: Sequence[FeedbackRound | ListedRound] | None = None,
) -> charts.Chart:
    """The chart of the client's whole file (or of one trajectory), for the competences of the
    framework in use (``framework``, when the caller has it in ``language`` already); a fixed
    number of queries however long the history. ``rounds``: the client's 360° rounds, oldest
    first, when the caller has read them already."""
    scope = Scope(
        client,
        trajectory,
        _threshold(client),
        language,
        None if rounds is None else tuple(rounds),
    )
    if framework is None:
        framework = framework_in_use(client.organisation_id, language)
    points = points_of(scope)
    if len(points) > KEPT_POINTS:  # a chart this long is built for its page only
        return charts.build(points, framework)
    return _chart(tuple(points), framework, str(get_locale()))


@lru_cache(maxsize=KEPT_CHARTS)
def _chart(points: tuple[Point, ...], framework: FrameworkText, locale: str) -> charts.Chart:
    """The chart of ``points``, built once for the same scores, competences and language (the
    locale its dates and numbers are written in): a file is opened again and again between two
    new scores. Every input is in the key, so a new score, a renamed competence or another
    language is another chart; nothing needs to be forgotten. A kept chart is shared by every
    page that shows the same scores: nothing changes it once built."""
    return charts.build(list(points), framework)


def drawn(chart: charts.Chart, prefix: str = "trend", with_table: bool = True) -> Markup:
    """The chart as HTML (``competence_trend/_chart.html``), drawn once for each chart that
    :func:`trend_of` keeps, in the language it was built in."""
    key = (prefix, with_table, str(get_locale()))
    html = chart.drawn.get(key)
    if html is None:
        template = current_app.jinja_env.get_template("competence_trend/_chart.html")
        html = template.module.draw(chart, prefix, with_table)
        if not current_app.jinja_env.auto_reload:  # else drawn again as the template changes
            chart.drawn[key] = html
    return html


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"
    SAME = "same"
    ONCE = "once"  # a single score: no direction yet


@dataclass(frozen=True)
class CompetenceSummary:
    """First against last score of a competence, as others saw it (the client's own view of
    themselves is in the chart, not here)."""

    label: str
    first_on: date
    first: float
    last_on: date
    last: float

    @property
    def direction(self) -> Direction:
        if self.first_on == self.last_on and self.first == self.last:
            return Direction.ONCE
        if self.last > self.first:
            return Direction.UP
        return Direction.DOWN if self.last < self.first else Direction.SAME


def summaries(chart: charts.Chart) -> list[CompetenceSummary]:
    """Per competence with an observed score, its first and last (the table's rows are oldest
    first per competence)."""
    observed: dict[str, list[charts.TableRow]] = {}
    for row in chart.rows:
        if row.source is not SourceKind.SELF:
            observed.setdefault(row.competence, []).append(row)
    return [
        CompetenceSummary(label, rows[0].on, rows[0].score, rows[-1].on, rows[-1].score)
        for label, rows in observed.items()
    ]
