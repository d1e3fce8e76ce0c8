"""Member states (seats), their dated names, membership periods and aliases."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Enum, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base
from app.models.enums import RegionalGroup, StateStatus


def _enum_values(enum_cls: type[StateStatus] | type[RegionalGroup]) -> list[str]:
    return [member.value for member in enum_cls]


class State(Base):
    """A seat in the General Assembly, keyed by a stable code (ISO 3166-1 alpha-3 for today's states)."""

    __tablename__ = "state"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(
        String(8), unique=True, comment="ISO 3166-1 alpha-3, or 3166-3 / user code"
    )
    name: Mapped[str] = mapped_column(String(120), comment="current (or last) UN short name")
    iso2: Mapped[str] = mapped_column(String(2), default="")
    m49: Mapped[int] = mapped_column(default=0, comment="UN M49 numeric code, 0 if none")
    regional_group: Mapped[RegionalGroup] = mapped_column(
        Enum(RegionalGroup, native_enum=False, length=40, values_callable=_enum_values)
    )
    group_note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[StateStatus] = mapped_column(
        Enum(StateStatus, native_enum=False, length=16, values_callable=_enum_values)
    )
    # Admin edits compare this counter with the one their form carried (optimistic locking).
    version: Mapped[int] = mapped_column(
        default=1, server_default=text("1"), comment="optimistic-locking counter for admin edits"
    )
    admin_changed_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True),
        comment="last change through the admin; the states.toml import keeps such a state's dated records",
    )

    names: Mapped[list[StateName]] = relationship(
        back_populates="state", lazy="raise", order_by="StateName.valid_from", cascade="all, delete-orphan"
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="state",
        lazy="raise",
        order_by="Membership.admitted_on",
        foreign_keys="Membership.state_id",
        cascade="all, delete-orphan",
    )
    aliases: Mapped[list[StateAlias]] = relationship(
        back_populates="state", lazy="raise", cascade="all, delete-orphan"
    )
    suspensions: Mapped[list[Suspension]] = relationship(
        back_populates="state", lazy="raise", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}


class StateName(Base):
    """The UN short name a seat carried over a period (USSR until 1991-12-23, Russian Federation after)."""

    __tablename__ = "state_name"
    __table_args__ = (Index(None, "state_id", "valid_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    state_id: Mapped[int] = mapped_column(ForeignKey("state.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    valid_from: Mapped[dt.date]
    valid_to: Mapped[dt.date | None] = mapped_column(comment="last day the name was used; NULL if current")

    state: Mapped[State] = relationship(back_populates="names", lazy="raise")


class Membership(Base):
    """A period of UN membership. Syria and Indonesia have two."""

    __tablename__ = "membership"
    __table_args__ = (Index(None, "state_id", "admitted_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    state_id: Mapped[int] = mapped_column(ForeignKey("state.id", ondelete="CASCADE"))
    admitted_on: Mapped[dt.date]
    ended_on: Mapped[dt.date | None] = mapped_column(comment="last day of membership; NULL if still a member")
    successor_id: Mapped[int | None] = mapped_column(
        ForeignKey("state.id", ondelete="SET NULL"), comment="seat that continued this membership"
    )
    note: Mapped[str] = mapped_column(Text, default="")

    state: Mapped[State] = relationship(back_populates="memberships", lazy="raise", foreign_keys=[state_id])
    successor: Mapped[State | None] = relationship(lazy="raise", foreign_keys=[successor_id])


class StateAlias(Base):
    """A spelling a source or a user may use for a seat; ``folded`` is the matching key.

    ``public`` aliases are names people know the state by ("Turkey", "USSR"), shown as "also known as";
    the others are spellings only the importers need (the sources' capitals and misspellings: "IR ELAND",
    "TÜRKÝYE"), matched but never shown."""

    __tablename__ = "state_alias"
    __table_args__ = (UniqueConstraint("state_id", "folded"), Index(None, "folded"))

    id: Mapped[int] = mapped_column(primary_key=True)
    state_id: Mapped[int] = mapped_column(ForeignKey("state.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(160))
    folded: Mapped[str] = mapped_column(String(160), comment="accent- and case-folded alias")
    public: Mapped[bool] = mapped_column(
        default=True, server_default=text("true"), comment="shown as a name the state is known by"
    )

    state: Mapped[State] = relationship(back_populates="aliases", lazy="raise")


class Suspension(Base):
    """A period in which a member could not vote in the General Assembly (e.g. Article 19 arrears)."""

    __tablename__ = "suspension"

    id: Mapped[int] = mapped_column(primary_key=True)
    state_id: Mapped[int] = mapped_column(ForeignKey("state.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date | None]
    note: Mapped[str] = mapped_column(Text, default="")

    state: Mapped[State] = relationship(back_populates="suspensions", lazy="raise")
