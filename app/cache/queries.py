"""The data version: changes whenever anything a public page shows can have changed."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Resolution, State


def data_version(session: Session) -> str:
    """Imports and admin saves insert, update (updated_at, version) or delete resolutions and states:
    counts, the highest ids and the latest update time together change with every one of them."""
    row = session.execute(
        select(
            func.count(Resolution.id),
            func.max(Resolution.id),
            func.max(Resolution.updated_at),
            func.sum(Resolution.version),
            select(func.count(State.id)).scalar_subquery(),
        )
    ).one()
    return "-".join(str(part) for part in row)
