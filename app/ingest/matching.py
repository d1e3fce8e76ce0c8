"""Which of Voeten's roll calls records the same vote as one of the UN's records, told by the votes.

Voeten's reference (``unres``) cannot say: for sessions 1 to 17 it points into the Official Records (the
partition vote of 29 November 1947 is "R/2/1424" there, A/RES/181(II) A at the UN), later numbers are
sometimes off by one or two or swapped between neighbours (A/RES/3117 and 3118 (XXVIII)), lettered roll
calls are several votes on one agenda item (motions, amendments, rival drafts: R/26/2758A to G), and dates
before about 2004 are often days or weeks off. What does not change between the two records of one vote
is how each state voted. So two roll calls are taken to record the same vote when:

* they are in the same regular session (an emergency or special session's record is compared with the
  roll calls within ``WINDOW_DAYS`` of it), and
* state by state they are near-identical: counting as a difference each state whose vote differs and each
  state that voted in one record only, at most ``NEAR_IDENTICAL`` of the states that voted in either; or,
  more loosely (a few miscoded states, or states the Library lists as non-voting where Voeten has their
  vote), at most ``LOOSE_DISAGREEMENT`` with different votes and ``LOOSE_ABSENT`` voting in one only, when
  something else corroborates it: the same resolution number (where Voeten's number names a resolution,
  from session 18) or the same totals to within ``SAME_TOTALS``.

Each of Voeten's roll calls goes to at most one record and each record takes at most one roll call: the
pairs are taken best first (fewest differences, then the same number, then the nearest date), so that of
several near-identical candidates (two votes with the same result on one day) the closest wins. Where a
session's near-identical pairs almost all fall on the same day (Voeten's dates are exact from about
2004), the dates are trusted there: a roll call then only matches a record of its own day, which keeps a
near-unanimous vote on a paragraph from being taken for another near-unanimous resolution. A roll call
left over is a separate vote (an amendment, a paragraph, a motion, a failed draft) or one the UN's records
do not hold; app.ingest.reconcile keeps it as such.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from app.ingest.prepare import ABSTAIN, NO, YES

WINDOW_DAYS = 120
NEAR_IDENTICAL = 0.05
LOOSE_DISAGREEMENT = 0.10
LOOSE_ABSENT = 0.25
SAME_TOTALS = 0.02
# A session whose near-identical matches fall on the same day (within DATED_SLACK_DAYS) at least
# DATED_SHARE of the time, over at least DATED_MIN_MATCHES of them, has trustworthy dates: there a roll call
# can only match a record of the same day (or the next, if its number agrees too).
DATED_SHARE = 0.9
DATED_SLACK_DAYS = 1
DATED_MIN_MATCHES = 10
_CHUNK = 512  # Voeten roll calls compared at once: bounds the size of the score matrices


@dataclass(frozen=True)
class RollCall:
    """What matching needs to know of one recorded vote."""

    day: dt.date
    session: int | None  # the regular session; None for an emergency or special session's record
    number: str | None  # the resolution it names (Voeten: from session 18), as a base symbol; else None
    letters: str  # one VoteChoice letter (or "-") per state id, as app.ingest.prepare builds them


@dataclass(frozen=True)
class Match:
    voeten: int  # index into the Voeten roll calls
    official: int  # index into the UN's records
    disagreements: int  # states voting differently
    one_sided: int  # states voting in one record only


Matrix = npt.NDArray[np.float32]


def _one_hot(calls: Sequence[RollCall], width: int) -> Matrix:
    """Three stacked matrices (yes, no, abstain), one row per roll call and one column per state."""
    raw = np.frombuffer("".join(c.letters.ljust(width, "-")[:width] for c in calls).encode(), dtype=np.uint8)
    letters = raw.reshape(len(calls), width)
    return np.stack([(letters == ord(c)) for c in (YES, NO, ABSTAIN)]).astype(np.float32)


def match_roll_calls(voeten: Sequence[RollCall], official: Sequence[RollCall]) -> list[Match]:
    """The pairs of Voeten's roll calls and the UN's records that record the same vote (module docstring)."""
    if not voeten or not official:
        return []
    width = max(len(c.letters) for c in (*voeten, *official))
    v_hot, o_hot = _one_hot(voeten, width), _one_hot(official, width)
    v_voted, o_voted = v_hot.sum(0), o_hot.sum(0)
    v_tally, o_tally = v_hot.sum(2).T, o_hot.sum(2).T  # (roll calls, 3)
    v_day = np.array([c.day.toordinal() for c in voeten])
    o_day = np.array([c.day.toordinal() for c in official])
    v_session = np.array([c.session if c.session is not None else -1 for c in voeten])
    o_session = np.array([c.session if c.session is not None else -1 for c in official])
    numbers = {n: i for i, n in enumerate(sorted({c.number for c in (*voeten, *official) if c.number}))}
    v_number = np.array([numbers.get(c.number, -1) if c.number else -1 for c in voeten])
    o_number = np.array([numbers.get(c.number, -2) if c.number else -2 for c in official])

    order = np.argsort(o_day, kind="stable")
    sorted_days = o_day[order]
    found: list[tuple[npt.NDArray[np.int64], ...]] = []
    for first in range(0, len(voeten), _CHUNK):
        rows = np.argsort(v_day, kind="stable")[first : first + _CHUNK]
        low = np.searchsorted(sorted_days, v_day[rows].min() - WINDOW_DAYS, "left")
        high = np.searchsorted(sorted_days, v_day[rows].max() + WINDOW_DAYS, "right")
        cols = order[low:high]
        if not len(cols):
            continue
        agree = sum(v_hot[c][rows] @ o_hot[c][cols].T for c in range(3))
        common = v_voted[rows] @ o_voted[cols].T
        union = v_voted[rows].sum(1)[:, None] + o_voted[cols].sum(1)[None, :] - common
        differ = common - agree
        one_sided = union - common
        totals = np.abs(v_tally[rows][:, None, :] - o_tally[cols][None, :, :]).sum(2)
        days = np.abs(v_day[rows][:, None] - o_day[cols][None, :])
        same_number = v_number[rows][:, None] == o_number[cols][None, :]
        session_ok = (o_session[cols][None, :] == -1) | (o_session[cols][None, :] == v_session[rows][:, None])
        strong = differ + one_sided <= NEAR_IDENTICAL * union
        loose = (
            (differ <= LOOSE_DISAGREEMENT * union)
            & (one_sided <= LOOSE_ABSENT * union)
            & (same_number | (totals <= SAME_TOTALS * np.maximum(union, 1)))
        )
        r, c = np.nonzero((days <= WINDOW_DAYS) & session_ok & (union > 0) & (strong | loose))
        # Scores in thousandths of the states voting, so that the ranking below sorts integers.
        share = np.rint(1000 * (differ[r, c] + one_sided[r, c]) / union[r, c]).astype(np.int64)
        found.append(
            (
                share,
                -same_number[r, c].astype(np.int64),
                days[r, c].astype(np.int64),
                rows[r].astype(np.int64),
                cols[c].astype(np.int64),
                differ[r, c].astype(np.int64),
                one_sided[r, c].astype(np.int64),
            )
        )
    if not found:
        return []
    share, same, days_apart, v_index, o_index, differ_count, one_sided_count = (
        np.concatenate(column) for column in zip(*found, strict=True)
    )
    ranked = np.lexsort((o_index, v_index, days_apart, same, share))  # the last key sorts first
    initial = _assign(v_index[ranked], o_index[ranked])
    # Where Voeten's dates are the UN's (most sessions from 2004), a vote days apart is another vote.
    dated = _dated_sessions(v_session, v_index[ranked], share[ranked], days_apart[ranked], initial)
    apart = days_apart[ranked]
    # A day's slack where the number agrees too (a meeting past midnight: A/RES/62/249).
    off = (apart > DATED_SLACK_DAYS) | ((apart > 0) & (same[ranked] == 0))
    keep = ~(np.isin(v_session[v_index[ranked]], list(dated)) & off)
    ranked = ranked[keep]
    chosen = _assign(v_index[ranked], o_index[ranked])
    return [
        Match(int(v_index[i]), int(o_index[i]), int(differ_count[i]), int(one_sided_count[i]))
        for i in ranked[chosen].tolist()
    ]


def _assign(v_index: npt.NDArray[np.int64], o_index: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
    """Positions of the pairs taken, best first: each roll call and each record at most once."""
    taken_v: set[int] = set()
    taken_o: set[int] = set()
    chosen = []
    for position, (v, o) in enumerate(zip(v_index.tolist(), o_index.tolist(), strict=True)):
        if v in taken_v or o in taken_o:
            continue
        taken_v.add(v)
        taken_o.add(o)
        chosen.append(position)
    return np.array(chosen, dtype=np.intp)


def _dated_sessions(
    v_session: npt.NDArray[np.int64],
    v_index: npt.NDArray[np.int64],
    share: npt.NDArray[np.int64],
    days_apart: npt.NDArray[np.int64],
    chosen: npt.NDArray[np.intp],
) -> set[int]:
    """The sessions whose near-identical matches (a first assignment) almost all fall on the same day:
    there Voeten's dates can be trusted, learnt from the data rather than assumed from a year."""
    strong = chosen[share[chosen] <= round(1000 * NEAR_IDENTICAL)]
    sessions = v_session[v_index[strong]]
    dated = set()
    for session in np.unique(sessions).tolist():
        days = days_apart[strong][sessions == session]
        if len(days) >= DATED_MIN_MATCHES and np.mean(days <= DATED_SLACK_DAYS) >= DATED_SHARE:
            dated.add(int(session))
    return dated
