"""Recorded decisions of the General Assembly: resolutions and, from Voeten's data, separate votes."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base
from app.models.enums import Adoption, DecisionKind, DifferenceKind, SessionKind, SourceKind


def _values(enum_cls: type[StrEnum]) -> list[str]:
    return [member.value for member in enum_cls]


def _enum(enum_cls: type[StrEnum], length: int) -> Enum:
    return Enum(enum_cls, native_enum=False, length=length, values_callable=_values)


class DataSource(Base):
    """One version of one source file that an import read (provenance of every resolution)."""

    __tablename__ = "data_source"
    __table_args__ = (Index(None, "kind", "name", "sha256", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SourceKind] = mapped_column(_enum(SourceKind, 16))
    name: Mapped[str] = mapped_column(String(200), comment="file name as imported")
    sha256: Mapped[str] = mapped_column(String(64), comment="of the file as read (compressed, if it was)")
    first_day: Mapped[dt.date | None] = mapped_column(comment="date of the earliest vote the file holds")
    last_day: Mapped[dt.date | None] = mapped_column(comment="date of the latest vote the file holds")
    records: Mapped[int | None] = mapped_column(comment="decisions the file holds")
    version: Mapped[str] = mapped_column(Text, default="", comment="upstream version or commit, if known")
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Resolution(Base):
    """A recorded decision: the adoption of a resolution, or a separate vote on an amendment or part."""

    __tablename__ = "resolution"
    __table_args__ = (
        # One adoption record per UN symbol; separate votes share their resolution's symbol.
        Index(
            "uq_resolution_symbol",
            "symbol",
            unique=True,
            sqlite_where=text("kind = 'resolution' AND symbol != ''"),
            postgresql_where=text("kind = 'resolution' AND symbol != ''"),
        ),
        Index(None, "adopted_on", "id"),
        Index(None, "session_kind", "session_number"),
        # A state's record, newest first, 50 at a time: walking the published resolutions in date order and
        # probing each one's vote costs 0.4 ms, where sorting all ~6,000 of a state's votes cost 8 ms.
        Index(None, "kind", "published", "adopted_on", "id"),
        # Finding a resolution and its separate votes by symbol: the unique index above is partial, and a
        # query would have to repeat its condition to use it.
        Index(None, "symbol"),
        Index(None, "published_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    symbol: Mapped[str] = mapped_column(String(64), comment="UN symbol, e.g. A/RES/ES-10/24; '' if unknown")
    kind: Mapped[DecisionKind] = mapped_column(_enum(DecisionKind, 16), default=DecisionKind.RESOLUTION)
    title: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="", comment="Voeten's description of the motion")
    adopted_on: Mapped[dt.date] = mapped_column(
        comment="date of the vote or adoption, as the source gives it"
    )
    session_kind: Mapped[SessionKind] = mapped_column(_enum(SessionKind, 20))
    session_number: Mapped[int] = mapped_column(comment="number of the regular, special or emergency session")
    meeting_record: Mapped[str] = mapped_column(String(64), default="", comment="e.g. A/ES-10/PV.55")
    draft_symbol: Mapped[str] = mapped_column(String(200), default="", comment="e.g. A/ES-10/L.31/Rev.1")
    committee: Mapped[str] = mapped_column(String(200), default="")
    agenda_item: Mapped[str] = mapped_column(String(200), default="")
    agenda_title: Mapped[str] = mapped_column(Text, default="")
    adoption: Mapped[Adoption] = mapped_column(_enum(Adoption, 16))
    adopted: Mapped[bool | None] = mapped_column(
        Boolean,
        comment="True for adopted resolutions; NULL where the source does not say (Voeten amendments)",
    )
    important_vote: Mapped[bool | None] = mapped_column(
        Boolean, comment="US State Department 'important vote'"
    )

    # Totals as the source publishes them; NULL where it publishes none (Voeten).
    official_yes: Mapped[int | None] = mapped_column(Integer)
    official_no: Mapped[int | None] = mapped_column(Integer)
    official_abstain: Mapped[int | None] = mapped_column(Integer)
    official_non_voting: Mapped[int | None] = mapped_column(Integer)
    # Counts of the stored roll call, kept in step with the vote rows by ingest and admin saves.
    tally_yes: Mapped[int] = mapped_column(default=0)
    tally_no: Mapped[int] = mapped_column(default=0)
    tally_abstain: Mapped[int] = mapped_column(default=0)
    tally_non_voting: Mapped[int] = mapped_column(default=0)
    roll_call_complete: Mapped[bool] = mapped_column(
        Boolean, default=True, comment="False when the source lacks some or all states' votes"
    )
    discrepancy: Mapped[str] = mapped_column(
        Text, default="", comment="why the official totals and the roll call differ, if they do"
    )

    voeten_rcid: Mapped[int | None] = mapped_column(Integer, unique=True, comment="Voeten roll-call id")
    voeten_ref: Mapped[str] = mapped_column(
        String(64), default="", server_default="", comment="Voeten's own reference (unres), e.g. R/2/1424"
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("resolution.id", ondelete="SET NULL"),
        index=True,
        comment="for a separate vote: the resolution it was part of the voting on, where known",
    )
    source_kinds: Mapped[str] = mapped_column(
        String(40),
        default="",
        server_default="",
        comment="the sources that hold this decision, space-separated (e.g. 'undl dgacm voeten')",
    )
    undl_id: Mapped[int | None] = mapped_column(Integer, comment="UN Digital Library record id")
    source_id: Mapped[int] = mapped_column(ForeignKey("data_source.id"), index=True)
    content_hash: Mapped[str] = mapped_column(String(64), comment="fingerprint of what the import wrote")
    # The source record the last import wrote into the row. An admin's save replaces source_id and
    # content_hash but leaves these, so that a later import can tell whether the source changed since
    # the admin's edit and say so (app.ingest.load). NULL: entered through the admin, never imported.
    imported_kind: Mapped[SourceKind | None] = mapped_column(
        _enum(SourceKind, 16), comment="kind of the source the last import wrote the row from"
    )
    imported_hash: Mapped[str | None] = mapped_column(
        String(64), comment="fingerprint of the source record the last import wrote"
    )
    published: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    # What "new" means to readers (the home page, the feed): a vote entered days after it was taken, or
    # a provisional record, is new when it appears. Imports get the time of the import from the server.
    published_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), comment="when first published; NULL for drafts"
    )
    # Provisional records (app/admin/provisional.py, the admin's form) are entered from the day's reports
    # before the UN publishes the record; an import of the official record replaces their roll call and
    # symbol (the row, its note and its history stay).
    provisional: Mapped[bool] = mapped_column(
        Boolean,
        default=False,
        server_default=text("false"),
        comment="entered from reports before the official record; replaced when an import brings it",
    )
    source_note: Mapped[str] = mapped_column(
        Text, default="", server_default="", comment="where the facts come from, e.g. the news report"
    )
    page_key: Mapped[str | None] = mapped_column(
        String(64), unique=True, comment="address of a record whose symbol is not yet known: ES-11/2026-02-24"
    )
    version: Mapped[int] = mapped_column(default=1, comment="optimistic-locking counter")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    source: Mapped[DataSource] = relationship(lazy="raise")
    subjects: Mapped[list[ResolutionSubject]] = relationship(
        back_populates="resolution", lazy="raise", cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": version}


class SourceDifference(Base):
    """Something another source records differently from the record shown (the UN's, where it has one):
    a date, a state's vote, a count, the symbol it files the vote under."""

    __tablename__ = "source_difference"
    __table_args__ = (Index(None, "kind", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resolution_id: Mapped[int] = mapped_column(ForeignKey("resolution.id", ondelete="CASCADE"), index=True)
    source: Mapped[SourceKind] = mapped_column(_enum(SourceKind, 16), comment="the source that differs")
    kind: Mapped[DifferenceKind] = mapped_column(_enum(DifferenceKind, 16))
    state_id: Mapped[int | None] = mapped_column(
        ForeignKey("state.id"), index=True, comment="the state whose vote differs (kind 'vote')"
    )
    item: Mapped[str] = mapped_column(String(16), default="", comment="for a count: yes, no or abstain")
    shown: Mapped[str] = mapped_column(String(200), comment="the value the record shown holds")
    other: Mapped[str] = mapped_column(String(200), comment="the value the other source holds ('' if none)")


class ResolutionSubject(Base):
    """A subject term: UNBIS thesaurus terms from the UN, Voeten's six issue categories."""

    __tablename__ = "resolution_subject"
    __table_args__ = (Index(None, "term"),)

    resolution_id: Mapped[int] = mapped_column(
        ForeignKey("resolution.id", ondelete="CASCADE"), primary_key=True
    )
    vocabulary: Mapped[str] = mapped_column(
        String(40), primary_key=True, comment="e.g. 'UNBIS', 'Voeten issue'"
    )
    term: Mapped[str] = mapped_column(String(300), primary_key=True)

    resolution: Mapped[Resolution] = relationship(back_populates="subjects", lazy="raise")
