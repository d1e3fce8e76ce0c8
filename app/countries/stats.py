"""Votes as bitsets: one Python integer per state and choice, bit *i* set for decision id *i*.

The whole vote table comes out of the database as one row per state (its decision ids and choices,
aggregated in SQL: much cheaper than a million Python tuples) and becomes these integers; a year, a
period or a topic is then a mask, and a pair of states' figures are a few ANDs and popcounts
(app.countries.matrix keeps them in memory; app.countries.agreement computes the figures).
"""

from __future__ import annotations

import functools
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class StateBits:
    """One state's votes as bitsets over decision ids."""

    yes: int
    no: int
    abstain: int
    non_voting: int

    @functools.cached_property  # asked for each of ~200 partners on every country page
    def voted(self) -> int:
        """Decisions on which the state voted yes, no or abstain (it was a member and took part)."""
        return self.yes | self.no | self.abstain


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
