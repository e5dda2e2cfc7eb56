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
    label_y: float
    anchor: str
    label: str


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


def _point(
    centre: tuple[float, float], radius: float, index: int, count: int, value: float
) -> tuple[float, float]:
    angle = 2 * math.pi * index / count - math.pi / 2
    distance = radius * value / SCALE_MAX
    return centre[0] + distance * math.cos(angle), centre[1] + distance * math.sin(angle)


def _polygon(points: list[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


@dataclass(frozen=True)
class _Frame:
    """What a radar of ``count`` spokes draws whatever the scores: its rings, each spoke's end,
    its label's place and anchor, and each spoke's direction (cosine, sine)."""

    rings: tuple[str, ...]
    spokes: tuple[tuple[float, float, float, float, str], ...]
    directions: tuple[tuple[float, float], ...]


@cache
def _frame(count: int, width: int, height: int, radius: float) -> _Frame:
    """The frame of a radar, worked out once for every report of as many competences (the same
    points as :func:`_point` gives)."""
    centre = (width / 2, height / 2)
    rings = tuple(
        _polygon([_point(centre, radius, i, count, level) for i in range(count)])
        for level in range(1, SCALE_MAX + 1)
    )
    spokes = []
    for index in range(count):
        x, y = _point(centre, radius, index, count, SCALE_MAX)
        lx, ly = _point(centre, radius + 18, index, count, SCALE_MAX)
        anchor = "middle" if abs(lx - centre[0]) < 8 else ("start" if lx > centre[0] else "end")
        spokes.append((x, y, lx, ly, anchor))
    directions = []
    for index in range(count):
        angle = 2 * math.pi * index / count - math.pi / 2
        directions.append((math.cos(angle), math.sin(angle)))
    return _Frame(rings, tuple(spokes), tuple(directions))


def radar(report: Report, width: int = 520, height: int = 380, radius: float = 110) -> Radar:
    """Self against all others, one spoke per competence; a missing score sits at the centre.
    The drawing is wider than the circle, so that the labels beside it fit. Its frame (rings,
    spokes, labels' places) is worked out once for as many competences."""
    count = max(len(report.rows), 3)
    centre_x, centre_y = width / 2, height / 2
    frame = _frame(count, width, height, radius)
    axes = [Axis(*spoke, row.label) for spoke, row in zip(frame.spokes, report.rows, strict=False)]

    def shape(values: list[float | None]) -> str:
        if all(value is None for value in values):
            return ""
        points = []
        for (cos, sin), value in zip(frame.directions, values, strict=False):
            distance = radius * (value or 0) / SCALE_MAX
            points.append((centre_x + distance * cos, centre_y + distance * sin))
        return _polygon(points)

    return Radar(
        width,
        height,
        centre_x,
        centre_y,
        list(frame.rings),
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
