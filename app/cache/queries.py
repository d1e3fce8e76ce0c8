"""What the page cache warms first (app.cache.warm)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    DecisionKind,
    Resolution,
    State,
    StateStatus,
)


def latest_resolution_symbols(session: Session, limit: int) -> list[str]:
    """The symbols of the latest published resolutions with a page of their own, newest first."""
    return list(
        session.scalars(
            select(Resolution.symbol)
            .where(Resolution.kind == DecisionKind.RESOLUTION, Resolution.published.is_(True))
            .where(Resolution.symbol.startswith("A/RES/"))
            .order_by(Resolution.adopted_on.desc(), Resolution.id.desc())
            .limit(limit)
        )
    )


def member_codes(session: Session) -> list[str]:
    return list(
        session.scalars(select(State.code).where(State.status == StateStatus.MEMBER).order_by(State.code))
    )
