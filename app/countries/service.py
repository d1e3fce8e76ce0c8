"""Plain logic for the country pages: agreement scores, chart geometry, name suggestions. No SQL."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass

from app.kit.figures import percent
from app.kit.text import fold
from app.models import State, StateStatus, VoteChoice

# URL words for votes, so links read ?vote=no rather than ?vote=N.
VOTE_WORDS: dict[str, VoteChoice] = {choice.api_name: choice for choice in VoteChoice}


def agreement(n: int, same: int, half: int) -> float | None:
    """Share of agreement: identical votes count 1, one abstaining and the other not count 1/2."""
    return None if n == 0 else (same + half / 2) / n


def decade_label(decade: int) -> str:
    return f"{decade}s"


def span_label(since: int | None, until: int | None) -> str:
    """'all years', '1990–1999', 'since 2001', 'until 1960', or '1995' for a single year."""
    if since is None and until is None:
        return "all years"
    if since is None:
        return f"until {until}"
    if until is None:
        return f"since {since}"
    return str(since) if since == until else f"{since}–{until}"


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
class Line:
    """One series of a line chart: its points and one dot (with a title) per point."""

    label: str
    css: str  # line-1 .. line-5, a colour from the stylesheet
    points: str
    dots: list[tuple[float, float, str]]  # x, y, title


@dataclass(frozen=True)
class LineChart:
    """0-100 % lines over the same years, in SVG user units (viewBox 0 0 WIDTH HEIGHT)."""

    lines: list[Line]
    x_ticks: list[tuple[float, int]]  # x, year
    y_ticks: list[tuple[float, int]]  # y, percent
    left: int = 46
    right: int = 618


CHART_WIDTH, CHART_HEIGHT = 640, 220
_TOP, _BOTTOM = 8, 196  # plot area; the year labels go below it
MAX_LINES = 5


def line_chart(series: list[tuple[str, list[tuple[int, float]]]]) -> LineChart | None:
    """Geometry of a chart of shares by year from (label, [(year, share), ...]) series, oldest first;
    every series on the same axes. None when there is nothing to draw."""
    years_seen = [year for _, points in series for year, _ in points]
    if not years_seen:
        return None
    first, last = min(years_seen), max(years_seen)
    left, right = LineChart.left, LineChart.right
    span = max(last - first, 1)

    def x(year: int) -> float:
        return round(left + (right - left) * ((year - first) / span if last > first else 0.5), 1)

    def y(share: float) -> float:
        return round(_BOTTOM - (_BOTTOM - _TOP) * share, 1)

    lines = []
    for index, (label, points) in enumerate(series[:MAX_LINES]):
        prefix = f"{label}, " if label else ""
        dots = [(x(year), y(share), f"{prefix}{year}: {percent(share)}") for year, share in points]
        lines.append(Line(label, f"line-{index + 1}", " ".join(f"{cx},{cy}" for cx, cy, _ in dots), dots))
    step = 10 if span >= 30 else 5 if span >= 10 else 1
    years = [year for year in range(first, last + 1) if year % step == 0]
    # End years are labelled too, unless a round year sits too close to them.
    years = [yr for yr in years if abs(yr - first) * 8 > span and abs(last - yr) * 8 > span]
    return LineChart(
        lines=lines,
        x_ticks=[(x(year), year) for year in sorted({first, *years, last})],
        y_ticks=[(y(level / 100), level) for level in (0, 25, 50, 75, 100)],
    )


def kappa_text(kappa: float | None) -> str:
    """Kappa with two decimals and a true minus sign; a dash where it is undefined."""
    return "–" if kappa is None else f"{kappa:.2f}".replace("-", "−")


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


def dissolved_on(state: State) -> dt.date | None:
    """The last day of a state that is no longer a member (every membership of it ended), else None:
    where its last name ends, whatever the reference data leaves open."""
    ended = [m.ended_on for m in state.memberships if m.ended_on is not None]
    if not ended or len(ended) != len(state.memberships) or state.status is StateStatus.MEMBER:
        return None
    return max(ended)
