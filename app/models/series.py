"""Series of recurring resolutions, derived from the resolution table by app.series.refresh.

Rewritten wholesale after every import and admin save, so the series pages
read a few hundred rows instead of comparing eight thousand titles per request. The grouping method is
documented in app.series.method.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base
from app.models.resolution import Resolution


class Series(Base):
    """A text the Assembly votes on again, session after session."""

    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(
        String(120),
        unique=True,
        comment="URL key from the first member's title and year; stable as years are added",
    )
    title: Mapped[str] = mapped_column(Text, comment="the latest member's title (or Voeten's topic label)")
    search_text: Mapped[str] = mapped_column(
        Text, comment="normalised titles of all members, for the index search"
    )
    member_count: Mapped[int]
    first_year: Mapped[int]
    last_year: Mapped[int]
    latest_id: Mapped[int] = mapped_column(
        ForeignKey("resolution.id", ondelete="CASCADE"), comment="the latest member"
    )

    latest: Mapped[Resolution] = relationship(lazy="raise")


class SeriesMember(Base):
    """One recorded vote in a series; a vote belongs to at most one series."""

    __tablename__ = "series_member"
    __table_args__ = (Index(None, "resolution_id", unique=True), {"sqlite_with_rowid": False})

    series_id: Mapped[int] = mapped_column(ForeignKey("series.id", ondelete="CASCADE"), primary_key=True)
    resolution_id: Mapped[int] = mapped_column(
        ForeignKey("resolution.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(comment="1 for the oldest member")

    resolution: Mapped[Resolution] = relationship(lazy="raise")
