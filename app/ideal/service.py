"""Plain logic for the ideal-point pages: what the model expected of a vote, medians, movers and chart
geometry. No SQL."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from app.ideal.model import probabilities
from app.ideal.queries import FittedVote, PointOut
from app.kit.figures import signed
from app.models import VoteChoice

Z95 = 1.96  # a 95 % interval is the estimate +- 1.96 standard errors
_CHOICES = (VoteChoice.NO, VoteChoice.ABSTAIN, VoteChoice.YES)


@dataclass(frozen=True)
class Surprise:
    vote: FittedVote
    actual: VoteChoice
    actual_probability: float  # what the model gave the vote the state cast
    predicted: VoteChoice  # the vote the model found likeliest
    predicted_probability: float


def surprises(votes: list[FittedVote], limit: int) -> list[Surprise]:
    """The votes the model predicted worst: the lowest probability given to the vote actually cast."""
    if not votes:
        return []
    p = probabilities(
        np.array([v.ideal_point for v in votes]),
        np.array([v.discrimination for v in votes]),
        np.array([v.cut_no for v in votes]),
        np.array([v.cut_yes for v in votes]),
    )
    actual = np.array(["NAY".index(v.choice) for v in votes])
    p_actual = p[np.arange(len(votes)), actual]
    order = np.argsort(p_actual, kind="stable")[:limit]
    out = []
    for k in order.tolist():
        best = int(np.argmax(p[k]))
        out.append(
            Surprise(
                vote=votes[k],
                actual=_CHOICES[actual[k]],
                actual_probability=float(p_actual[k]),
                predicted=_CHOICES[best],
                predicted_probability=float(p[k, best]),
            )
        )
    return out


def medians_by_year(points: Iterable[PointOut]) -> list[tuple[int, float]]:
    """The median ideal point of the given states, per year, oldest first."""
    by_year: dict[int, list[float]] = {}
    for p in points:
        by_year.setdefault(p.year, []).append(p.ideal_point)
    return [(year, statistics.median(values)) for year, values in sorted(by_year.items())]


@dataclass(frozen=True)
class Move:
    code: str
    name: str
    before: float
    after: float

    @property
    def change(self) -> float:
        return self.after - self.before


def movers(before: list[PointOut], after: list[PointOut], limit: int) -> list[Move]:
    """States present in both years, by the size of their move, largest first."""
    old = {p.code: p for p in before}
    moves = [Move(p.code, p.name, old[p.code].ideal_point, p.ideal_point) for p in after if p.code in old]
    return sorted(moves, key=lambda m: (-abs(m.change), m.code))[:limit]


# --- Charts -------------------------------------------------------------------------------------

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 46, 618, 10, 232


@dataclass(frozen=True)
class PathLine:
    label: str
    css: str  # line-1 .. line-6 (stylesheet colours); "median" for the group median
    points: str  # SVG polyline points
    band: str  # SVG polygon of the 95 % interval, "" for none
    dots: list[tuple[float, float, str]]


@dataclass(frozen=True)
class PathChart:
    """Ideal points by year on one scale (SVG user units, viewBox 0 0 WIDTH HEIGHT)."""

    lines: list[PathLine]
    x_ticks: list[tuple[float, int]]
    y_ticks: list[tuple[float, str]]
    zero: float  # y of the scale's 0
    left: int = LEFT
    right: int = RIGHT


def path_chart(series: list[tuple[str, str, list[tuple[int, float, float | None]]]]) -> PathChart | None:
    """Geometry of a chart from (label, css, [(year, ideal point, se or None)]) series, oldest first."""
    years = [y for _, _, pts in series for y, _, _ in pts]
    if not years:
        return None
    lows = [v - Z95 * (e or 0) for _, _, pts in series for _, v, e in pts]
    highs = [v + Z95 * (e or 0) for _, _, pts in series for _, v, e in pts]
    low, high = min(min(lows), 0.0), max(max(highs), 0.0)
    low, high = float(np.floor(low)), float(np.ceil(high))
    if high - low < 1:
        high = low + 1
    first, last = min(years), max(years)
    span = max(last - first, 1)

    def x(year: int) -> float:
        return round(LEFT + (RIGHT - LEFT) * ((year - first) / span if last > first else 0.5), 1)

    def y(value: float) -> float:
        return round(BOTTOM - (BOTTOM - TOP) * (value - low) / (high - low), 1)

    lines = []
    for label, css, pts in series:
        dots = [
            (x(yr), y(v), f"{label}, {yr}: {signed(v)}" + (f" ± {Z95 * e:.2f}" if e else ""))
            for yr, v, e in pts
        ]
        band = ""
        if pts and all(e is not None for _, _, e in pts):
            upper = [f"{x(yr)},{y(v + Z95 * (e or 0))}" for yr, v, e in pts]
            lower = [f"{x(yr)},{y(v - Z95 * (e or 0))}" for yr, v, e in reversed(pts)]
            band = " ".join(upper + lower)
        lines.append(PathLine(label, css, " ".join(f"{cx},{cy}" for cx, cy, _ in dots), band, dots))
    step = 10 if span >= 30 else 5 if span >= 10 else 1
    ticks = [yr for yr in range(first, last + 1) if yr % step == 0]
    ticks = [yr for yr in ticks if abs(yr - first) * 8 > span and abs(last - yr) * 8 > span]
    levels = range(int(low), int(high) + 1)
    return PathChart(
        lines=lines,
        x_ticks=[(x(yr), yr) for yr in sorted({first, *ticks, last})],
        y_ticks=[(y(level), signed(level, 0)) for level in levels],
        zero=y(0.0),
    )


@dataclass(frozen=True)
class Dot:
    code: str
    name: str
    x: float
    low: float  # x of the interval's ends
    high: float
    title: str


@dataclass(frozen=True)
class DotRow:
    group: str
    median_x: float
    dots: list[Dot]
    height: int  # SVG height of the row


@dataclass(frozen=True)
class DotScale:
    ticks: list[tuple[float, str]]
    zero: float


DOT_WIDTH = 640
DOT_LEFT, DOT_RIGHT = 20, 620
DOT_SPACING = 7  # px between stacked states


def dot_rows(
    groups: list[tuple[str, list[PointOut]]], low: float, high: float
) -> tuple[list[DotRow], DotScale]:
    """Each regional group's states on the year's scale, stacked where they would overlap."""

    def x(value: float) -> float:
        return round(DOT_LEFT + (DOT_RIGHT - DOT_LEFT) * (value - low) / (high - low), 1)

    rows = []
    for label, pts in groups:
        dots = []
        for p in sorted(pts, key=lambda q: q.ideal_point):
            low_end, high_end = signed(p.ideal_point - Z95 * p.se), signed(p.ideal_point + Z95 * p.se)
            title = (
                f"{p.name}: {signed(p.ideal_point)} (95 % interval {low_end} to {high_end}, {p.votes} votes)"
            )
            dots.append(
                Dot(
                    p.code,
                    p.name,
                    x(p.ideal_point),
                    x(p.ideal_point - Z95 * p.se),
                    x(p.ideal_point + Z95 * p.se),
                    title,
                )
            )
        median = statistics.median(p.ideal_point for p in pts) if pts else 0.0
        rows.append(DotRow(label, x(median), dots, max(len(dots), 1) * DOT_SPACING + 10))
    levels = range(int(np.floor(low)), int(np.ceil(high)) + 1)
    return rows, DotScale(ticks=[(x(v), signed(v, 0)) for v in levels if low <= v <= high], zero=x(0.0))
