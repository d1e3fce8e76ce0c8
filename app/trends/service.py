"""The figures of the trends page, from the yearly counts. No SQL.

* **Share adopted by recorded vote**: recorded votes / all resolutions of the year. Only where the data
  lists every resolution, including those adopted without a vote: the UN's own data, from September
  2019. Voeten's data (1946-2019) holds recorded votes only, so before the first full year of the UN's
  data the share is unknown, and shown as such rather than as 100 %.
* **Average margin**: the mean over recorded votes of (yes - no) / (yes + no + abstain): 100 % when
  nobody voted against, 0 % when the Assembly split evenly. Over complete roll calls only.
* **Unanimous**: the share of recorded votes with no vote against and no abstention.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.trends.queries import YearCounts


@dataclass(frozen=True)
class TrendYear:
    year: int
    recorded: int
    without_vote: int
    complete: int
    recorded_share: float | None  # None where the data does not list resolutions adopted without a vote
    average_margin: float | None
    unanimous_share: float | None
    partial: bool  # the data covers only part of the year


def trend_years(counts: list[YearCounts], full_from: dt.date | None, last: dt.date | None) -> list[TrendYear]:
    """``full_from``: the first day from which every resolution is listed; the share of recorded votes
    is given for the calendar years that start on or after it. ``last``: the newest date in the data."""
    first_full_year = (
        None if full_from is None else full_from.year + (full_from > dt.date(full_from.year, 1, 1))
    )
    rows = []
    for c in counts:
        known = first_full_year is not None and c.year >= first_full_year
        total = c.recorded + c.without_vote
        rows.append(
            TrendYear(
                year=c.year,
                recorded=c.recorded,
                without_vote=c.without_vote,
                complete=c.complete,
                recorded_share=c.recorded / total if known and total else None,
                average_margin=c.margin_sum / c.complete if c.complete else None,
                unanimous_share=c.unanimous / c.complete if c.complete else None,
                partial=last is not None and c.year == last.year and last < dt.date(c.year, 12, 31),
            )
        )
    return rows
