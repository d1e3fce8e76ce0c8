"""One row per state per recorded vote."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base
from app.models.enums import VoteChoice


class Vote(Base):
    """A state's vote. A state that was not a member on the date has no row at all."""

    __tablename__ = "vote"
    __table_args__ = (
        # Covering index for a country's record; the primary key serves a resolution's roll call.
        Index(None, "state_id", "resolution_id", "choice"),
        # Written as OR rather than the IN list an Enum would generate: SQLite rebuilds an IN list for
        # every inserted row, which made a million-row import 10 s slower (benchmarks/import_speed.py).
        CheckConstraint("choice = 'Y' OR choice = 'N' OR choice = 'A' OR choice = 'X'", name="choice_valid"),
        {"sqlite_with_rowid": False},
    )

    resolution_id: Mapped[int] = mapped_column(
        ForeignKey("resolution.id", ondelete="CASCADE"), primary_key=True
    )
    state_id: Mapped[int] = mapped_column(ForeignKey("state.id"), primary_key=True)
    choice: Mapped[VoteChoice] = mapped_column(
        Enum(
            VoteChoice,
            native_enum=False,
            create_constraint=False,
            length=1,
            values_callable=lambda e: [m.value for m in e],
        )
    )
