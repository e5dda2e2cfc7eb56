"""Coordinates for the report's SVG charts, drawn on the server (no chart library in the browser).

The templates turn these into ``<svg>`` elements with presentation attributes only, so the charts
print, scale on a phone and pass the content security policy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from fieldapp.feedback.report import Means, Report

SCALE_MAX = 5


@dataclass(frozen=True)
class Axis:
    x: float
    y: float
    label_x: float
    label_y: float  # the first line's baseline
    anchor: str
    label: str  # the whole name (the drawing's title for it)
    lines: tuple[str, ...]  # as drawn: wrapped, the last one shortened if it must


@dataclass(frozen=True)
class Radar:
    width: int
    height: int
    centre_x: float
    centre_y: float
    rings: list[str]  # polygons at 1..5
    axes: list[Axis]
    own: str  # polygon points of the client's own scores ("" when there are none)
    others: str
    font_size: int = 14
    line_height: int = 16


# The radar is drawn for a phone: 330 units wide shows at about 294 CSS px in a card on a 360 px
# screen, so a 14-unit label reads at 12.5 px. The labels wrap beside the circle (a letter of a
# sans-serif font is at most about 0.6 of its size wide on average) in up to three lines.
WIDTH = 330
RADIUS = 62.0
LABEL_GAP = 10.0
FONT_SIZE = Radar.font_size
LINE_HEIGHT = Radar.line_height
MAX_LINES = 3
MARGIN = 4.0
LABEL_SPACING = 4.0
CHAR_WIDTH = 0.6 * FONT_SIZE


def _point(
    centre: tuple[float, float], radius: float, index: int, count: int, value: float
) -> tuple[float, float]:
    angle = 2 * math.pi * index / count - math.pi / 2
    distance = radius * value / SCALE_MAX
    return centre[0] + distance * math.cos(angle), centre[1] + distance * math.sin(angle)


def _polygon(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def wrap(label: str, chars: int, max_lines: int = MAX_LINES) -> tuple[str, ...]:
    """``label`` in at most ``max_lines`` lines of at most ``chars`` characters, broken between
    words. What does not fit ends in "…": a word longer than a line, the words after the last."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    shown = [line if len(line) <= chars else line[: chars - 1] + "…" for line in lines[:max_lines]]
    if len(lines) > max_lines and not shown[-1].endswith("…"):
        last = shown[-1] if len(shown[-1]) < chars else shown[-1][: chars - 1].rstrip()
        shown[-1] = last + "…"
    return tuple(shown)


@dataclass
class _Label:
    """A label's place while the radar is laid out: its anchor point, side, lines and the box
    they take (estimated from the number of characters)."""

    x: float
    anchor: str
    lines: tuple[str, ...]
    top: float
    upper: bool

    @property
    def bottom(self) -> float:
        return self.top + len(self.lines) * LINE_HEIGHT

    def span(self) -> tuple[float, float]:
        width = max(len(line) for line in self.lines) * CHAR_WIDTH
        if self.anchor == "start":
            return self.x, self.x + width
        if self.anchor == "end":
            return self.x - width, self.x
        return self.x - width / 2, self.x + width / 2

    def meets(self, other: _Label) -> bool:
        (left, right), (other_left, other_right) = self.span(), other.span()
        apart = right <= other_left or other_right <= left
        # A line's letters reach a little beyond its height (descenders): keep a gap.
        near = LABEL_SPACING
        return not apart and self.top < other.bottom + near and other.top < self.bottom + near


