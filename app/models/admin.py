"""Admin accounts, their server-side sessions, failed sign-ins, the audit trail and vote-intention notes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, Enum, ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base
from app.models.enums import VoteChoice


class AdminUser(Base):
    """An account created with ``unga create-admin``; there is no default account."""

    __tablename__ = "admin_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255), comment="Argon2id, PHC string format")
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AdminSession(Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored here, so a copy
    of the database cannot be replayed as cookies. Revoking the row ends the session."""

    __tablename__ = "admin_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True, comment="SHA-256 of the cookie's token")
    user_id: Mapped[int] = mapped_column(ForeignKey("admin_user.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), comment="absolute time-out")
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(
        String(200), default="", server_default="", comment="the browser's User-Agent at sign-in, cut short"
    )


class LoginFailure(Base):
    """One failed sign-in, counted per client address and per account name across worker processes."""

    __tablename__ = "login_failure"
    __table_args__ = (Index(None, "scope", "key", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16), comment="'address' or 'account'")
    key: Mapped[str] = mapped_column(String(128))
    failed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class AuditEvent(Base):
    """Who changed what and when, written in the same transaction as the change; never updated, but for
    the count of a failed sign-in repeated (same name, same address, within the throttling window)."""

    __tablename__ = "audit_event"
    __table_args__ = (Index(None, "entity", "entity_id", "id"), Index(None, "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("admin_user.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(80), comment="account name at the time, or 'cli'")
    action: Mapped[str] = mapped_column(String(32), index=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(128), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    before_json: Mapped[str | None] = mapped_column(Text)
    after_json: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str] = mapped_column(String(64), default="")
    count: Mapped[int] = mapped_column(
        default=1,
        server_default="1",
        comment="times the event happened: repeated failed sign-ins are one row",
    )


class VoteIntention(Base):
    """A state's later statement of how it meant to vote: shown beside the official vote, never in its
    place."""

    __tablename__ = "vote_intention"
    __table_args__ = (
        UniqueConstraint("resolution_id", "state_id"),
        # A country page lists its state's statements: without this index SQLite walked every resolution
        # in date order and probed for each (4 ms a page, with no statement at all).
        Index(None, "state_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resolution_id: Mapped[int] = mapped_column(ForeignKey("resolution.id", ondelete="CASCADE"))
    state_id: Mapped[int] = mapped_column(ForeignKey("state.id"))
    intended: Mapped[VoteChoice] = mapped_column(
        Enum(VoteChoice, native_enum=False, length=1, values_callable=lambda e: [m.value for m in e])
    )
    statement: Mapped[str] = mapped_column(Text, default="", comment="what the state said, and where")
    stated_on: Mapped[dt.date | None]
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Public pages show the notes: the page cache's data version follows this (app/data_version.py).
    # The admin sets it (to the microsecond: SQLite's CURRENT_TIMESTAMP has whole seconds).
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
