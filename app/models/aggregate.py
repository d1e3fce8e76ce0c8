"""Per-state figures precomputed from the vote table, refreshed by every import and admin save.

Country pages need totals and pairwise agreement over a million votes; counting them per request is
far too slow, so app.countries.stats.refresh_country_aggregates rewrites these tables wholesale.
Only published resolutions adopted by a recorded vote count (not separate votes on parts of a text).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class StateYearTally(Base):
    """How one state voted in one calendar year, counted over resolutions only."""

    __tablename__ = "state_year_tally"
    __table_args__ = ({"sqlite_with_rowid": False},)

    state_id: Mapped[int] = mapped_column(ForeignKey("state.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    yes: Mapped[int]
    no: Mapped[int]
    abstain: Mapped[int]
    non_voting: Mapped[int] = mapped_column(comment="member on the date but recorded in no list")


class StatePairAgreement(Base):
    """How often two states voted alike in one decade; one row per unordered pair (state_id < other_id).

    agreement = (same + half / 2) / n. No foreign keys: the rows are derived, rewritten in bulk, and
    per-row constraint checks would dominate the refresh on PostgreSQL.
    """

    __tablename__ = "state_pair_agreement"
    __table_args__ = (
        # The primary key finds a state's rows where it is the lower id, this index where it is the higher.
        Index(None, "other_id", "state_id", "decade"),
        {"sqlite_with_rowid": False},
    )

    state_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    other_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    decade: Mapped[int] = mapped_column(
        primary_key=True, autoincrement=False, comment="first year, e.g. 1990"
    )
    n: Mapped[int] = mapped_column(
        comment="resolutions on which both were members and voted yes, no or abstain"
    )
    same: Mapped[int] = mapped_column(comment="of those, how many with the same vote")
    half: Mapped[int] = mapped_column(comment="of those, how many with one abstaining and the other not")
