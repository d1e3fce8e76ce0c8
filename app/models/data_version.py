"""The data version: one row, bumped in the transaction of every write that changes a public page."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class DataVersion(Base):
    """Stored rather than computed from the data: reading it is one row by primary key on every page the
    cache serves, and a read replica sees a write's new version with the write itself."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True, comment="always 1")
    number: Mapped[int] = mapped_column(BigInteger, comment="bumped by one in every writing transaction")
    token: Mapped[str] = mapped_column(
        String(16),
        comment="random, new at every bump: a restored backup or another database never repeats a version",
    )
    bumped_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
