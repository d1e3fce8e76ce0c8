"""Errors readers report on a public page, queued for the admins."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import DateTime, Enum, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class ReportStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"  # corrected, or the record was right and the reader was told nothing: see note
    DISMISSED = "dismissed"


class ErrorReport(Base):
    """One reader's report: the page it came from and what they say is wrong. No account, no e-mail."""

    __tablename__ = "error_report"
    __table_args__ = (Index(None, "status", "id"), Index(None, "address_hash", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    page: Mapped[str] = mapped_column(String(300), comment="path of the page the report was sent from")
    message: Mapped[str] = mapped_column(Text)
    contact: Mapped[str] = mapped_column(String(200), default="", comment="optional: how to reach the reader")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    address_hash: Mapped[str] = mapped_column(
        String(64), comment="keyed hash of the sender's address, for throttling only"
    )
    status: Mapped[ReportStatus] = mapped_column(
        Enum(ReportStatus, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=ReportStatus.OPEN,
    )
    handled_by: Mapped[str] = mapped_column(String(80), default="")
    handled_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    handled_note: Mapped[str] = mapped_column(Text, default="")
