"""SQL that finds resolutions: by symbol (with the parts voted separately), by recorded-vote id, and the
records related to one (its separate votes, its parent, the series it belongs to)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import Session, selectinload

from app.models import (
    DecisionKind,
    Resolution,
    Series,
    SeriesMember,
)
from app.resolutions import search
from app.symbols import parse_symbol
from app.urls import PAGE_KEY_PREFIX


def get_resolution(session: Session, symbol: str, *, include_drafts: bool = False) -> Resolution | None:
    """The adoption record of a resolution by its UN symbol."""
    if search.has_control_chars(symbol):
        return None
    # A record whose symbol was not known when it was entered is found by its page key (app.urls), also
    # once the symbol is known.
    found = (
        Resolution.page_key == symbol.removeprefix(PAGE_KEY_PREFIX)
        if symbol.startswith(PAGE_KEY_PREFIX)
        else Resolution.symbol == symbol
    )
    query = (
        select(Resolution)
        .options(selectinload(Resolution.subjects))
        .where(found, Resolution.kind == DecisionKind.RESOLUTION)
    )
    if not include_drafts:
        query = query.where(Resolution.published.is_(True))
    return session.scalar(query)


@dataclass(frozen=True)
class SymbolLookup:
    """What a symbol as a user writes it finds: one resolution, or the parts of one voted separately."""

    resolution: Resolution | None
    parts: list[Resolution]


def lookup_symbol(session: Session, text: str) -> SymbolLookup:
    """The resolution a symbol names in any common form (``A/RES/181(II)``, ``181 (II)``,
    ``A/RES/181(II)[A]``).

    A symbol without its part finds the part if only one was voted (A/RES/181(II) is 181 (II) A, the
    partition plan; B was adopted without a vote) and lists the parts if several were (A/RES/39/148 A to
    K); a symbol with a part the UN's records do not have finds the whole text if that was voted as one.
    """
    parsed = parse_symbol(text)
    symbol = parsed.canonical if parsed else text.strip()
    found = get_resolution(session, symbol)
    if found is not None or parsed is None:
        return SymbolLookup(found, [])
    if parsed.part:
        whole = get_resolution(session, parsed.base)
        if whole is not None:
            return SymbolLookup(whole, [])
        parts = parts_of(session, parsed.base)
        covering = [p for p in parts if _covers(p.symbol.rsplit(" ", 1)[-1], parsed.part)]
        return SymbolLookup(covering[0], []) if len(covering) == 1 else SymbolLookup(None, parts)
    parts = parts_of(session, parsed.base)
    return SymbolLookup(parts[0], []) if len(parts) == 1 else SymbolLookup(None, parts)


def _covers(parts: str, part: str) -> bool:
    """Whether a range of parts voted as one ("A-C") includes a part ("B")."""
    first, _, last = parts.partition("-")
    return bool(last) and len(first) == len(last) == len(part) == 1 and first <= part <= last


def parts_of(session: Session, base: str) -> list[Resolution]:
    """The published resolutions whose symbols are ``base`` and a part (``A/RES/39/148 A`` ...)."""
    if search.has_control_chars(base):
        return []
    # A range on the symbol index: "base " up to "base!" (the space sorts just before "!").
    return list(
        session.scalars(
            select(Resolution)
            .options(selectinload(Resolution.subjects))
            .where(
                Resolution.symbol > base + " ",
                Resolution.symbol < base + "!",
                Resolution.kind == DecisionKind.RESOLUTION,
                Resolution.published.is_(True),
            )
            .order_by(Resolution.adopted_on, Resolution.symbol)
        )
    )


def get_decision(session: Session, decision_id: int) -> Resolution | None:
    """Any recorded decision by id (separate votes on amendments and parts have no symbol of their own)."""
    return session.scalar(
        select(Resolution)
        .options(selectinload(Resolution.subjects))
        .where(Resolution.id == decision_id, Resolution.published.is_(True))
    )


def separate_votes(session: Session, resolution: Resolution) -> list[Resolution]:
    """Other recorded votes in the voting on this resolution (amendments, paragraphs, motions), oldest
    first: the separate votes placed under it, and (from an import of Voeten's data alone, where they
    share its symbol) the other roll calls on its symbol."""
    same_symbol = (
        and_(Resolution.symbol == resolution.symbol, Resolution.kind != DecisionKind.RESOLUTION)
        if resolution.symbol
        else false()
    )
    return list(
        session.scalars(
            select(Resolution)
            .where(
                or_(Resolution.parent_id == resolution.id, same_symbol),
                Resolution.id != resolution.id,
                Resolution.published.is_(True),
            )
            .order_by(Resolution.adopted_on, Resolution.id)
        )
    )


def parent_of(session: Session, resolution: Resolution) -> Resolution | None:
    """The resolution a separate vote was part of the voting on, where it is known."""
    if resolution.parent_id is not None:
        return session.scalar(
            select(Resolution).where(Resolution.id == resolution.parent_id, Resolution.published.is_(True))
        )
    if resolution.kind is not DecisionKind.RESOLUTION and resolution.symbol:
        return get_resolution(session, resolution.symbol)
    return None


def symbols_starting(session: Session, prefix: str, limit: int = 5000) -> list[str]:
    """Resolution symbols that start with ``prefix`` (candidates for "did you mean")."""
    if search.has_control_chars(prefix):
        return []
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return list(
        session.scalars(
            select(Resolution.symbol)
            .where(
                Resolution.kind == DecisionKind.RESOLUTION,
                Resolution.published.is_(True),
                Resolution.symbol.like(escaped + "%", escape="\\"),
            )
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class SeriesLink:
    """What a resolution page says about the series it belongs to."""

    slug: str
    title: str
    member_count: int
    first_year: int
    position: int


def series_of(session: Session, resolution_id: int) -> SeriesLink | None:
    row = session.execute(
        select(Series.slug, Series.title, Series.member_count, Series.first_year, SeriesMember.position)
        .join(SeriesMember, SeriesMember.series_id == Series.id)
        .where(SeriesMember.resolution_id == resolution_id)
    ).one_or_none()
    return SeriesLink(*row) if row else None
