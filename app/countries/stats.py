"""Country aggregates: yearly vote counts per state and pairwise agreement per decade, from bitsets.

Counting these per request over a million votes is far too slow, so they are precomputed after every
import and admin save. The whole vote table comes out of the database as one row per state (its
decision ids and choices, aggregated in SQL: much cheaper than a million Python tuples) and becomes one
Python integer per state and choice with bit *i* set for decision id *i*. A year or a decade is then a
mask, and a state pair's figures are a few ANDs and popcounts; the inner loops run through ``map`` so
that they stay in C. Agreement is stored per decade, not per year: per year there
are ~950k pairs, too many to write on each import, while per decade there are ~110k; the comparison
page computes a single pair's yearly figures in SQL instead.

Agreement (the UN-project convention): over resolutions where both were members and voted yes, no or
abstain, ``(same + half / 2) / n``, where ``half`` counts one state abstaining and the other not.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import repeat
from operator import and_, or_, xor

from sqlalchemy.orm import Session

from app.countries import queries


@dataclass(frozen=True)
class StateBits:
    """One state's votes as bitsets over resolution ids."""

    yes: int
    no: int
    abstain: int
    non_voting: int


def decade_of(year: int) -> int:
    return year - year % 10


# bytes.translate tables turning a row of choice letters into a row of binary digits for one choice.
_DIGITS = {
    choice: bytes.maketrans(b"-YNAX", bytes(49 if letter == ord(choice) else 48 for letter in b"-YNAX"))
    for choice in "YNAX"
}


def build_bits(rows: Iterable[tuple[int, list[int], bytes]], size: int) -> dict[int, StateBits]:
    """Bitsets from each state's decision ids and matching choice letters.

    Each state's votes are laid out as one letter per decision id in a bytearray (map/deque assign them
    without a Python-level loop), then each choice becomes an integer by way of a string of binary digits.
    """
    result: dict[int, StateBits] = {}
    for state_id, ids, choices in rows:
        row = bytearray(b"-" * size)
        deque(map(row.__setitem__, ids, choices), maxlen=0)
        row.reverse()  # the digit string's last character is bit 0
        yes, no, abstain, non_voting = (int(row.translate(_DIGITS[c]), 2) for c in "YNAX")
        result[state_id] = StateBits(yes, no, abstain, non_voting)
    return result


def masks(resolutions: Iterable[tuple[int, dt.date]]) -> tuple[dict[int, int], dict[int, int]]:
    """Bit masks of the counted resolutions per year and per decade."""
    by_year: dict[int, int] = defaultdict(int)
    for resolution_id, day in resolutions:
        by_year[day.year] |= 1 << resolution_id
    by_decade: dict[int, int] = defaultdict(int)
    for year, mask in by_year.items():
        by_decade[decade_of(year)] |= mask
    return dict(by_year), dict(by_decade)


def year_tallies(
    bits: dict[int, StateBits], year_masks: dict[int, int]
) -> Iterator[tuple[int, int, int, int, int, int]]:
    """(state_id, year, yes, no, abstain, non_voting) for every year in which the state was counted."""
    for state_id, b in sorted(bits.items()):
        for year, mask in sorted(year_masks.items()):
            counts = (
                (b.yes & mask).bit_count(),
                (b.no & mask).bit_count(),
                (b.abstain & mask).bit_count(),
                (b.non_voting & mask).bit_count(),
            )
            if any(counts):
                yield (state_id, year, *counts)


def pair_agreements(
    bits: dict[int, StateBits], decade_masks: dict[int, int]
) -> list[tuple[int, int, int, int, int, int]]:
    """(state_id, other_id, decade, n, same, half) for every pair with state_id < other_id and n > 0.

    Where both voted, two votes are the same exactly when their yes bits and their abstain bits agree
    (no is neither), so ``same = n - |((Ya ^ Yb) | (Aa ^ Ab)) & both|``: six big-integer operations per
    pair instead of eight, and the work for one state against all later ones runs in ``map``.
    """
    rows: list[tuple[int, int, int, int, int, int]] = []
    for decade, mask in sorted(decade_masks.items()):
        low = (mask & -mask).bit_length() - 1  # shift the decade's bits down: smaller ints, faster ops
        ids: list[int] = []
        yes: list[int] = []
        abstain: list[int] = []
        present: list[int] = []
        for state_id, b in sorted(bits.items()):
            y, n, a = (b.yes & mask) >> low, (b.no & mask) >> low, (b.abstain & mask) >> low
            if y | n | a:
                ids.append(state_id)
                yes.append(y)
                abstain.append(a)
                present.append(y | n | a)
        for i, state_id in enumerate(ids[:-1]):
            rest = slice(i + 1, None)
            both = list(map(and_, repeat(present[i]), present[rest]))
            abstain_differs = list(map(xor, repeat(abstain[i]), abstain[rest]))
            differ = map(and_, map(or_, map(xor, repeat(yes[i]), yes[rest]), abstain_differs), both)
            half = map(and_, abstain_differs, both)
            rows.extend(
                (state_id, other, decade, n, n - d, h)
                for other, n, d, h in zip(
                    ids[rest],
                    map(int.bit_count, both),
                    map(int.bit_count, differ),
                    map(int.bit_count, half),
                    strict=True,
                )
                if n
            )
    return rows


def refresh_country_aggregates(session: Session, *, skip_if_filled: bool = False) -> float:
    """Recompute both aggregate tables from the votes, inside the caller's transaction; returns the
    seconds it took. ``skip_if_filled``: a re-import that changed nothing leaves filled tables alone
    (but still fills them the first time, e.g. after this migration on an existing database).
    """
    started = time.perf_counter()
    if skip_if_filled and queries.has_aggregates(session):
        return time.perf_counter() - started
    bits = build_bits(queries.vote_lists(session), queries.max_resolution_id(session) + 1)
    year_masks, decade_masks = masks(queries.counted_resolutions(session))
    queries.replace_aggregates(
        session, list(year_tallies(bits, year_masks)), pair_agreements(bits, decade_masks)
    )
    return time.perf_counter() - started
