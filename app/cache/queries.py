"""The data version: changes whenever anything a public page shows can have changed."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import (
    DecisionKind,
    IdealFit,
    Membership,
    Resolution,
    State,
    StateName,
    StateStatus,
    Suspension,
    VoteIntention,
)


def data_version(session: Session) -> str:
    """Imports and admin saves insert, update (updated_at, version) or delete resolutions, and add states,
    names, memberships, membership ends and suspensions, correct states' records (which bumps their
    version) and note intended votes: these counts, highest ids and latest update times together change
    with every one of them."""
    counts = [
        select(func.count(State.id)).scalar_subquery(),
        select(func.count(StateName.id)).scalar_subquery(),
        select(func.count(Membership.id)).scalar_subquery(),
        select(func.count(Membership.ended_on)).scalar_subquery(),
        select(func.count(Suspension.id)).scalar_subquery(),
        # Admin corrections of a state's record bump its version; statements of intended vote are shown
        # on resolution and country pages.
        select(func.sum(State.version)).scalar_subquery(),
        select(func.count(VoteIntention.id)).scalar_subquery(),
        select(func.max(VoteIntention.updated_at)).scalar_subquery(),
        # A new fit of the ideal points (stored in the background after imports and saves).
        select(func.max(IdealFit.id)).scalar_subquery(),
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