def _labels(names: list[str], count: int) -> list[_Label]:
    """Each name beside its spoke: wrapped to the room between the circle and the edge, above
    the spoke's end at the top, below it at the bottom, level with it at the sides; then moved
    further up or down wherever two would still touch."""
    labels = []
    for index, name in enumerate(names):
        angle = 2 * math.pi * index / count - math.pi / 2
        cos, sin = math.cos(angle), math.sin(angle)
        x = WIDTH / 2 + (RADIUS + LABEL_GAP) * cos
        y = (RADIUS + LABEL_GAP) * sin  # from the centre, down
        if abs(cos) < 0.2:
            anchor, room = "middle", WIDTH - 2 * MARGIN
        else:
            anchor = "start" if cos > 0 else "end"
            room = (WIDTH - MARGIN - x) if cos > 0 else (x - MARGIN)
        lines = wrap(name, max(int(room // CHAR_WIDTH), 4))
        height = len(lines) * LINE_HEIGHT
        # How much of the block is above its point: all of it at the top, none at the bottom.
        above = (1 - sin) / 2
        labels.append(_Label(x, anchor, lines, y - height * above, upper=sin < 0))
    # The labels nearest the top or bottom give way: they move outwards, never into the circle.
    order = sorted(range(len(labels)), key=lambda i: abs(labels[i].top + labels[i].bottom))
    for _ in range(len(labels)):
        moved = False
        for position, index in enumerate(order):
            label = labels[index]
            for other in (labels[j] for j in order[:position]):
                if label.meets(other):
                    height = len(label.lines) * LINE_HEIGHT
                    if label.upper:
                        label.top = other.top - height - LABEL_SPACING
                    else:
                        label.top = other.bottom + LABEL_SPACING
                    moved = True
        if not moved:
            break
    return labels


@dataclass(frozen=True)
class _Frame:
    """What a radar of ``count`` spokes draws whatever the scores: its rings around (0, 0), each
    spoke's end and each spoke's direction (cosine, sine)."""

    rings: tuple[tuple[tuple[float, float], ...], ...]
    ends: tuple[tuple[float, float], ...]
    directions: tuple[tuple[float, float], ...]


@cache
def _frame(count: int) -> _Frame:
    """The frame of a radar, worked out once for every report of as many competences (the same
    points as :func:`_point` gives)."""
    rings = tuple(
        tuple(_point((0, 0), RADIUS, i, count, level) for i in range(count))
        for level in range(1, SCALE_MAX + 1)
    )
    ends = tuple(_point((0, 0), RADIUS, i, count, SCALE_MAX) for i in range(count))
    directions = []
    for index in range(count):
        angle = 2 * math.pi * index / count - math.pi / 2
        directions.append((math.cos(angle), math.sin(angle)))
    return _Frame(rings, ends, tuple(directions))


def radar(report: Report) -> Radar:
    """Self against all others, one spoke per competence; a missing score sits at the centre.
    The drawing is wider than the circle, so that the labels beside it fit, and as tall as the
    labels above and below it need."""
    count = max(len(report.rows), 3)
    frame = _frame(count)
    labels = _labels([row.label for row in report.rows], count)
    top = min([-RADIUS, *(label.top for label in labels)]) - MARGIN
    bottom = max([RADIUS, *(label.bottom for label in labels)]) + MARGIN
    centre_x, centre_y = WIDTH / 2, -top
    axes = [
        Axis(
            centre_x + end_x,
            centre_y + end_y,
            label.x,
            centre_y + label.top + FONT_SIZE,
            label.anchor,
            row.label,
            label.lines,
        )
        for (end_x, end_y), label, row in zip(frame.ends, labels, report.rows, strict=False)
    ]

    def shape(values: list[float | None]) -> str:
        if all(value is None for value in values):
            return ""
        points = []
        for (cos, sin), value in zip(frame.directions, values, strict=False):
            distance = RADIUS * (value or 0) / SCALE_MAX
            points.append((centre_x + distance * cos, centre_y + distance * sin))
        return _polygon(points)

    return Radar(
        WIDTH,
        math.ceil(bottom - top),
        centre_x,
        centre_y,
        [_polygon([(centre_x + x, centre_y + y) for x, y in ring]) for ring in frame.rings],
        axes,
        shape([row.own.mean for row in report.rows]),
        shape([row.others.mean for row in report.rows]),
    )


@dataclass(frozen=True)
class TrendPoint:
    x: float
    own_y: float | None
    others_y: float | None
    label: str


@dataclass(frozen=True)
class Trend:
    width: int
    height: int
    points: list[TrendPoint]
    own: str
    others: str
    levels: list[tuple[int, float]]  # (score, y) for the grid


def _average(values: list[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return sum(present) / len(present) if present else None


def trend(rounds: list[tuple[str, Means]], width: int = 360, height: int = 200) -> Trend:
    """The average over all competences per round: self and all others, oldest round first."""
    left, right, top, bottom = 36, 16, 16, 36

    def y_of(value: float | None) -> float | None:
        if value is None:
            return None
        return top + (SCALE_MAX - value) / (SCALE_MAX - 1) * (height - top - bottom)

    step = (width - left - right) / max(len(rounds) - 1, 1)
    points = [
        TrendPoint(
            left + index * step,
            y_of(_average([own for _, own, _ in means])),
            y_of(_average([others for _, _, others in means])),
            label,
        )
        for index, (label, means) in enumerate(rounds)
    ]

    def line(attribute: str) -> str:
        return " ".join(
            f"{point.x:.1f},{getattr(point, attribute):.1f}"
            for point in points
            if getattr(point, attribute) is not None
        )

    levels = [(level, y_of(level) or 0.0) for level in range(1, SCALE_MAX + 1)]
    return Trend(width, height, points, line("own_y"), line("others_y"), levels)
