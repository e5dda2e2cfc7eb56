"""The competence trend as coordinates for one server-drawn SVG: a small chart per competence.

Small multiples read better on a phone than one chart with eight crossing lines, and need no
selector (so no JavaScript). All panels share the time axis, so a score at the same date sits at
the same place in each. Each kind of source has its own marker shape and line dash besides its
colour, so the chart does not rely on colour alone; the same figures go into a table.
As in ``fieldapp.feedback.charts``, the template turns these into presentation attributes only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from fieldapp.competence_trend.sources import Point, SourceKind
from fieldapp.feedback.frameworks import FrameworkText
from fieldapp.i18n.kept import kept

SCALE_MIN, SCALE_MAX = 1, 5
SCALE_WORDS: dict[int, Any] = {
    1: _l("Not yet"),
    2: _l("Sometimes"),
    3: _l("Often"),
    4: _l("Mostly"),
    5: _l("Always"),
}

WIDTH = 320  # about the width of a card on a 360 px phone, so that 1 unit is about 1 px
LEFT, RIGHT = 30, 16  # room for the scores 1..5 on the left, for the last date label on the right
TITLE, PLOT, AXIS, GAP = 26, 72, 22, 16  # a panel's parts, top to bottom (18 a score)
LINE_HEIGHT = 18
MAX_LABEL = 48  # characters of a competence's label in a panel's title (the table has it whole)
CHARS_PER_LINE = 46  # of the scale's key, at its font size


@dataclass(frozen=True)
class Style:
    colour: str
    shape: str
    dash: str  # stroke-dasharray of the line ("" for a solid line)
    shape_name: Any


STYLES: dict[SourceKind, Style] = {
    SourceKind.NOTE: Style("#1f5fa8", "circle", "", _l("circles")),
    SourceKind.SELF: Style("#a65300", "triangle", "6 4", _l("triangles")),
    SourceKind.OTHERS: Style("#0b5d4b", "square", "", _l("squares")),
    SourceKind.EVALUATION: Style("#6b3fa0", "diamond", "2 3", _l("diamonds")),
}


OUTLINES = {
    "triangle": ((0, -1.2), (1.1, 0.8), (-1.1, 0.8)),
    "square": ((-0.9, -0.9), (0.9, -0.9), (0.9, 0.9), (-0.9, 0.9)),
    "diamond": ((0, -1.25), (1.25, 0), (0, 1.25), (-1.25, 0)),
}


class Marker(NamedTuple):
    x: float
    y: float
    shape: str


def marker(style: Style, x: float, y: float) -> Marker:
    return Marker(x, y, style.shape)


def markers_svg(style: Style, markers: list[Marker], size: float = 4.5) -> Markup:
    """The markers' SVG elements, written here rather than in the template: a long history draws
    a thousand of them, and this is some twenty times faster. Only numbers and the style's own
    colour go into it."""
    edge = 'stroke="#fff" stroke-width="1"'
    outline = OUTLINES.get(style.shape)
    if outline is None:
        elements = (
            f'<circle cx="{m.x:.1f}" cy="{m.y:.1f}" r="{size}" fill="{style.colour}" {edge}/>'
            for m in markers
        )
    else:
        elements = (
            '<polygon points="'
            + " ".join(f"{m.x + dx * size:.1f},{m.y + dy * size:.1f}" for dx, dy in outline)
            + f'" fill="{style.colour}" {edge}/>'
            for m in markers
        )
    return Markup("".join(elements))  # noqa: S704 (numbers and a constant colour, see above)


@dataclass(frozen=True)
class Series:
    kind: SourceKind
    style: Style
    line: str  # polyline points, "" for a single point
    markers: list[Marker]

    @property
    def svg(self) -> Markup:
        return markers_svg(self.style, self.markers)


@dataclass(frozen=True)
class Level:
    score: int
    y: float


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    anchor: str


@dataclass(frozen=True)
class Panel:
    key: str
    label: str
    title_y: float
    top: float  # of the plot
    bottom: float
    levels: list[Level]
    series: list[Series]
    ticks: list[Tick]

    def grid_svg(self, left: int, right: int) -> Markup:
        """The panel's score lines with their scores, and its date labels, written here for the
        same reason as the markers (see markers_svg): ten panels draw some seventy of them.
        Numbers, constants and the escaped date labels only."""
        levels = (
            f'\n    <line x1="{left}" x2="{right}" y1="{level.y:.1f}" y2="{level.y:.1f}" '
            'stroke="#d5dbd8" stroke-width="1"/>'
            f'\n    <text x="{left - 8}" y="{level.y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#55615c">{level.score}</text>'
            for level in self.levels
        )
        ticks = (
            f'\n    <text x="{tick.x:.1f}" y="{self.bottom + 16:.1f}" '
            f'text-anchor="{escape(tick.anchor)}" font-size="11" fill="#55615c">'
            f"{escape(tick.label)}</text>"
            for tick in self.ticks
        )
        return Markup("".join((*levels, *ticks)))  # noqa: S704 (see the docstring)


@dataclass(frozen=True)
class LegendItem:
    kind: SourceKind
    style: Style
    x: float
    y: float
    sample: Marker

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def svg(self) -> Markup:
        return markers_svg(self.style, [self.sample])


@dataclass(frozen=True)
class TableRow:
    competence: str
    on: date
    source: SourceKind
    score: float
    on_label: str  # the date, the source and the score as the table shows them
    source_label: str
    score_label: str


@dataclass
class Chart:
    width: int
    height: int
    panels: list[Panel]
    legend: list[LegendItem]
    scale_key: list[tuple[float, str]]  # (y, text) lines
    rows: list[TableRow]
    unscored: list[str] = field(default_factory=list)  # competences without any score yet
    description: str = ""
    # Its HTML by (prefix, with table, locale), kept with the chart (``services.drawn``).
    drawn: dict[tuple[str, bool, str], Markup] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def table_rows(self) -> Markup:
        """The table's rows as HTML, each text escaped once, not once per row (see markers_svg)."""
        text: dict[str, str] = {}

        def escaped(value: str) -> str:
            return text.get(value) or text.setdefault(value, str(escape(value)))

        date, source, score = (escaped(_(label)) for label in ("Date", "Source", "Score"))
        rows = (
            f'<tr><th scope="row">{escaped(row.competence)}</th>'
            f'<td data-label="{date}"><time datetime="{row.on}">{escaped(row.on_label)}</time></td>'
            f'<td data-label="{source}">{escaped(row.source_label)}</td>'
            f'<td data-label="{score}" data-score="{row.score}">{escaped(row.score_label)}</td>'
            "</tr>"
            for row in self.rows
        )
        return Markup("\n".join(rows))  # noqa: S704 (every text escaped above)

    @property
    def empty(self) -> bool:
        return not self.panels

    @property
    def plot_left(self) -> int:
        return LEFT

    @property
    def plot_right(self) -> int:
        return self.width - RIGHT


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1].rstrip() + "…"


