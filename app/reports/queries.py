"""SQL for error reports. Routes never build queries; they call these (or the service that does)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.models import ErrorReport, ReportStatus


def sent_since(session: Session, address_hash: str | None, since: dt.datetime) -> int:
    """Reports sent since a time, from one address (or from anyone)."""
    query = select(func.count()).select_from(ErrorReport).where(ErrorReport.created_at > since)
    if address_hash is not None:
        query = query.where(ErrorReport.address_hash == address_hash)
    return session.scalar(query) or 0


def queue(session: Session, limit: int = 200) -> list[ErrorReport]:
    """Open reports first (oldest first: they have waited longest), then the latest handled ones."""
    is_open = case((ErrorReport.status == ReportStatus.OPEN, 0), else_=1)
    order = (is_open, case((ErrorReport.status == ReportStatus.OPEN, ErrorReport.id), else_=-ErrorReport.id))
    return list(session.scalars(select(ErrorReport).order_by(*order).limit(limit)))


def report_by_id(session: Session, report_id: int) -> ErrorReport | None:
    return session.get(ErrorReport, report_id)


def open_count(session: Session) -> int:
    return session.scalar(select(func.count()).where(ErrorReport.status == ReportStatus.OPEN)) or 0
