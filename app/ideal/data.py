"""From stored votes to the estimator's arrays, and back to states and years. No SQL, no fitting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.ideal.model import ABSTAIN, NO, YES, IntArray, Votes
from app.models import SessionKind

CHOICE_CODES = {"N": NO, "A": ABSTAIN, "Y": YES}
FIRST_SESSION_YEAR = 1945  # session N opened in 1945 + N
SESSION_OPENS_IN = 9  # regular sessions open in September (a few early ones in October or November)


def session_year(kind: SessionKind, number: int, adopted_on: dt.date) -> int:
    """The session year a vote counts in: 1945 + N for regular session N; for a special or emergency
    special session, the regular session under way on its date (a session runs to the next September)."""
    if kind is SessionKind.REGULAR and adopted_on.year - 1 <= FIRST_SESSION_YEAR + number <= adopted_on.year:
        return FIRST_SESSION_YEAR + number
    # (A few records of Voeten's carry a mistyped session number, "677" for 67: their date decides.)
    year = adopted_on.year if adopted_on.month >= SESSION_OPENS_IN else adopted_on.year - 1
    return max(year, FIRST_SESSION_YEAR + 1)


@dataclass(frozen=True)
class Item:
    """A recorded vote as the fit sees it."""

    resolution_id: int
    year: int
    series_id: int | None  # votes of one series share their parameters


@dataclass(frozen=True)
class Prepared:
    votes: Votes
    state_ids: list[int]  # state index -> state id
    node_years: IntArray  # (M,) as votes.node_year
    node_votes: IntArray  # (M,) how many votes each node rests on
    item_groups: list[list[int]]  # parameter group -> resolution ids
    resolution_years: dict[int, int]  # resolution id -> session year, for the items used

    def node_state_ids(self) -> list[int]:
        return [self.state_ids[i] for i in self.votes.node_state.tolist()]


def prepare(
    resolution_ids: IntArray,
    state_ids: IntArray,
    choices: npt.NDArray[np.int8],
    items: list[Item],
) -> Prepared:
    """The estimator's input from one row per state vote (yes, no or abstain only; non-voting is
    missing data and must not be passed). Votes on which every state that voted voted alike say nothing
    about where states stand and are left out; the rest keep one parameter group per series (or their
    own)."""
    info = {item.resolution_id: item for item in items}
    known = np.fromiter(
        (rid in info for rid in resolution_ids.tolist()), dtype=bool, count=len(resolution_ids)
    )
    resolution_ids, state_ids, choices = resolution_ids[known], state_ids[known], choices[known]
    res_values, res_index = np.unique(resolution_ids, return_inverse=True)
    per_choice = np.bincount(res_index * 3 + choices, minlength=3 * len(res_values)).reshape(-1, 3)
    contested = (per_choice > 0).sum(axis=1) >= 2
    keep = contested[res_index]
    resolution_ids, state_ids, choices = resolution_ids[keep], state_ids[keep], choices[keep]
    res_values, res_index = np.unique(resolution_ids, return_inverse=True)

    # Parameter groups: a series' members share one; other votes have their own.
    group_of: dict[tuple[str, int], int] = {}
    res_group = np.empty(len(res_values), dtype=np.int64)
    groups: list[list[int]] = []
    res_year = np.empty(len(res_values), dtype=np.int64)
    for k, rid in enumerate(res_values.tolist()):
        item = info[rid]
        key = ("series", item.series_id) if item.series_id is not None else ("vote", rid)
        if key not in group_of:
            group_of[key] = len(groups)
            groups.append([])
        res_group[k] = group_of[key]
        groups[group_of[key]].append(rid)
        res_year[k] = item.year

    # Nodes: state-years with at least one vote, sorted by state and then year.
    state_values, state_index = np.unique(state_ids, return_inverse=True)
    years = res_year[res_index]
    node_key = state_index.astype(np.int64) * 10_000 + years
    node_values, node = np.unique(node_key, return_inverse=True)
    votes = Votes(
        node=node.astype(np.int64),
        item=res_group[res_index],
        choice=choices.astype(np.int8),
        node_state=(node_values // 10_000).astype(np.int64),
        node_year=(node_values % 10_000).astype(np.int64),
        n_items=len(groups),
    )
    return Prepared(
        votes=votes,
        state_ids=state_values.tolist(),
        node_years=votes.node_year,
        node_votes=np.bincount(node, minlength=len(node_values)).astype(np.int64),
        item_groups=groups,
        resolution_years=dict(zip(res_values.tolist(), res_year.tolist(), strict=True)),
    )
