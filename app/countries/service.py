"""Plain logic for the country pages: agreement scores, chart geometry, name suggestions. No SQL."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from app.ingest.names import fold
from app.models import VoteChoice

# URL words for votes, so links read ?vote=no rather than ?vote=N.
VOTE_WORDS: dict[str, VoteChoice] = {choice.api_name: choice for choice in VoteChoice}


def agreement(n: int, same: int, half: int) -> float | None:
    """Share of agreement: identical votes count 1, one abstaining and the other not count 1/2."""
    return None if n == 0 else (same + half / 2) / n


def percent(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.1f} %"


def decade_label(decade: int) -> str:
    return f"{decade}s"


@dataclass(frozen=True)
class Segment:
    css: str
    y: float
    height: float


@dataclass(frozen=True)
class Bar:
    """One year's column in the stacked chart of a state's votes (a 100-unit-high SVG)."""

    year: int
    x: int
    total: int
    segments: list[Segment]
    label: str


BAR_WIDTH = 10


def vote_bars(rows: list[tuple[int, int, int, int, int]]) -> list[Bar]:
    """Columns of yes/no/abstain/non-voting shares per year, from (year, yes, no, abstain, non_voting),
    oldest first. Placed by year, so a year without recorded votes (1964) shows as a gap."""
    bars = []
    first = rows[0][0] if rows else 0
    for year, yes, no, abstain, non_voting in rows:
        total = yes + no + abstain + non_voting
        segments, y = [], 0.0
        for count, css in ((yes, "yes"), (no, "no"), (abstain, "abstain"), (non_voting, "nonvoting")):
            if count and total:
                height = 100 * count / total
                segments.append(Segment(css, round(y, 2), round(height, 2)))
                y += height
        label = f"{year}: {yes} in favour, {no} against, {abstain} abstaining, {non_voting} non-voting"
        bars.append(Bar(year, (year - first) * BAR_WIDTH, total, segments, label))
    return bars


def bars_width(bars: list[Bar]) -> int:
    return (bars[-1].x + BAR_WIDTH) if bars else BAR_WIDTH


@dataclass(frozen=True)
class LineChart:
    """A 0-100 % line over years, in SVG user units (viewBox 0 0 WIDTH HEIGHT)."""

    points: str
    dots: list[tuple[float, float, str]]  # x, y, title
    x_ticks: list[tuple[float, int]]  # x, year
    y_ticks: list[tuple[float, int]]  # y, percent
    left: int = 46
    right: int = 618


CHART_WIDTH, CHART_HEIGHT = 640, 220
_TOP, _BOTTOM = 8, 196  # plot area; the year labels go below it


def agreement_line(series: list[tuple[int, float]]) -> LineChart | None:
    """Geometry of the agreement-by-year chart from (year, share) pairs, oldest first."""
    if not series:
        return None
    first, last = series[0][0], series[-1][0]
    left, right = LineChart.left, LineChart.right
    span = max(last - first, 1)

    def x(year: int) -> float:
        return round(left + (right - left) * ((year - first) / span if last > first else 0.5), 1)

    def y(share: float) -> float:
        return round(_BOTTOM - (_BOTTOM - _TOP) * share, 1)

    dots = [(x(year), y(share), f"{year}: {percent(share)}") for year, share in series]
    step = 10 if span >= 30 else 5 if span >= 10 else 1
    years = [year for year in range(first, last + 1) if year % step == 0]
    # End years are labelled too, unless a round year sits too close to them.
    years = [yr for yr in years if abs(yr - first) * 8 > span and abs(last - yr) * 8 > span]
    x_ticks = [(x(year), year) for year in sorted({first, *years, last})]
    return LineChart(
        points=" ".join(f"{cx},{cy}" for cx, cy, _ in dots),
        dots=dots,
        x_ticks=x_ticks,
        y_ticks=[(y(level / 100), level) for level in (0, 25, 50, 75, 100)],
    )


def nearest(query: str, candidates: list[tuple[str, str, str]], limit: int = 5) -> list[tuple[str, str]]:
    """(code, name) of the states whose code or alias is closest to ``query`` (a mistyped code or name)."""
    key = fold(query).lower()
    if not key:
        return []
    by_key: dict[str, tuple[str, str]] = {}
    for folded, code, name in candidates:
        by_key.setdefault(folded, (code, name))
    found: list[tuple[str, str]] = []
    for match in difflib.get_close_matches(key, list(by_key), n=limit * 3, cutoff=0.6):
        if by_key[match] not in found:
            found.append(by_key[match])
    return found[:limit]
