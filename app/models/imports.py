"""Imports that ran to the end: what they read, so that an import of the same files can stop early."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class ImportRun(Base):
    """One committed import."""

    __tablename__ = "import_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(
        String(64), index=True, comment="of the files read, the member-state file and the importer's version"
    )
    finished_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
