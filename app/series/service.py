"""Plain logic for the series pages: who switched their vote, the year-by-year chart, the CSV. No SQL."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from app.collation import name_key
from app.models import Resolution, VoteChoice
from app.resolutions.service import display_tally
from app.series import method
from app.series.queries import MemberVote

# A switch is a change between these; a year a state was absent or non-voting is passed over.
POSITIONS = (VoteChoice.YES, VoteChoice.NO, VoteChoice.ABSTAIN)


def title_of(resolution: Resolution) -> str:
    """The title to show: before 1985 Voeten's records hold only a topic label."""
    r = resolution
    return method.candidate(
        r.id, r.symbol, r.session_number, True, r.title, r.description, r.agenda_title
    ).title


@dataclass(frozen=True)
class Change:
    year: int
    symbol: str
    resolution: Resolution
    before: VoteChoice
    after: VoteChoice


@dataclass(frozen=True)
class Switcher:
    code: str
    name: str
    changes: list[Change]


def switchers(members: list[Resolution], votes: list[MemberVote]) -> list[Switcher]:
    """States whose yes/no/abstain differs from their previous vote in the series, with each change,
    in alphabetical order of the state's name."""
    order = {r.id: i for i, r in enumerate(members)}
    by_state: dict[tuple[str, str], list[MemberVote]] = defaultdict(list)
    for vote in votes:
        if vote.choice in POSITIONS and vote.resolution_id in order:
            by_state[(vote.code, vote.name)].append(vote)
    found = []
    for (code, name), state_votes in by_state.items():
        state_votes.sort(key=lambda v: order[v.resolution_id])
        changes = [
            Change(
                year=members[order[now.resolution_id]].adopted_on.year,
                symbol=members[order[now.resolution_id]].symbol,
                resolution=members[order[now.resolution_id]],
                before=then.choice,
                after=now.choice,
            )
            for then, now in zip(state_votes, state_votes[1:], strict=False)
            if then.choice != now.choice
        ]
        if changes:
            found.append(Switcher(code, name, changes))
    return sorted(found, key=lambda s: name_key(s.name))


@dataclass(frozen=True)
class Column:
    """One member's stacked column: yes at the bottom, then no, abstaining, non-voting."""

    x: float
    width: float
    segments: list[tuple[str, float, float]]  # css class, y, height
    label: str


@dataclass(frozen=True)
class TallyChart:
    """Geometry of the year-by-year chart, in SVG user units (viewBox 0 0 WIDTH HEIGHT). The width is
    small so that the labels stay legible when a phone scales the chart down."""

    columns: list[Column]
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, int]]
    width: int = 480
    height: int = 250
    left: int = 40
    right: int = 458
    top: int = 10
    bottom: int = 220


def tally_chart(members: list[Resolution]) -> TallyChart | None:
    """Columns placed by session, so a session without a vote in the series shows as a gap."""
    if not members:
        return None
    chart = TallyChart(columns=[], x_ticks=[], y_ticks=[])
    first = members[0].session_number
    slots = members[-1].session_number - first + 1
    slot = (chart.right - chart.left) / slots
    tallies = [display_tally(r) for r in members]
    peak = max(yes + no + abstain + (nv or 0) for yes, no, abstain, nv in tallies) or 1
    top_value = -(-peak // 50) * 50  # the next multiple of 50: ticks at 0, 50, 100...
    scale = (chart.bottom - chart.top) / top_value
    for r, (yes, no, abstain, non_voting) in zip(members, tallies, strict=True):
        x = chart.left + (r.session_number - first) * slot
        segments, y = [], float(chart.bottom)
        for count, css in ((yes, "yes"), (no, "no"), (abstain, "abstain"), (non_voting or 0, "nonvoting")):
            if count:
                height = count * scale
                y -= height
                segments.append((css, round(y, 2), round(height, 2)))
        label = (
            f"{r.adopted_on.year}, {r.symbol or 'recorded vote'}: {yes} in favour, {no} against, "
            f"{abstain} abstaining" + (f", {non_voting} non-voting" if non_voting else "")
        )
        chart.columns.append(Column(round(x + slot * 0.1, 2), round(slot * 0.8, 2), segments, label))
    step = max(1, -(-len(members) // 6))  # at most about six year labels
    shown = members[::step] if members[-1] in members[::step] else [*members[::step], members[-1]]
    if len(shown) > 1 and shown[-1].session_number - shown[-2].session_number < step:
        shown.pop(-2)  # keep the last year, drop the label that would collide with it
    chart.x_ticks.extend(
        (round(chart.left + (r.session_number - first + 0.5) * slot, 1), str(r.adopted_on.year))
        for r in shown
    )
    chart.y_ticks.extend((round(chart.bottom - v * scale, 1), v) for v in range(0, top_value + 1, 50))
    return chart


CSV_HEADER = ["year", "date", "symbol", "title", "yes", "no", "abstain", "non_voting", "url"]
