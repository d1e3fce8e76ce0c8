"""What the operations code asks the database: readiness checks."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session


def applied_revision(session: Session) -> str | None:
    """The Alembic revision the database is at (None before the first migration)."""
    return session.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
