"""The world map of a roll call: shapes from data/world_map.json (see data/WORLD_MAP.md), each given the
class of the vote its state cast and a text title, so the template only draws.

The shapes' outlines (110 KB, the same on every page) are one SVG file of their own (``geometry_svg``,
at ``GEOMETRY_PATH``, named after its content so that browsers keep it for good); a page places each
shape with ``<use>`` and colours it. Inline, the outlines made a resolution page 157 KB (46 KB gzipped);
by reference, about 45 KB (under 10 KB gzipped), and the outlines cross the wire once per browser.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from app.config import PROJECT_ROOT
from app.resolutions.roll_calls import MemberEntry, RollCallEntry

MAP_PATH = PROJECT_ROOT / "data" / "world_map.json"
DISCLAIMER = (
    "The boundaries and names shown on this map do not imply official endorsement or acceptance by the "
    "United Nations."
)

# Seats that no longer exist cover land that today's map draws as several states. While such a seat
# voted and its successors did not (yet) vote themselves, their shapes take its vote.
_FORMER_TERRITORY: dict[str, tuple[str, ...]] = {
    # The USSR's seat is RUS; Ukraine and Belarus always had seats of their own.
    "RUS": ("EST", "LVA", "LTU", "MDA", "GEO", "ARM", "AZE", "KAZ", "UZB", "TKM", "KGZ", "TJK"),
    "CSK": ("CZE", "SVK"),
    "YUG": ("SRB", "HRV", "SVN", "BIH", "MKD", "MNE"),
    "DDR": (),
}
_CSS = {"Y": "m-yes", "N": "m-no", "A": "m-abstain", "X": "m-nonvoting"}
NO_VOTE_CSS = "m-none"
UNKNOWN_CSS = "m-unknown"  # a member whose vote an incomplete roll call lacks


@dataclass(frozen=True)
class MapShape:
    ref: str  # the id of its outline in the geometry file
    css: str
    title: str


@dataclass(frozen=True)
class MapDot:
    cx: float
    cy: float
    r: float
    css: str
    title: str


@dataclass(frozen=True)
class VoteMap:
    view_box: str
    shapes: list[MapShape]
    dots: list[MapDot]
    geometry_url: str
    disclaimer: str = DISCLAIMER


@lru_cache(maxsize=1)
def _map_data() -> dict[str, Any]:
    # Read once per process: about 110 KB of path data shared by every resolution page.
    with MAP_PATH.open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def build_vote_map(
    entries: list[RollCallEntry], names: dict[str, str], unknown: Sequence[MemberEntry] = ()
) -> VoteMap:
    """Shapes and dots coloured by each state's vote. ``names`` gives current names of seats that did
    not vote (not members on the date, observers), so every shape still says what it is; ``unknown``
    are the members whose vote an incomplete roll call lacks."""
    data = _map_data()
    votes = {e.code: e for e in entries}
    not_known = {m.code: m.name for m in unknown}
    for seat, territories in _FORMER_TERRITORY.items():
        if seat in votes:
            for code in territories:
                votes.setdefault(code, votes[seat])

    def style(code: str) -> tuple[str, str]:
        entry = votes.get(code)
        if entry is not None:
            return _CSS[entry.choice.value], f"{entry.name}: {entry.choice.label}"
        if code in not_known:
            return UNKNOWN_CSS, f"{not_known[code]}: vote not known"
        if code in names:
            return NO_VOTE_CSS, f"{names[code]}: not a voting member on this date"
        return NO_VOTE_CSS, "Not a member of the United Nations"

    shapes = [MapShape(f"s-{code}", *style(code)) for code in data["shapes"]]
    shapes += [
        MapShape(f"u-{n}", NO_VOTE_CSS, f"{name}: not a member of the United Nations")
        for n, name in enumerate(data["unassigned"])
    ]
    dots = [MapDot(dot["cx"], dot["cy"], dot["r"], *style(code)) for code, dot in data["dots"].items()]
    return VoteMap(view_box=data["viewBox"], shapes=shapes, dots=dots, geometry_url=geometry_url())


def geometry_outlines() -> list[tuple[str, str]]:
    """(id, path data) of every outline, for the geometry file."""
    data = _map_data()
    shapes = [(f"s-{code}", shape["d"]) for code, shape in data["shapes"].items()]
    return shapes + [(f"u-{n}", shape["d"]) for n, shape in enumerate(data["unassigned"].values())]


@lru_cache(maxsize=1)
def geometry_url() -> str:
    """Where the outlines are served: named after the map data, so a new map is a new address."""
    digest = hashlib.sha256(MAP_PATH.read_bytes()).hexdigest()[:12]
    return GEOMETRY_PATH.format(digest=digest)


GEOMETRY_PATH = "/maps/world-{digest}.svg"


def map_view_box() -> str:
    return str(_map_data()["viewBox"])