def _wrap(parts: list[str], width: int) -> list[str]:
    lines: list[str] = []
    for part in parts:
        if lines and len(lines[-1]) + 3 + len(part) <= width:
            lines[-1] += " · " + part
        else:
            lines.append(part)
    return lines


# Kept once made for each language (fieldapp.i18n.kept): a chart's table formats the same days
# and mean scores on every opening of the client's file.
_day = kept(format_date)
_decimal = kept(lambda number, format: format_decimal(number, format=format))


def day_label(day: date) -> str:
    return _day(day, "d MMM yy")


def describe(kinds: list[SourceKind]) -> str:
    sources = ", ".join(
        _("%(source)s as %(shapes)s", source=kind.label, shapes=STYLES[kind].shape_name)
        for kind in kinds
    )
    return _(
        "Per competence, the scores over time from %(low)d (%(low_word)s) to %(high)d "
        "(%(high_word)s): %(sources)s. The table holds the same figures.",
        low=SCALE_MIN,
        low_word=SCALE_WORDS[SCALE_MIN],
        high=SCALE_MAX,
        high_word=SCALE_WORDS[SCALE_MAX],
        sources=sources,
    )


def _table_rows(points: list[Point], labels: dict[str, str]) -> list[TableRow]:
    """The table's rows, competence by competence; each date, source and score is formatted once
    (a long history repeats them a thousand times)."""
    days: dict[date, str] = {}
    scores: dict[float, str] = {}
    sources = {kind: kind.label for kind in SourceKind}
    by_competence: dict[str, list[Point]] = {key: [] for key in labels}
    for point in points:
        by_competence[point.competence].append(point)
    return [
        TableRow(
            labels[key],
            point.on,
            point.source,
            point.score,
            days.get(point.on) or days.setdefault(point.on, _day(point.on, "d MMM yyyy")),
            sources[point.source],
            scores.get(point.score) or scores.setdefault(point.score, _decimal(point.score, None)),
        )
        for key, own in by_competence.items()
        for point in own
    ]


