"""The data version: changes whenever anything a public page shows can have changed."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Membership, Resolution, State, StateName, Suspension


def data_version(session: Session) -> str:
    """Imports and admin saves insert, update (updated_at, version) or delete resolutions, and add states,
    names, memberships, membership ends and suspensions: these counts, highest ids and latest update time
    together change with every one of them."""
    counts = [
        select(func.count(State.id)).scalar_subquery(),
        select(func.count(StateName.id)).scalar_subquery(),
        select(func.count(Membership.id)).scalar_subquery(),
        select(func.count(Membership.ended_on)).scalar_subquery(),
        select(func.count(Suspension.id)).scalar_subquery(),
    ]
    row = session.execute(
        select(
            func.count(Resolution.id),
            func.max(Resolution.id),
            func.max(Resolution.updated_at),
            func.sum(Resolution.version),
            *counts,
        )
    ).one()
    return "-".join(str(part) for part in row)