def build(points: list[Point], framework: FrameworkText, width: int = WIDTH) -> Chart:
    """The chart of ``points`` for the competences of ``framework``, in its order; points for
    competences no longer in it are left out."""
    labels = framework.labels()
    points = [point for point in points if point.competence in labels]
    kinds = [kind for kind in SourceKind if any(point.source is kind for point in points)]
    rows = _table_rows(points, labels)
    if not points:
        return Chart(width, 0, [], [], [], [], unscored=list(labels.values()))

    legend = []
    column = (width - LEFT) / 2
    for index, kind in enumerate(kinds):
        x = LEFT + (index % 2) * column
        y = LINE_HEIGHT * (index // 2) + 12
        legend.append(LegendItem(kind, STYLES[kind], x, y, marker(STYLES[kind], x + 12, y)))
    top = LINE_HEIGHT * ((len(kinds) + 1) // 2) + 4
    key_parts = [f"{score} = {word}" for score, word in SCALE_WORDS.items()]
    scale_key = []
    for line in _wrap(key_parts, CHARS_PER_LINE):
        top += LINE_HEIGHT - 4
        scale_key.append((top, line))
    top += GAP

    first = min(point.on for point in points)
    last = max(point.on for point in points)
    span = (last - first).days
    inner = width - LEFT - RIGHT

    def x_of(day: date) -> float:
        return LEFT + inner / 2 if span == 0 else LEFT + (day - first).days / span * inner

    if span == 0:
        ticks = [Tick(x_of(first), day_label(first), "middle")]
    else:
        ticks = [
            Tick(x_of(first), day_label(first), "start"),
            Tick(x_of(last), day_label(last), "end"),
        ]
        if span >= 60:
            middle = first + (last - first) / 2
            ticks.insert(1, Tick(x_of(middle), day_label(middle), "middle"))

    panels = []
    for key, label in labels.items():
        own = [point for point in points if point.competence == key]
        if not own:
            continue
        plot_top = top + TITLE

        def y_of(score: float, plot_top: float = plot_top) -> float:
            return plot_top + (SCALE_MAX - score) / (SCALE_MAX - SCALE_MIN) * PLOT

        series = []
        for kind in kinds:
            of_kind = [point for point in own if point.source is kind]
            if not of_kind:
                continue
            coordinates = [(x_of(point.on), y_of(point.score)) for point in of_kind]
            line = (
                " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates) if len(coordinates) > 1 else ""
            )
            series.append(
                Series(
                    kind,
                    STYLES[kind],
                    line,
                    [marker(STYLES[kind], x, y) for x, y in coordinates],
                )
            )
        panels.append(
            Panel(
                key,
                _short(label),
                top + 15,
                plot_top,
                plot_top + PLOT,
                [Level(score, y_of(score)) for score in range(SCALE_MIN, SCALE_MAX + 1)],
                series,
                [Tick(tick.x, tick.label, tick.anchor) for tick in ticks],
            )
        )
        top = plot_top + PLOT + AXIS + GAP
    unscored = [
        label for key, label in labels.items() if not any(p.competence == key for p in points)
    ]
    return Chart(
        width,
        round(top),
        panels,
        legend,
        scale_key,
        rows,
        unscored=unscored,
        description=describe(kinds),
    )
